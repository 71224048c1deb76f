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
  expect(report.days).toBe(2);
  const offsets = (db: Database) =>
    db.prepare('SELECT offsets FROM recon_day_offsets WHERE date = ?').pluck().get(D1) as string;
  const incremental = { state: reconcileState(`${home}/run.sqlite`), offsets: offsets(store.db) };
  store.db.exec(`VACUUM INTO '${home}/full.sqlite'`);
  store.close();
  const copy = await openStore(`${home}/full.sqlite`);
  await runReconcile(copy.db, { now: NOW, full: true });
  const full = { state: reconcileState(`${home}/full.sqlite`), offsets: offsets(copy.db) };
  copy.close();
  return { incremental, full };
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
