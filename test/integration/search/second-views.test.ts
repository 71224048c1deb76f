import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { operations } from '../../../src-main/core/api/contract.ts';
import type { SearchTotals } from '../../../src-main/core/api/schemas.ts';
import type { CanonicalTransaction } from '../../../src-main/core/model/transaction.ts';
import { feeDays } from '../../../src-main/core/dashboard/dashboard-queries.ts';
import { runReconcile } from '../../../src-main/core/reconcile/engine.ts';
import { MIGRATIONS } from '../../../src-main/core/store/migrations/index.ts';
import { ParallelSearch } from '../../../src-main/core/search/parallel-totals.ts';
import { searchTransactions } from '../../../src-main/core/search/search-transactions.ts';
import { upsertTransactions } from '../../../src-main/core/store/mutations/upsert-transactions.ts';
import { type Store, openStore } from '../../../src-main/core/store/open-store.ts';
import { countedTotals, directTotals } from '../../support/direct-totals.ts';
import { generateTransactions, insertSeedConnections } from '../../support/seed-transactions.ts';
import { useTempHome } from '../../support/temp-home.ts';

/**
 * One money movement, one count: a Vipps capture seen by the Sales API and by the Report API's funds
 * ledger, and a fees-retained seen by the fees and the funds ledgers, on a real SQLite file, with the
 * real reconcile engine deciding which records are second views. Every totals path (rollups, text by
 * ids, text by its documents, amount index, worker slices) must count each once.
 */
const tempHome = useTempHome();
const DAY = '2026-03-14';

function vipps(externalId: string, o: Partial<CanonicalTransaction>): CanonicalTransaction {
  return {
    provider: 'vipps',
    connectionId: 'conn-vipps',
    externalId,
    kind: 'capture',
    amountMinor: 12_950,
    currency: 'NOK',
    status: 'completed',
    providerStatus: 'CAPTURED',
    occurredAt: `${DAY}T09:15:00.000Z`,
    occurredAtRaw: `${DAY}T10:15:00+01:00`,
    businessDate: DAY,
    ledgerDate: null,
    customerName: 'Kari Nordmann',
    customerEmail: null,
    customerPhone: null,
    method: 'vipps',
    network: null,
    description: null,
    references: [
      { kind: 'pspReference', value: '8815123412341234' },
      { kind: 'reference', value: 'INV-2026-0000042' },
    ],
    lines: [],
    raw: { id: externalId },
    ...o,
  };
}

const salesCapture = vipps('sales:302321:capture:8815123412341234', {});
const fundsCapture = vipps(`funds:302321:capture:8815123412341234:${DAY}`, {
  providerStatus: 'capture',
  ledgerDate: DAY,
  references: [{ kind: 'pspReference', value: '8815123412341234' }],
});
const feesRetained = (ledger: 'fees' | 'funds') =>
  vipps(`${ledger}:302321:fees-retained:8899000011112222:${DAY}`, {
    kind: 'fee',
    amountMinor: -4_250,
    providerStatus: 'fees-retained',
    ledgerDate: DAY,
    customerName: null,
    references: [{ kind: 'pspReference', value: '8899000011112222' }],
  });

describe('search totals count each money movement once, and say which view they count', () => {
  let store: Store;
  let pool: ParallelSearch;
  const req = (input: object) =>
    operations['transactions:search'].input.parse({ limit: 0, totals: true, ...input });
  const totals = (input: object): SearchTotals => searchTransactions(store.db, req(input)).totals!;
  const id = (externalId: string) =>
    store.db.prepare('SELECT id FROM transactions WHERE external_id = ?').pluck().get(externalId) as number;
  const views = () =>
    store.db.prepare('SELECT transaction_id FROM recon_views ORDER BY 1').pluck().all() as number[];

  /** Every path gives the direct anti-join's totals, and counted + second views = listed. */
  async function expectEveryPath(input: object, where: string): Promise<SearchTotals> {
    const direct = directTotals(store.db, where);
    const rows = store.db
      .prepare(`SELECT count(*) FROM transactions t WHERE ${where}`)
      .pluck()
      .get() as number;
    const alone = totals(input);
    expect(countedTotals(alone)).toEqual(direct);
    expect(alone.matched).toBe(rows);
    expect(alone.count + alone.secondViews).toBe(rows);
    // With a page (a rare text is then listed by id first), and on worker threads.
    expect(totals({ ...input, limit: 20 })).toEqual(alone);
    expect((await pool.search(store.db, req(input))).totals).toEqual(alone);
    return alone;
  }

  beforeAll(async () => {
    store = await openStore(`${tempHome()}/posrecon.sqlite`);
    insertSeedConnections(store.db);
    // Background records on the same and other days, so rollup rows hold more than the pair.
    upsertTransactions(store.db, [...generateTransactions({ count: 400, seed: 8, endDate: DAY, days: 10 })]);
    upsertTransactions(store.db, [salesCapture, fundsCapture, feesRetained('fees'), feesRetained('funds')]);
    pool = new ParallelSearch(store.file, { size: 2 });
  });
  afterAll(() => {
    pool.close();
    store.close();
  });

  it('before reconciliation has run, counts every record and says nothing was left out', async () => {
    expect(views()).toEqual([]);
    const t = await expectEveryPath({ text: '8815123412341234' }, "t.external_id LIKE '%8815123412341234%'");
    expect(t).toMatchObject({ matched: 2, count: 2, secondViews: 0, note: null });
    expect(totals({}).note).toBeNull();
  });

  it('after it, counts the Sales API capture and the funds-ledger fee, each once', async () => {
    await runReconcile(store.db, { full: true });
    expect(views()).toEqual([id(fundsCapture.externalId), id(feesRetained('fees').externalId)]);

    const capture = await expectEveryPath(
      { text: '8815123412341234' },
      "t.external_id LIKE '%8815123412341234%'",
    );
    expect(capture).toMatchObject({ matched: 2, count: 1, secondViews: 1 });
    expect(capture.byCurrency).toEqual([
      {
        currency: 'NOK',
        count: 1,
        headline: { what: 'received', amountMinor: 12_950 },
        byKind: [{ kind: 'capture', count: 1, amountMinor: 12_950 }],
      },
    ]);
    expect(capture.note).toBe(
      'Vipps payments are counted once, from the Sales API; 1 Report ledger entry of the same payments is not counted again.',
    );
    const fee = await expectEveryPath(
      { text: '8899000011112222' },
      "t.external_id LIKE '%8899000011112222%'",
    );
    expect(fee).toMatchObject({ matched: 2, count: 1, secondViews: 1 });
    expect(fee.byCurrency[0]!.headline).toEqual({ what: 'fees', amountMinor: -4_250 });
    expect(fee.note).toBe(
      'Vipps fees are counted once, when they are paid (kept back from the takings, or invoiced); 1 fees ledger entry of the same fees is not counted again.',
    );
  });

  it.each([
    ['everything', {}, 'true'],
    [
      'a provider and a day (rollups)',
      { providers: ['vipps'], dateFrom: DAY, dateTo: DAY },
      `t.provider = 'vipps' AND t.business_date = '${DAY}'`,
    ],
    [
      'a kind and a status',
      { kinds: ['capture', 'fee'], statuses: ['completed'] },
      "t.kind IN ('capture', 'fee') AND t.status = 'completed'",
    ],
    [
      'an amount range (amount index)',
      { amountMinMinor: -5_000, amountMaxMinor: 13_000 },
      't.amount_minor BETWEEN -5000 AND 13000',
    ],
    [
      'an amount range and a provider',
      { amountMinMinor: 12_950, amountMaxMinor: 12_950, providers: ['vipps'] },
      "t.amount_minor = 12950 AND t.provider = 'vipps'",
    ],
    [
      'a name and a provider (text)',
      { text: 'kari', providers: ['vipps'] },
      "t.customer_name LIKE 'kari %' AND t.provider = 'vipps'",
    ],
  ])('%s: each once', async (_name, input, where) => {
    const t = await expectEveryPath(input, where);
    expect(t.secondViews).toBeGreaterThan(0);
  });

  it('moves a record between counted and not counted as its view status changes', async () => {
    const everything = () => countedTotals(totals({}));
    // The Sales API entry goes away: the next run counts the funds entry instead.
    store.db.prepare('DELETE FROM transactions WHERE external_id = ?').run(salesCapture.externalId);
    await runReconcile(store.db);
    expect(views()).toEqual([id(feesRetained('fees').externalId)]);
    let t = await expectEveryPath({ text: '8815123412341234' }, "t.external_id LIKE '%8815123412341234%'");
    expect(t).toMatchObject({ matched: 1, count: 1, secondViews: 0, note: null });
    expect(everything()).toEqual(directTotals(store.db, 'true'));
    // It comes back: the funds entry is a second view again.
    upsertTransactions(store.db, [salesCapture]);
    await runReconcile(store.db);
    expect(views()).toContain(id(fundsCapture.externalId));
    t = await expectEveryPath({ text: '8815123412341234' }, "t.external_id LIKE '%8815123412341234%'");
    expect(t).toMatchObject({ matched: 2, count: 1, secondViews: 1 });
    expect(everything()).toEqual(directTotals(store.db, 'true'));
  });

  it('keeps the view rollups exact when a viewed record changes, gains a line, or is deleted', async () => {
    const check = () => expectEveryPath({ providers: ['vipps'] }, "t.provider = 'vipps'");
    const funds = id(fundsCapture.externalId);
    store.db
      .prepare("UPDATE transactions SET status = 'refunded', amount_minor = 13000 WHERE id = ?")
      .run(funds);
    await check();
    store.db
      .prepare("UPDATE transactions SET business_date = '2026-03-15', method = 'mobilepay' WHERE id = ?")
      .run(funds);
    await check();
    await expectEveryPath(
      { providers: ['vipps'], hasLines: false },
      "t.provider = 'vipps' AND NOT EXISTS (SELECT 1 FROM transaction_lines l WHERE l.transaction_id = t.id)",
    );
    store.db
      .prepare(
        `INSERT INTO transaction_lines (transaction_id, line_no, name, quantity, line_gross_minor) VALUES (?, 1, 'Tips', 1, 50)`,
      )
      .run(funds);
    await expectEveryPath(
      { providers: ['vipps'], hasLines: true },
      "t.provider = 'vipps' AND EXISTS (SELECT 1 FROM transaction_lines l WHERE l.transaction_id = t.id)",
    );
    store.db.prepare('DELETE FROM transaction_lines WHERE transaction_id = ?').run(funds);
    await expectEveryPath(
      { providers: ['vipps'], hasLines: false },
      "t.provider = 'vipps' AND NOT EXISTS (SELECT 1 FROM transaction_lines l WHERE l.transaction_id = t.id)",
    );
    // Deleted: its recon_views row goes with it (foreign key), and so does its share of the view rollups.
    store.db.prepare('DELETE FROM transactions WHERE id = ?').run(funds);
    expect(views()).not.toContain(funds);
    await check();
    const left = store.db
      .prepare(
        'SELECT coalesce(sum(n), 0) AS n, coalesce(sum(amount_minor), 0) AS a FROM search_view_day_totals',
      )
      .get();
    expect(left).toEqual(
      store.db.prepare('SELECT count(*) AS n, coalesce(sum(amount_minor), 0) AS a FROM search_views').get(),
    );
  });

  it.each([false, true])(
    'a view rewritten with INSERT OR REPLACE is counted out once (recursive_triggers %s)',
    async (recursive) => {
      const fee = id(feesRetained('fees').externalId);
      const twin = id(feesRetained('funds').externalId);
      store.db.pragma(`recursive_triggers = ${recursive ? 'ON' : 'OFF'}`);
      try {
        // What a reconcile run does when a view's day moved: the old row is replaced, not deleted.
        store.db
          .prepare(
            'INSERT OR REPLACE INTO recon_views (transaction_id, primary_id, business_date) VALUES (?, ?, ?)',
          )
          .run(fee, twin, '2026-03-13');
        await expectEveryPath({ kinds: ['fee'] }, "t.kind = 'fee'");
        expect(totals({ text: '8899000011112222' })).toMatchObject({ matched: 2, count: 1, secondViews: 1 });
        // Many views of one rollup row written and rewritten in one statement, as a run writes a day.
        const many = `INSERT OR REPLACE INTO recon_views (transaction_id, primary_id, business_date)
          SELECT id, id, business_date FROM transactions WHERE kind IN ('capture', 'sale') AND id % 3 = 0`;
        expect(store.db.prepare(many).run().changes).toBeGreaterThan(50);
        store.db.prepare(many).run();
        await expectEveryPath({}, 'true');
        await expectEveryPath(
          { kinds: ['sale'], dateFrom: '2026-03-10' },
          "t.kind = 'sale' AND t.business_date >= '2026-03-10'",
        );
      } finally {
        store.db.pragma('recursive_triggers = OFF');
      }
    },
  );
});

/**
 * The fees ledger is what the merchant owes Vipps: charges (capture-fee, service-fee) raise it, and
 * a settlement (fees-retained, also a funds-ledger entry; or fees-invoiced) pays it. Only the
 * settlement is money moving, so the charges are listed but never counted; before this, "Fees" added
 * the positive charges to the negative fees kept back and showed their small difference.
 */
describe('Vipps fee charges are listed, not counted: a fee counts once, when it is paid', () => {
  const FEE_DAY = '2026-03-16';
  const fee = (ledger: 'fees' | 'funds', type: string, psp: string, amountMinor: number) =>
    vipps(`${ledger}:302321:${type}:${psp}:${FEE_DAY}`, {
      kind: 'fee',
      amountMinor,
      providerStatus: type,
      occurredAt: `${FEE_DAY}T21:00:00.000Z`,
      businessDate: FEE_DAY,
      ledgerDate: FEE_DAY,
      customerName: null,
      references: [{ kind: 'pspReference', value: psp }],
    });
  const records = [
    fee('fees', 'capture-fee', '7700000000000001', 250),
    fee('fees', 'capture-fee', '7700000000000002', 300),
    fee('fees', 'service-fee', '7700000000000003', 100),
    fee('fees', 'fees-retained', '7700000000000009', -550),
    fee('funds', 'fees-retained', '7700000000000009', -550),
    fee('fees', 'fees-invoiced', '7700000000000010', -100),
  ];
  const req = (input: object) =>
    operations['transactions:search'].input.parse({ limit: 0, totals: true, ...input });
  const feeTotal = (t: SearchTotals) => t.byCurrency.flatMap((c) => c.byKind).find((k) => k.kind === 'fee');

  it('before and after reconciliation, on every totals path, and like the Dashboard', async () => {
    const store = await openStore(`${tempHome()}/posrecon.sqlite`);
    const pool = new ParallelSearch(store.file, { size: 2 });
    try {
      insertSeedConnections(store.db);
      upsertTransactions(store.db, records);
      const input = { providers: ['vipps'], kinds: ['fee'] };
      const where = "t.provider = 'vipps' AND t.kind = 'fee'";
      // Before reconciliation the fees ledger's copy of the fees kept back still counts (the funds twin
      // is a match the engine makes), but no charge does.
      let t = searchTransactions(store.db, req(input)).totals!;
      expect(countedTotals(t)).toEqual(directTotals(store.db, where));
      expect(feeTotal(t)).toEqual({ kind: 'fee', count: 3, amountMinor: -1_200 });
      expect(t).toMatchObject({ matched: 6, count: 3, secondViews: 3 });

      await runReconcile(store.db, { full: true });
      for (const shape of [input, { text: '770000000000' }, { amountMinMinor: -600, amountMaxMinor: 400 }]) {
        t = searchTransactions(store.db, req(shape)).totals!;
        expect(feeTotal(t), JSON.stringify(shape)).toEqual({ kind: 'fee', count: 2, amountMinor: -650 });
        expect((await pool.search(store.db, req(shape))).totals).toEqual(t);
      }
      t = searchTransactions(store.db, req(input)).totals!;
      expect(countedTotals(t)).toEqual(directTotals(store.db, where));
      expect(t.note).toBe(
        'Vipps fees are counted once, when they are paid (kept back from the takings, or invoiced); 4 fees ledger entries of the same fees are not counted again.',
      );
      // The Dashboard's fees are the entries that took money, as positive amounts: the same 6.50.
      expect(feeDays(store.db, FEE_DAY, FEE_DAY)).toEqual([{ date: FEE_DAY, currency: 'NOK', amount: 650 }]);
    } finally {
      pool.close();
      store.close();
    }
  });

  it('a cache synced before the rule gets its charges left out when it is upgraded', async () => {
    const file = `${tempHome()}/posrecon.sqlite`;
    const old = await openStore(file, { migrations: MIGRATIONS.filter((m) => m.version < 11) });
    insertSeedConnections(old.db);
    upsertTransactions(old.db, records);
    expect(feeTotal(searchTransactions(old.db, req({})).totals!)?.amountMinor).toBe(-550);
    old.close();
    const store = await openStore(file);
    try {
      const t = searchTransactions(store.db, req({})).totals!;
      expect(feeTotal(t)).toEqual({ kind: 'fee', count: 3, amountMinor: -1_200 });
      expect(countedTotals(t)).toEqual(directTotals(store.db, 'true'));
      // A charge that goes away takes its view with it; one that comes back is left out again.
      store.db.prepare(`DELETE FROM transactions WHERE external_id LIKE 'fees:%:capture-fee:%'`).run();
      upsertTransactions(store.db, records.slice(0, 1));
      expect(countedTotals(searchTransactions(store.db, req({})).totals!)).toEqual(
        directTotals(store.db, 'true'),
      );
      expect(store.db.prepare('SELECT count(*) FROM search_views').pluck().get()).toBe(2);
    } finally {
      store.close();
    }
  });
});
