import { beforeAll, describe, expect, it } from 'vitest';
import { operations } from '../../../src-main/core/api/contract.ts';
import type { CanonicalTransaction } from '../../../src-main/core/model/transaction.ts';
import { searchTransactions } from '../../../src-main/core/search/search-transactions.ts';
import { getTransactionDetail } from '../../../src-main/core/search/transaction-detail.ts';
import { upsertTransactions } from '../../../src-main/core/store/mutations/upsert-transactions.ts';
import { type Store, openStore } from '../../../src-main/core/store/open-store.ts';
import { countedTotals, directTotals as direct, markViews } from '../../support/direct-totals.ts';
import { generateTransactions, insertSeedConnections } from '../../support/seed-transactions.ts';
import { useTempHome } from '../../support/temp-home.ts';

const tempHome = useTempHome();
const parse = (input: object) => operations['transactions:search'].input.parse(input);
const search = (store: Store, input: object) => searchTransactions(store.db, parse(input));
const ids = (store: Store, input: object) =>
  search(store, { limit: 500, ...input }).items.map((t) => t.externalId);

function kari(overrides: Partial<CanonicalTransaction> = {}): CanonicalTransaction {
  return {
    provider: 'vipps',
    connectionId: 'conn-vipps',
    externalId: 'kari-1',
    kind: 'capture',
    amountMinor: 12_950,
    currency: 'NOK',
    status: 'completed',
    providerStatus: 'CAPTURED',
    occurredAt: '2026-03-14T09:15:00.000Z',
    occurredAtRaw: '2026-03-14T10:15:00+01:00',
    businessDate: '2026-03-14',
    ledgerDate: null,
    customerName: 'Kari Nordmann',
    customerEmail: 'kari.nordmann@example.no',
    customerPhone: '+47 912 34 567',
    method: 'vipps',
    network: null,
    description: null,
    references: [
      { kind: 'pspReference', value: '8815123412341234' },
      { kind: 'orderId', value: '3f2a9c1e-4b7d-4e21-a9c3-0d1e2f3a4b5c' },
      { kind: 'invoiceId', value: 'INV-2026-0012345' },
    ],
    lines: [
      {
        lineNo: 1,
        name: 'Cappuccino',
        quantity: 1,
        unit: 'pcs',
        unitPriceGrossMinor: 4900,
        unitPriceNetMinor: 4261,
        lineGrossMinor: 4900,
        lineNetMinor: 4261,
        discountMinor: 0,
        vatRateBp: 1500,
        vatMinor: 639,
        category: 'food',
      },
    ],
    raw: { reference: 'kari-1' },
    ...overrides,
  };
}

async function freshStore(): Promise<Store> {
  const store = await openStore(`${tempHome()}/posrecon.sqlite`);
  insertSeedConnections(store.db);
  return store;
}

/** The totals recomputed the slow, obvious way, to compare the rollup and the indexed paths with. */
const directTotals = (store: Store, where: string, params: unknown[] = []) => direct(store.db, where, params);

describe('free-text search, kept in step with every upsert', () => {
  let store: Store;
  beforeAll(async () => {
    store = await freshStore();
    upsertTransactions(store.db, [kari(), ...generateTransactions({ count: 300, seed: 7 })]);
  });

  it.each([
    ['a name prefix', 'kari nord'],
    ['the name in any case and order', 'NORDMANN kari'],
    ['part of the email', 'kari.nordmann@exa'],
    ['the phone as printed', '912 34'],
    ['the phone without spaces', '4791234'],
    ['the local number without the country code', '91234567'],
    ['a pspReference prefix', '881512341'],
    ['a whole pspReference', '8815123412341234'],
    ['a whole UUID', '3f2a9c1e-4b7d-4e21-a9c3-0d1e2f3a4b5c'],
    ['a UUID prefix', '3f2a9c1e-4b'],
    ['an invoice id prefix', 'INV-2026-00123'],
    ['the external id', 'kari-1'],
    ['a line name with the customer', 'kari cappu'],
  ])('finds the record by %s', (_what, text) => {
    expect(ids(store, { text })).toContain('kari-1');
  });

  it('treats FTS syntax as plain text and ignores words without letters or digits', () => {
    expect(ids(store, { text: 'kari AND NOT "' })).toEqual([]);
    expect(ids(store, { text: '- kari *' })).toContain('kari-1');
    expect(() => search(store, { text: 'NEAR( ) ^ :' })).not.toThrow();
  });

  it('follows a change upstream: the old name, reference and line are no longer found', () => {
    upsertTransactions(store.db, [
      kari({
        customerName: 'Kari Hansen',
        references: [{ kind: 'pspReference', value: '8899000011112222' }],
        lines: [{ ...kari().lines[0]!, name: 'Kanelbolle' }],
      }),
    ]);
    expect(ids(store, { text: 'nordmann kari' })).toContain('kari-1'); // still in the email
    expect(ids(store, { text: 'kari hansen' })).toContain('kari-1');
    expect(ids(store, { text: '8815123412341234' })).toEqual([]);
    expect(ids(store, { text: '88990000' })).toEqual(['kari-1']);
    expect(ids(store, { text: 'kari-1 cappuccino' })).toEqual([]);
    expect(ids(store, { text: 'kari-1 kanel' })).toEqual(['kari-1']);
    const detail = getTransactionDetail(store.db, search(store, { text: 'kari-1' }).items[0]!.id);
    expect(detail.changes.map((c) => c.field)).toEqual(
      expect.arrayContaining(['customerName', 'references', 'lines']),
    );
  });

  it('forgets a transaction once it is deleted, and its totals with it', () => {
    store.db.prepare("DELETE FROM transactions WHERE external_id = 'kari-1'").run();
    expect(ids(store, { text: 'kari-1' })).toEqual([]);
    expect(countedTotals(search(store, { limit: 0, totals: true }).totals!)).toEqual(
      directTotals(store, 'true'),
    );
  });
});

describe('the search documents: written with their page, caught up by any reader', () => {
  const pending = (store: Store) =>
    store.db.prepare('SELECT count(*) FROM search_pending').pluck().get() as number;

  it('leaves nothing queued once an upsert returns, and a rolled-back page leaves nothing at all', async () => {
    const store = await freshStore();
    upsertTransactions(store.db, [kari()]);
    expect(pending(store)).toBe(0);
    expect(ids(store, { text: 'kari' })).toEqual(['kari-1']);
    const bad = kari({ externalId: 'ola-1', customerName: 'Ola Halvorsen', currency: 'NOKK' });
    expect(() =>
      upsertTransactions(store.db, [kari({ externalId: 'ola-0', customerName: 'Ola' }), bad]),
    ).toThrow(/CHECK constraint/);
    expect(pending(store)).toBe(0);
    expect(ids(store, { text: 'ola' })).toEqual([]);
    store.close();
  });

  it('finds what a writer put in with plain SQL and never flushed', async () => {
    const store = await freshStore();
    upsertTransactions(store.db, [kari()]);
    const id = store.db.prepare("SELECT id FROM transactions WHERE external_id = 'kari-1'").pluck().get();
    store.db
      .prepare("INSERT INTO transaction_refs (transaction_id, kind, value) VALUES (?, 'note', 'Ferjekai')")
      .run(id);
    store.db.prepare("UPDATE transactions SET customer_name = 'Kari Vik' WHERE id = ?").run(id);
    expect(pending(store)).toBe(1);
    expect(ids(store, { text: 'ferjekai vik' })).toEqual(['kari-1']);
    expect(ids(store, { text: 'nordmann kari 912' })).toEqual(['kari-1']); // email and phone are still there
    expect(ids(store, { text: 'kari cappuccino 3f2a9c1e' })).toEqual(['kari-1']);
    expect(pending(store)).toBe(0);
    store.db.prepare('DELETE FROM transaction_lines WHERE transaction_id = ?').run(id);
    expect(ids(store, { text: 'cappuccino' })).toEqual([]);
    store.close();
  });

  it('matches every word of the text in one transaction, whichever field each is in', async () => {
    const store = await freshStore();
    upsertTransactions(store.db, [kari(), kari({ externalId: 'kari-2', lines: [], references: [] })]);
    expect(ids(store, { text: 'cappuccino INV-2026 kari' })).toEqual(['kari-1']);
    expect(ids(store, { text: 'kari 912' }).sort()).toEqual(['kari-1', 'kari-2']);
    store.close();
  });
});

describe('filters, order, paging and totals', () => {
  let store: Store;
  beforeAll(async () => {
    store = await freshStore();
    upsertTransactions(store.db, [...generateTransactions({ count: 2000, seed: 3, days: 60 })]);
    // Second views of every kind, day and status, so each totals path below has some to leave out.
    expect(markViews(store.db, "provider IN ('vipps', 'tgi') AND id % 3 = 0")).toBeGreaterThan(100);
  });

  const cases: [string, object, string, unknown[]][] = [
    ['everything', {}, 'true', []],
    [
      'a date range',
      { dateFrom: '2026-02-01', dateTo: '2026-02-28' },
      "business_date BETWEEN '2026-02-01' AND '2026-02-28'",
      [],
    ],
    ['a provider', { providers: ['vipps'] }, "provider = 'vipps'", []],
    [
      'a range across months with partial edges',
      { dateFrom: '2026-01-15', dateTo: '2026-03-10', kinds: ['sale', 'capture'] },
      "business_date BETWEEN '2026-01-15' AND '2026-03-10' AND kind IN ('sale', 'capture')",
      [],
    ],
    ['from a day on', { dateFrom: '2026-03-02' }, "business_date >= '2026-03-02'", []],
    [
      'up to a day',
      { dateTo: '2026-02-14', hasLines: true },
      "business_date <= '2026-02-14' AND EXISTS (SELECT 1 FROM transaction_lines WHERE transaction_id = t.id)",
      [],
    ],
    [
      'two common words',
      { text: 'cap ka' },
      "t.id IN (SELECT transaction_id FROM transaction_lines WHERE name LIKE 'cap%') AND t.id IN (SELECT transaction_id FROM transaction_lines WHERE name LIKE 'ka%' OR name LIKE '% ka%' UNION SELECT id FROM transactions WHERE customer_name LIKE 'ka%' OR customer_name LIKE '% ka%' OR customer_email LIKE 'ka%' OR customer_email LIKE '%.ka%' OR customer_email LIKE '%@ka%')",
      [],
    ],
    ['a connection', { connectionIds: ['conn-sentry-2'] }, "connection_id = 'conn-sentry-2'", []],
    ['statuses', { statuses: ['failed', 'disputed'] }, "status IN ('failed', 'disputed')", []],
    ['a kind', { kinds: ['payout'] }, "kind = 'payout'", []],
    ['a currency', { currencies: ['usd'] }, "currency = 'USD'", []],
    [
      'a method and network',
      { methods: ['card'], networks: ['amex'] },
      "method = 'card' AND network = 'amex'",
      [],
    ],
    [
      'an amount range',
      { amountMinMinor: 5000, amountMaxMinor: 10000 },
      'amount_minor BETWEEN 5000 AND 10000',
      [],
    ],
    [
      'has lines',
      { hasLines: true },
      'EXISTS (SELECT 1 FROM transaction_lines WHERE transaction_id = t.id)',
      [],
    ],
    [
      'no lines',
      { hasLines: false },
      'NOT EXISTS (SELECT 1 FROM transaction_lines WHERE transaction_id = t.id)',
      [],
    ],
    [
      'text and filters',
      { text: 'kari', providers: ['vipps', 'cents'], statuses: ['completed'], dateFrom: '2026-02-10' },
      "customer_name LIKE 'kari %' AND provider IN ('vipps', 'cents') AND status = 'completed' AND business_date >= '2026-02-10'",
      [],
    ],
  ];

  it.each(cases)('totals for %s equal a direct SQL sum', (_name, filter, where, params) => {
    const result = search(store, { ...filter, limit: 0, totals: true });
    const direct = directTotals(store, where, params);
    expect(direct.byCurrency.length).toBeGreaterThan(0);
    expect(countedTotals(result.totals!)).toEqual(direct);
    // Every matched row is either counted or a second view.
    const rows = store.db
      .prepare(`SELECT count(*) FROM transactions t WHERE ${where}`)
      .pluck()
      .get(...params);
    expect(result.totals!.matched).toBe(rows);
    expect(result.totals!.count + result.totals!.secondViews).toBe(rows);
  });

  // Totals alone are driven by the text's documents; with a page, a rare text's listed ids drive them.
  it.each(cases.filter(([, filter]) => 'text' in filter))(
    'totals for %s are the same asked with a page',
    (_name, filter) => {
      const alone = search(store, { ...filter, limit: 0, totals: true }).totals;
      expect(search(store, { ...filter, limit: 20, totals: true }).totals).toEqual(alone);
    },
  );

  it.each(cases)('pages through %s in order, each row once', (_name, filter, where, params) => {
    for (const sort of ['time_desc', 'time_asc', 'amount_desc', 'amount_asc'] as const) {
      const seen: { id: number; key: [string | number, string | number] }[] = [];
      let cursor: string | null = null;
      do {
        const page = search(store, { ...filter, sort, limit: 97, cursor });
        seen.push(
          ...page.items.map((t) => ({
            id: t.id,
            key: (sort.startsWith('time') ? [t.businessDate, t.occurredAt] : [t.amountMinor, 0]) as [
              string | number,
              string | number,
            ],
          })),
        );
        cursor = page.nextCursor;
      } while (cursor);
      const expected = store.db
        .prepare(`SELECT count(*) AS n FROM transactions t WHERE ${where}`)
        .get(...params) as { n: number };
      expect(new Set(seen.map((s) => s.id)).size).toBe(expected.n);
      // Distinct ids alone would pass an inclusive keyset (>=) that repeats rows across pages.
      expect(seen).toHaveLength(expected.n);
      const desc = sort.endsWith('desc');
      for (let i = 1; i < seen.length; i++) {
        const [a, b] = [seen[i - 1]!, seen[i]!];
        const cmp =
          a.key[0] < b.key[0]
            ? -1
            : a.key[0] > b.key[0]
              ? 1
              : a.key[1] < b.key[1]
                ? -1
                : a.key[1] > b.key[1]
                  ? 1
                  : 0;
        expect(desc ? cmp >= 0 : cmp <= 0).toBe(true);
      }
    }
  });

  it('keeps paging stable while a sync inserts rows before and after the cursor', () => {
    const first = search(store, { limit: 50 });
    const before = new Set(ids(store, { limit: 500, dateFrom: '2026-03-01' }));
    upsertTransactions(store.db, [
      ...[...generateTransactions({ count: 40, seed: 99, days: 60 })].map((t) => ({
        ...t,
        externalId: `late-${t.externalId}`,
      })),
    ]);
    const rest: string[] = [];
    let cursor = first.nextCursor;
    while (cursor) {
      const page = search(store, { limit: 50, cursor });
      rest.push(...page.items.map((t) => t.externalId));
      cursor = page.nextCursor;
    }
    const shown = [...first.items.map((t) => t.externalId), ...rest];
    expect(new Set(shown).size).toBe(shown.length); // nothing twice
    for (const id of before) expect(shown).toContain(id); // nothing that was there is skipped
  });

  it('refuses a cursor made for another sort', () => {
    const { nextCursor } = search(store, { limit: 10, sort: 'amount_desc' });
    expect(() => search(store, { limit: 10, cursor: nextCursor })).toThrow(/cursor/);
  });
});
