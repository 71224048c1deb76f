import type { Database } from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import type { CanonicalTransaction } from '../../../src-main/core/model/transaction.ts';
import { canonical } from '../../../src-main/core/providers/shared/canonical.ts';
import { runReconcile } from '../../../src-main/core/reconcile/engine.ts';
import { upsertTransactions } from '../../../src-main/core/store/mutations/upsert-transactions.ts';
import { openStore } from '../../../src-main/core/store/open-store.ts';
import { reconcileState } from '../../support/reconcile-state.ts';
import { insertSeedConnections } from '../../support/seed-transactions.ts';
import { useTempHome } from '../../support/temp-home.ts';

/*
 * After a nightly sync brings a new day, the run rebuilds the day before it too, whose window reaches
 * the day two before. That day is not rebuilt: its records held by its own groups are read only as far
 * as the day before's matching uses them (load-day.ts loadNeighbour, engine.ts windowOf). Each case
 * below has a record of that day that no group of the run may take, yet the day before's clock offsets
 * count it; read whole or not at all, the run would differ from a full rebuild of the same records.
 */
const tempHome = useTempHome();
const NOW = new Date('2026-03-13T11:00:00Z');
const [D2, D1, D] = ['2026-03-10', '2026-03-11', '2026-03-12'];

function rec(
  provider: 'sentrypos' | 'tgi' | 'vipps',
  id: string,
  day: string,
  time: string,
  amountMinor: number,
  references: CanonicalTransaction['references'] = [],
): CanonicalTransaction {
  const at = `${day}T${time}.000Z`;
  return canonical(
    { provider, id: { sentrypos: 'conn-sentry-1', tgi: 'conn-tgi', vipps: 'conn-vipps' }[provider] },
    {
      externalId: provider === 'vipps' ? `sales:${id}` : id,
      kind: provider === 'sentrypos' ? 'sale' : 'capture',
      amountMinor,
      currency: 'NOK',
      status: 'completed',
      providerStatus: null,
      occurredAt: at,
      occurredAtRaw: at,
      businessDate: day,
      references,
      raw: {},
    },
  );
}
const sale = (id: string, day: string, time: string, amount: number) =>
  rec('sentrypos', id, day, time, amount, [{ kind: 'invoiceId', value: `inv-${id}` }]);

/** Who holds a record, by its external id. */
const holder = (db: Database, externalId: string) =>
  db
    .prepare(
      `SELECT g.key FROM transactions t JOIN recon_members m ON m.transaction_id = t.id
         JOIN recon_groups g ON g.id = m.group_id WHERE t.external_id = ?`,
    )
    .pluck()
    .get(externalId);

/**
 * Two days are synced and reconciled, then the new day arrives and the incremental run follows; a copy
 * of the cache is then rebuilt in full. Returns both results and the day before's clock offsets.
 */
async function newDay(
  before: CanonicalTransaction[],
  arriving: CanonicalTransaction[],
  check: (db: Database) => void,
  /** The days the run after the new day takes: the day before and the new day (and a day after it). */
  days = 2,
) {
  const home = tempHome();
  const store = await openStore(`${home}/run.sqlite`);
  insertSeedConnections(store.db);
  upsertTransactions(store.db, before, NOW.toISOString());
  await runReconcile(store.db, { now: NOW });
  check(store.db);
  upsertTransactions(store.db, arriving, NOW.toISOString());
  const report = await runReconcile(store.db, { now: NOW });
  // The day before and the new day: the day two before is a neighbour only.
  expect(report.days).toBe(days);
  const offsets = (db: Database) =>
    db.prepare('SELECT offsets FROM recon_day_offsets WHERE date = ?').pluck().get(D1) as string;
  const incremental = { state: reconcileState(`${home}/run.sqlite`), offsets: offsets(store.db) };
  store.db.exec(`VACUUM INTO '${home}/full.sqlite'`);
  store.close();
  const copy = await openStore(`${home}/full.sqlite`);
  await runReconcile(copy.db, { now: NOW, full: true });
  const full = { state: reconcileState(`${home}/full.sqlite`), offsets: offsets(copy.db) };
  copy.close();
  return { incremental, full, report };
}

describe('the run after a new day, on the day two before it', () => {
  it("counts that day's payments near the day before's first sales in its clock offsets", async () => {
    // A TGI payment two before midnight is held by its own day's sale. Of the day before's three sales
    // after midnight, the first has that payment and its own within the time window, so only the other
    // two tell TGI's clock: too few for an offset. Without that payment there would be three.
    const { incremental, full } = await newDay(
      [
        sale('s0', D2, '23:50:00', 12_345),
        rec('tgi', 'p0', D2, '23:52:00', 12_345),
        sale('s1', D1, '00:05:00', 12_345),
        rec('tgi', 'p1', D1, '00:07:00', 12_345),
        sale('s2', D1, '00:10:00', 23_456),
        rec('tgi', 'p2', D1, '00:12:00', 23_456),
        sale('s3', D1, '00:15:00', 34_567),
        rec('tgi', 'p3', D1, '00:17:00', 34_567),
      ],
      [sale('s4', D, '12:00:00', 45_678), rec('tgi', 'p4', D, '12:02:00', 45_678)],
      (db) => expect(holder(db, 'p0')).toBe('sale:conn-sentry-1:inv-s0'),
    );
    expect(JSON.parse(full.offsets)).toEqual({});
    expect(incremental.offsets).toBe(full.offsets);
    expect(incremental.state).toEqual(full.state);
  });

  it("counts that day's payments naming the day before's sales in its clock offsets, however far in time", async () => {
    // A Vipps payment at noon names a sale of the next morning, yet its own day's sale of the same
    // amount took it. It still tells Vipps's clock for the day before, with two payments keyed there.
    const { incremental, full } = await newDay(
      [
        sale('v0', D2, '12:00:00', 11_100),
        rec('vipps', 'q1', D2, '12:01:00', 11_100, [{ kind: 'reference', value: 'inv-v1' }]),
        sale('v1', D1, '10:00:00', 11_100),
        sale('v2', D1, '10:05:00', 22_200),
        rec('vipps', 'q2', D1, '10:06:00', 22_200, [{ kind: 'reference', value: 'inv-v2' }]),
        sale('v3', D1, '10:10:00', 33_300),
        rec('vipps', 'q3', D1, '10:11:00', 33_300, [{ kind: 'reference', value: 'inv-v3' }]),
      ],
      [
        sale('v4', D, '12:00:00', 44_400),
        rec('vipps', 'q4', D, '12:01:00', 44_400, [{ kind: 'reference', value: 'inv-v4' }]),
      ],
      (db) => expect(holder(db, 'sales:q1')).toBe('sale:conn-sentry-1:inv-v0'),
    );
    expect(JSON.parse(full.offsets)).toHaveProperty('vipps');
    expect(incremental.offsets).toBe(full.offsets);
    expect(incremental.state).toEqual(full.state);
  });
  it("gives the day before's sales that day's records they hold, however far in time", async () => {
    // A Vipps payment naming a sale of the next day pays it, and the failed attempt a minute before it
    // joins that sale's group: both are the day before's to take again, though far from its sales.
    const failed = { ...rec('vipps', 'a1', D2, '12:00:00', 11_100), status: 'failed' as const };
    const { incremental, full } = await newDay(
      [
        failed,
        rec('vipps', 'q1', D2, '12:01:00', 11_100, [{ kind: 'reference', value: 'inv-v1' }]),
        sale('v1', D1, '10:00:00', 11_100),
      ],
      [sale('v4', D, '12:00:00', 44_400)],
      (db) => expect(holder(db, 'sales:a1')).toBe('sale:conn-sentry-1:inv-v1'),
    );
    expect(incremental.state).toEqual(full.state);
    expect(incremental.state.groups).toContainEqual(
      expect.objectContaining({
        key: 'sale:conn-sentry-1:inv-v1',
        members: expect.stringMatching(/:attempt/),
      }),
    );
  });
});

/*
 * The day before the new day is matched again only where the new day's records reach (day-before.ts):
 * each case has a new record that changes one of its groups, and the run must still end where a full
 * rebuild ends, having matched that day locally (dayBeforeSales: the code before matched it whole).
 */
describe('the run after a new day, on the day before it', () => {
  const D1_NEXT = '2026-03-13';
  const failed = (r: CanonicalTransaction) => ({ ...r, status: 'failed' as const });

  async function local(
    before: CanonicalTransaction[],
    arriving: CanonicalTransaction[],
    check: (db: Database) => void = () => {},
    { days = 2, locally = true } = {},
  ) {
    const { incremental, full, report } = await newDay(before, arriving, check, days);
    if (locally) expect(report.dayBeforeSales).toBeGreaterThan(0);
    else expect(report.dayBeforeSales).toBeUndefined();
    expect(incremental.offsets).toBe(full.offsets);
    expect(incremental.state).toEqual(full.state);
    return incremental.state.groups as { key: string; members: string; evidence: string }[];
  }
  const groupOf = (groups: { key: string; members: string; evidence: string }[], key: string) =>
    groups.find((g) => g.key === `sale:conn-sentry-1:inv-${key}`);

  it('gives a sale just before midnight the payment just after it, before the new day bids for it', async () => {
    // A full run matches the day before first: its sale takes the payment the new day's sale would.
    const groups = await local(
      [sale('a0', D2, '12:00:00', 10_000), sale('a1', D1, '23:58:00', 12_345)],
      [rec('tgi', 'pa', D, '00:01:00', 12_345), sale('a2', D, '00:01:30', 12_345)],
      (db) => expect(holder(db, 'a1')).toBe('sale:conn-sentry-1:inv-a1'),
    );
    expect(groupOf(groups, 'a1')?.members).toMatch(/:payment/);
    expect(groupOf(groups, 'a2')?.members).not.toMatch(/:payment/);
  });

  it('gives a sale the payment that names it, however far in time', async () => {
    const groups = await local(
      [sale('b1', D1, '12:00:00', 22_200)],
      [rec('vipps', 'qb', D, '09:00:00', 22_200, [{ kind: 'reference', value: 'inv-b1' }])],
    );
    expect(groupOf(groups, 'b1')?.members).toMatch(/:payment/);
  });

  it("lets a payment just after midnight outrank the day before's own, which another sale then takes", async () => {
    // The sale before midnight had only a payment with a tip on it; the new day's payment of its
    // exact amount beats it, and the tipped one goes to the sale beside it that it fits too.
    const groups = await local(
      [
        sale('c1', D1, '23:55:00', 33_300),
        sale('c2', D1, '23:54:00', 33_000),
        rec('tgi', 'pc0', D1, '23:57:00', 33_800),
      ],
      [rec('tgi', 'pc1', D, '00:00:30', 33_300)],
      (db) => expect(holder(db, 'pc0')).toBe('sale:conn-sentry-1:inv-c1'),
    );
    expect(JSON.parse(groupOf(groups, 'c1')!.evidence).pairs[0].amountFit).toBe('equal');
  });

  it("gives a link the new day's payment as its runner-up", async () => {
    const groups = await local(
      [sale('d1', D1, '23:56:00', 44_400), rec('tgi', 'pd0', D1, '23:58:00', 44_400)],
      [rec('tgi', 'pd1', D, '00:01:00', 44_400)],
    );
    expect(JSON.parse(groupOf(groups, 'd1')!.evidence).pairs[0].runnerUp).not.toBeNull();
  });

  it("keeps the day before's clock offsets, though a new payment names one of its sales", async () => {
    // Two Vipps payments keyed on the day before tell too little of Vipps's clock; a third, booked the
    // next day, would tell it if the next day's records counted (offsets.ts counts them no more).
    await local(
      [
        sale('e1', D1, '10:00:00', 11_100),
        sale('e2', D1, '10:05:00', 22_200),
        rec('vipps', 'qe2', D1, '10:06:00', 22_200, [{ kind: 'reference', value: 'inv-e2' }]),
        sale('e3', D1, '10:10:00', 33_300),
        rec('vipps', 'qe3', D1, '10:11:00', 33_300, [{ kind: 'reference', value: 'inv-e3' }]),
      ],
      [rec('vipps', 'qe1', D, '08:00:00', 11_100, [{ kind: 'reference', value: 'inv-e1' }])],
    );
  });

  it('moves a sale whose failed attempt lay before midnight to the day of its paid tender', async () => {
    // That sale is built on the new day, not matched yet: the day before is matched whole instead.
    const groups = await local(
      [sale('f0', D1, '20:00:00', 5_000), failed(sale('f1', D1, '23:58:00', 55_500))],
      [
        { ...sale('f1', D, '00:01:00', 55_500), externalId: 'f1-paid' },
        rec('tgi', 'pf1', D, '00:02:00', 55_500),
      ],
      (db) => expect(holder(db, 'f1')).toBe('sale:conn-sentry-1:inv-f1'),
      { locally: false },
    );
    expect(groupOf(groups, 'f1')).toMatchObject({ anchor_date: D });
  });

  it('gives a linked payment before midnight the duplicate charge just after it', async () => {
    await local(
      [sale('h1', D1, '23:50:00', 66_600), rec('tgi', 'ph0', D1, '23:58:00', 66_600)],
      [rec('tgi', 'ph1', D, '00:01:00', 66_600)],
    );
  });

  it('after a day arrives late between two reconciled ones, matches the day after it whole', async () => {
    await local(
      [
        sale('g1', D1, '23:59:00', 77_700),
        sale('g2', D1_NEXT, '00:03:00', 88_800),
        rec('tgi', 'pg2', D1_NEXT, '00:05:00', 88_800),
      ],
      [rec('tgi', 'pg1', D, '00:00:40', 77_700), sale('g3', D, '12:00:00', 99_900)],
      () => {},
      { days: 3 },
    );
  });
});
