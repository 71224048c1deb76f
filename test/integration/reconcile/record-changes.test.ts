import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CanonicalTransaction } from '../../../src-main/core/model/transaction.ts';
import { callCore as call } from '../../support/core-call.ts';
import { syncDemoWorld, type DemoWorld } from '../../support/reconcile-world.ts';
import { expectFullRebuildEquals, withCore } from '../../support/reconcile-state.ts';
import { resync } from '../../support/resync.ts';
import { withDb, worldHomes } from '../../support/world-homes.ts';

/*
 * A sync that changes only some records is followed by a re-match of what they reach, not of their
 * days (reconcile/record-changes.ts). Whichever way a run goes, it must end where a full rebuild of the
 * same cache ends: every group with its evidence, state, score and version, every member, discrepancy,
 * payout and settlement, and the Dashboard's rollups.
 */

let w: DemoWorld;
const homes = worldHomes('posrecon-recchg-');
beforeAll(async () => {
  w = await syncDemoWorld(11, 14, 120);
}, 120_000);
afterAll(() => homes.removeAll(w.home));

const copyHome = () => homes.copy(w.dbFile);

/** Re-syncs records with a change, runs the incremental reconcile, and says whether it matched days. */
async function syncThenRun(
  home: string,
  pick: string,
  change: (r: CanonicalTransaction) => CanonicalTransaction,
): Promise<{ matchedDays: boolean; changed: number }> {
  const changed = withDb(home, (db) => {
    const ids = db.prepare(pick).pluck().all() as number[];
    expect(ids.length).toBeGreaterThan(0);
    return resync(db, ids, change, '2026-12-02T03:00:00.000Z').updated;
  });
  return withCore(home, async (core) => {
    const phases: string[] = [];
    core.events.subscribe((name, payload) => {
      if (name === 'reconcile:progress') phases.push((payload as { phase: string }).phase);
    });
    await call(core, 'reconcile:run', { full: false });
    return { matchedDays: phases.includes('matching'), changed };
  });
}

const flipStatus = (r: CanonicalTransaction): CanonicalTransaction => ({
  ...r,
  status: r.status === 'completed' ? 'refunded' : 'completed',
});

describe('a sync that changes some records', () => {
  it('re-matches what the changed records reach, not their days, and ends where a full rebuild ends', async () => {
    const home = copyHome();
    // Captures of every payment provider on one day move between completed and refunded (a pending
    // one settles too), and some sales get a customer name: none of it moves a clock offset.
    const day = `(SELECT business_date FROM transactions GROUP BY 1 ORDER BY 1 LIMIT 1 OFFSET 6)`;
    const pendingTooLong = () =>
      withDb(home, (db) =>
        db.prepare(`SELECT count(*) FROM recon_discrepancies WHERE class = 'pending_too_long'`).pluck().get(),
      ) as number;
    // Old card payments go back to pending, then settle: "pending too long" is a run-wide class.
    const old = `SELECT id FROM transactions WHERE provider IN ('tgi', 'sensepass') AND kind = 'capture'
      AND status = 'completed' AND business_date < ${day} ORDER BY id LIMIT 4`;
    const pendingBefore = pendingTooLong();
    const ids = withDb(home, (db) => db.prepare(old).pluck().all() as number[]);
    const back = await syncThenRun(home, old, (rec) => ({ ...rec, status: 'pending' }));
    expect(back.matchedDays).toBe(false);
    expect(pendingTooLong()).toBe(pendingBefore + 4);
    await expectFullRebuildEquals(home);
    const r = await syncThenRun(
      home,
      `SELECT id FROM (SELECT id, row_number() OVER (PARTITION BY provider ORDER BY id) AS n FROM transactions
         WHERE business_date = ${day} AND provider <> 'sentrypos' AND kind = 'capture'
           AND status IN ('completed', 'refunded', 'pending')) WHERE n <= 15
       UNION SELECT id FROM transactions WHERE business_date = ${day} AND provider = 'sentrypos' AND kind = 'sale'
         AND id % 7 = 0
       UNION SELECT value FROM json_each('${JSON.stringify(ids)}')`,
      (rec) =>
        rec.provider === 'sentrypos'
          ? { ...rec, customerName: 'Kari Nordmann' }
          : rec.status === 'pending'
            ? { ...rec, status: 'completed' }
            : flipStatus(rec),
    );
    expect(r.changed).toBeGreaterThan(40);
    expect(r.matchedDays).toBe(false);
    // Payments that settled are no longer pending too long: a run-wide class, rebuilt by this run too.
    expect(pendingTooLong()).toBe(pendingBefore);
    await expectFullRebuildEquals(home);
  });

  it('a changed method or customer on a payment re-scores its pairs, and still ends where a full rebuild ends', async () => {
    const home = copyHome();
    const r = await syncThenRun(
      home,
      `SELECT id FROM transactions WHERE provider IN ('tgi', 'sensepass') AND kind = 'capture' AND status = 'completed'
         AND business_date = (SELECT business_date FROM transactions GROUP BY 1 ORDER BY 1 LIMIT 1 OFFSET 9)
       ORDER BY id LIMIT 25`,
      (rec) => ({ ...rec, network: rec.network === 'VISA' ? 'MASTERCARD' : 'VISA', customerName: 'Ola' }),
    );
    expect(r.matchedDays).toBe(false);
    await expectFullRebuildEquals(home);
  });

  it('an amount, a time or a reference that changed rebuilds the days (a clock offset may move), and ends where a full rebuild ends', async () => {
    const home = copyHome();
    const r = await syncThenRun(
      home,
      `SELECT id FROM transactions WHERE provider = 'vipps' AND kind = 'capture' AND external_id LIKE 'sales:%'
         AND business_date = (SELECT business_date FROM transactions GROUP BY 1 ORDER BY 1 LIMIT 1 OFFSET 4)
       ORDER BY id LIMIT 3`,
      (rec) => ({ ...rec, amountMinor: rec.amountMinor + 100 }),
    );
    expect(r.matchedDays).toBe(true);
    await expectFullRebuildEquals(home);
    const refs = await syncThenRun(
      home,
      `SELECT id FROM transactions WHERE provider = 'vipps' AND kind = 'capture' AND external_id LIKE 'sales:%'
         ORDER BY id LIMIT 2`,
      (rec) => ({
        ...rec,
        references: rec.references.map((x) => (x.kind === 'reference' ? { ...x, value: `${x.value}X` } : x)),
      }),
    );
    expect(refs.matchedDays).toBe(true);
    await expectFullRebuildEquals(home);
  });

  it('a record removed upstream rebuilds its days', async () => {
    const home = copyHome();
    withDb(home, (db) =>
      db
        .prepare(`DELETE FROM transactions WHERE id = (SELECT max(id) FROM transactions WHERE kind = 'fee')`)
        .run(),
    );
    const r = await withCore(home, async (core) => {
      const phases: string[] = [];
      core.events.subscribe((name, payload) => {
        if (name === 'reconcile:progress') phases.push((payload as { phase: string }).phase);
      });
      await call(core, 'reconcile:run', { full: false });
      return phases;
    });
    expect(r).toContain('matching');
    await expectFullRebuildEquals(home);
  });
});
