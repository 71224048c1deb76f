import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CanonicalTransaction } from '../../../src-main/core/model/transaction.ts';
import { databaseFile } from '../../../src-main/core/home.ts';
import { runReconcile } from '../../../src-main/core/reconcile/engine.ts';
import { writeReconcileSettings } from '../../../src-main/core/reconcile/reconcile-settings.ts';
import { upsertTransactions } from '../../../src-main/core/store/mutations/upsert-transactions.ts';
import { callCore as call } from '../../support/core-call.ts';
import { expectFullRebuildEquals, reconcileState, withCore } from '../../support/reconcile-state.ts';
import { syncDemoWorld, type DemoWorld } from '../../support/reconcile-world.ts';
import { asDelivered, resync } from '../../support/resync.ts';
import { withDb, worldHomes } from '../../support/world-homes.ts';

/*
 * An incremental run rebuilds only what a sync changed: the marked days' groups, the refunds they let
 * go, the payouts whose Vipps ledger entries changed, the discrepancies of those days. After each kind
 * of change a sync brings, the cache must end where a full rebuild of it ends, byte for byte.
 */

let w: DemoWorld;
const homes = worldHomes('posrecon-incr-');
beforeAll(async () => {
  // A Thursday noon in Oslo: the shop has traded since the morning's payout. On the system's clock, a
  // run between midnight and opening found no records after the last payout, and a case had none.
  w = await syncDemoWorld(7, 14, 90, { now: new Date('2026-11-26T11:00:00Z') });
}, 120_000);
/** Shops of other seeds, busier, for the new day's cases (the day before matched where it reaches). */
const others: DemoWorld[] = [];
afterAll(() => homes.removeAll(w.home, ...others.map((o) => o.home)));

const SYNCED_AT = '2026-12-02T03:00:00.000Z';
/** The business day `n` days into the world, as SQL. */
const day = (n: number) =>
  `(SELECT business_date FROM transactions GROUP BY 1 ORDER BY 1 LIMIT 1 OFFSET ${n})`;

/** A Vipps payout entry, as SQL. */
const PAYOUT = `provider = 'vipps' AND kind = 'payout'`;

/** A home of its own with a copy of the synced world's cache. */
const copyOfWorld = () => homes.copy(w.dbFile);

/** A sync delivers a failed attempt of POS tender `id`, two minutes before midnight of its day. */
function declineBeforeMidnight(db: Database.Database, id: number): void {
  const [paid] = asDelivered(db, [id]);
  const before = new Date(Date.parse(`${paid!.businessDate}T00:00:00Z`) - 120_000).toISOString();
  const attempt = {
    ...paid!,
    externalId: `${paid!.externalId}-declined`,
    status: 'failed' as const,
    occurredAt: before,
    occurredAtRaw: before,
    businessDate: before.slice(0, 10),
  };
  expect(upsertTransactions(db, [attempt], SYNCED_AT).inserted).toBe(1);
}

/** The business days `ns` days into the world. */
const days = <N extends number[]>(db: Database.Database, ...ns: N) =>
  db
    .prepare(`SELECT ${ns.map(day).join(', ')}`)
    .raw()
    .get() as { [K in keyof N]: string };

/**
 * Makers of new records copied from a POS tender alone in its sale and the one TGI card payment that
 * paid it (TGI carries no POS reference: they pair by score): each of one amount no other record has,
 * at `time` (UTC) on `date`, its ids and references marked with `name`.
 */
function cardSale(db: Database.Database) {
  const { tender, payment } = db
    .prepare(
      `SELECT t.id AS tender, p.id AS payment FROM transactions t
         JOIN recon_members m ON m.transaction_id = t.id AND m.role = 'sale'
         JOIN recon_members pm ON pm.group_id = m.group_id AND pm.role = 'payment'
         JOIN transactions p ON p.id = pm.transaction_id AND p.provider = 'tgi'
        WHERE t.provider = 'sentrypos' AND t.status = 'completed'
          AND (SELECT count(*) FROM recon_members x WHERE x.group_id = m.group_id) = 2
        ORDER BY t.id LIMIT 1`,
    )
    .get() as { tender: number; payment: number };
  const copy =
    (r: CanonicalTransaction) =>
    (date: string, time: string, name: string): CanonicalTransaction => {
      const occurredAt = `${date}T${time}.000Z`;
      return {
        ...r,
        occurredAt,
        occurredAtRaw: occurredAt,
        businessDate: date,
        amountMinor: 987_653,
        lines: [],
        externalId: `${r.externalId}-${name}`,
        references: r.references.map((x) => ({ ...x, value: `${x.value}-${name}` })),
        raw: {},
      };
    };
  const [t, p] = asDelivered(db, [tender, payment]);
  return { t: copy(t!), p: copy(p!) };
}

/** The group key of a POS tender's sale. */
const saleKey = (r: CanonicalTransaction) =>
  `sale:${r.connectionId}:${r.references.find((x) => x.kind === 'invoiceId')!.value}`;

const idOf = (db: Database.Database, r: CanonicalTransaction) =>
  db.prepare('SELECT id FROM transactions WHERE external_id = ?').pluck().get(r.externalId) as number;

/** A value of a group's stored evidence (null where it has none). */
const evidenceOf = (db: Database.Database, key: string, path: string) =>
  db.prepare('SELECT json_extract(evidence, ?) FROM recon_groups WHERE key = ?').pluck().get(path, key);

/**
 * A home whose cache has a card payment just after midnight naming (by its TGI tid) a sale at noon the
 * next day, reconciled in full (a sale three minutes before the payment takes it), and then that sale
 * removed upstream. `paidBy` reads the payment the named sale holds.
 */
async function paymentNamingTomorrow() {
  const home = copyOfWorld();
  const { taker, named, payment } = withDb(home, (db) => {
    const [before, last, next] = days(db, 7, 8, 9);
    const { t, p } = cardSale(db);
    const sale = t(next, '12:00:00', 'named');
    const records = [
      t(before, '23:57:00', 'taker'),
      {
        ...p(last, '00:00:30', 'paid'),
        externalId: sale.references.find((x) => x.kind === 'invoiceId')!.value,
      },
      sale,
    ];
    expect(upsertTransactions(db, records, SYNCED_AT).inserted).toBe(3);
    return { taker: idOf(db, records[0]!), named: saleKey(sale), payment: idOf(db, records[1]!) };
  });
  await withCore(home, (core) => call(core, 'reconcile:run', { full: true }));
  const paidBy = () => withDb(home, (db) => evidenceOf(db, named, '$.pairs[0].payment'));
  expect(paidBy()).toBeNull();
  withDb(home, (db) => db.prepare('DELETE FROM transactions WHERE id = ?').run(taker));
  return { home, paidBy, payment };
}

/**
 * The records `pick` selects arrive late: a copy of the synced cache without them is reconciled in
 * full, then a sync delivers them (the sync's own upsert, `change` applied) and the incremental run follows. Returns the
 * run's report and the payouts as they stood before it.
 */
async function arriveLate(pick: string, change = (r: CanonicalTransaction) => r, world = w) {
  const home = homes.copy(world.dbFile);
  const records = withDb(home, (db) => {
    const ids = db.prepare(pick).pluck().all() as number[];
    expect(ids.length).toBeGreaterThan(0);
    const delivered = asDelivered(db, ids).map(change);
    db.prepare('DELETE FROM transactions WHERE id IN (SELECT value FROM json_each(?))').run(
      JSON.stringify(ids),
    );
    return delivered;
  });
  await withCore(home, (core) => call(core, 'reconcile:run', { full: true }));
  const before = reconcileState(databaseFile(home));
  withDb(home, (db) => expect(upsertTransactions(db, records, SYNCED_AT).inserted).toBe(records.length));
  const report = await withCore(home, (core) => call(core, 'reconcile:run', { full: false }));
  return { home, report, before };
}

describe('an incremental run', () => {
  it('after the latest days synced, ends where a full rebuild ends', async () => {
    // From the day of the last Vipps payout on: that payout and the funds entries it settles are new.
    const { home, report, before } = await arriveLate(
      `SELECT id FROM transactions WHERE business_date >=
         (SELECT max(business_date) FROM transactions WHERE provider = 'vipps' AND kind = 'payout')`,
    );
    expect(report.full).toBe(false);
    expect(report.groups).toBeGreaterThan(0);
    expect(report.payouts).toBeGreaterThan(0);
    expect(before.payouts.length).toBeGreaterThan(0);
    // The days delivered and the day before them; not the empty day after the newest (nothing to match).
    const delivered = withDb(home, (db) =>
      db
        .prepare(
          `SELECT count(DISTINCT business_date) FROM transactions WHERE business_date >=
          (SELECT max(business_date) FROM transactions WHERE provider = 'vipps' AND kind = 'payout')`,
        )
        .pluck()
        .get(),
    );
    expect(report.days).toBe(Number(delivered) + 1);
    await expectFullRebuildEquals(home);
  });

  it('after refunds arrive late, places them as a full rebuild does, and settles no payout', async () => {
    const { home, report, before } = await arriveLate(
      `SELECT id FROM transactions WHERE kind = 'refund' AND business_date = ${day(8)}
         AND (provider = 'tgi' OR (provider = 'vipps' AND external_id LIKE 'sales:%'))`,
    );
    expect(report.refundsLinked).toBeGreaterThan(0);
    // No Vipps ledger entry changed: the payouts stay as they are (settling them again costs seconds at 1M sales).
    expect(report.payouts).toBe(0);
    expect(reconcileState(databaseFile(home)).payouts).toEqual(before.payouts);
    await expectFullRebuildEquals(home);
  });

  it("after refunds arrive that a person must look at, moves the Dashboard's figures of their sales' days", async () => {
    // A suggested refund turns its sale to review on the sale's own day, days before the refund's: those
    // days are no day of the run, and their rollups move by the sales' share (refunds.ts).
    const { home, report } = await arriveLate(
      `SELECT t.id FROM recon_groups g, json_each(g.evidence, '$.refunds') r
         JOIN transactions t ON t.id = json_extract(r.value, '$.refund')
        WHERE json_extract(r.value, '$.status') = 'suggested' AND t.business_date > date(g.anchor_date, '+2 days')`,
    );
    expect(report.refundsLinked).toBeGreaterThan(0);
    await expectFullRebuildEquals(home);
  });

  it('after a payout arrives late, settles its stretch as a full rebuild does', async () => {
    const { home, report, before } = await arriveLate(
      `SELECT id FROM transactions WHERE provider = 'vipps' AND kind = 'payout' ORDER BY business_date, id LIMIT 1 OFFSET 4`,
    );
    expect(report.payouts).toBeGreaterThan(0);
    const after = reconcileState(databaseFile(home));
    expect(after.payouts.length).toBe(before.payouts.length + 1);
    await expectFullRebuildEquals(home);
  });

  it('after a payout is delivered again with another amount, settles it as a full rebuild does', async () => {
    const home = copyOfWorld();
    const before = reconcileState(databaseFile(home));
    withDb(home, (db) => {
      const id = db
        .prepare(`SELECT id FROM transactions WHERE ${PAYOUT} ORDER BY business_date, id LIMIT 1 OFFSET 4`)
        .pluck()
        .get() as number;
      const changed = resync(db, [id], (r) => ({ ...r, amountMinor: r.amountMinor - 1234 }), SYNCED_AT);
      expect(changed.updated).toBe(1);
    });
    const report = await withCore(home, (core) => call(core, 'reconcile:run', { full: false }));
    expect(report.payouts).toBeGreaterThan(0);
    expect(reconcileState(databaseFile(home)).payouts).not.toEqual(before.payouts);
    await expectFullRebuildEquals(home);
  });

  it.each([
    ['a payout', 'LIMIT 1 OFFSET 4'],
    // Its stretch holds no payout entry any more, only the payout stored for it.
    ['the last payout', 'DESC LIMIT 1'],
  ])('after %s is removed upstream, settles its stretch as a full rebuild does', async (_, which) => {
    const home = copyOfWorld();
    const before = reconcileState(databaseFile(home));
    withDb(home, (db) =>
      db
        .prepare(
          `DELETE FROM transactions WHERE id = (SELECT id FROM transactions WHERE ${PAYOUT} ORDER BY business_date ${which})`,
        )
        .run(),
    );
    await withCore(home, (core) => call(core, 'reconcile:run', { full: false }));
    expect(reconcileState(databaseFile(home)).payouts.length).toBe(before.payouts.length - 1);
    await expectFullRebuildEquals(home);
  });

  it('after the ledger entries since the last payout arrive, settles no payout and ends where a full rebuild ends', async () => {
    // A nightly sync's new day: its entries are not paid out yet, so no payout's figures move.
    const { home, report, before } = await arriveLate(
      `SELECT id FROM transactions WHERE business_date > (SELECT max(business_date) FROM transactions WHERE ${PAYOUT})`,
    );
    expect(report.payouts).toBe(0);
    expect(reconcileState(databaseFile(home)).payouts).toEqual(before.payouts);
    await expectFullRebuildEquals(home);
  });

  it("after a day's capture fees arrive late, counts them in their payouts as a full rebuild does", async () => {
    const { home, report, before } = await arriveLate(
      `SELECT id FROM transactions WHERE provider = 'vipps' AND external_id LIKE 'fees:%'
         AND provider_status = 'capture-fee' AND business_date = ${day(9)}`,
    );
    expect(report.payouts).toBeGreaterThan(0);
    expect(reconcileState(databaseFile(home)).payouts).not.toEqual(before.payouts);
    await expectFullRebuildEquals(home);
  });

  /** The day's first capture fees, delivered late and booked `n` days after their payments. */
  const feesBookedLater = (n: number) => {
    const later = (date: string) => new Date(Date.parse(`${date}T12:00:00Z`) + n * 86_400_000).toISOString();
    return arriveLate(
      `SELECT id FROM transactions WHERE provider = 'vipps' AND external_id LIKE 'fees:%'
         AND provider_status = 'capture-fee' AND business_date = ${day(5)} ORDER BY id LIMIT 3`,
      (r) => ({
        ...r,
        businessDate: later(r.businessDate).slice(0, 10),
        ledgerDate: r.ledgerDate && later(r.ledgerDate).slice(0, 10),
        occurredAt: later(r.businessDate),
      }),
    );
  };

  it("after a capture fee booked days after its payment arrives, counts it in that payment's payout", async () => {
    // Vipps books a capture's fee in the fees ledger up to a week after the funds entry: the payout that
    // settles the payment lies before the fee's own day.
    const { home, report, before } = await feesBookedLater(3);
    expect(report.payouts).toBeGreaterThan(0);
    expect(reconcileState(databaseFile(home)).payouts).not.toEqual(before.payouts);
    await expectFullRebuildEquals(home);
  });

  it('after capture fees booked six days after their payments arrive, counts them as a full rebuild does', async () => {
    // The last day of the week Vipps may take to book a fee: the payouts are those of the fees on time.
    const { home } = await feesBookedLater(6);
    expect(reconcileState(databaseFile(home)).payouts).toEqual(reconcileState(w.dbFile).payouts);
    await expectFullRebuildEquals(home);
  });

  it('after capture fees booked eight days after their payments arrive, counts them in no payout', async () => {
    // Past the week: the fee is another payment's, or none; the payouts are those without the fees.
    const { home, before } = await feesBookedLater(8);
    expect(reconcileState(databaseFile(home)).payouts).toEqual(before.payouts);
    await expectFullRebuildEquals(home);
  });

  it("after a capture fee of a colliding pspReference weeks before a payment arrives, leaves that payment's payout as it was", async () => {
    // pspReferences are meant to be unique, but random ones collide in a large ledger: a capture fee three
    // weeks before a payment, with its pspReference, belongs to another payment.
    const home = copyOfWorld();
    await withCore(home, (core) => call(core, 'reconcile:run', { full: true }));
    const before = reconcileState(databaseFile(home));
    withDb(home, (db) => {
      const fee = db
        .prepare(
          `SELECT id FROM transactions WHERE provider = 'vipps' AND external_id LIKE 'fees:%'
             AND provider_status = 'capture-fee' AND business_date = ${day(5)} ORDER BY id LIMIT 1`,
        )
        .pluck()
        .get() as number;
      const [r] = asDelivered(db, [fee]);
      const earlier = new Date(Date.parse(r!.occurredAt) - 21 * 86_400_000).toISOString();
      const collision = {
        ...r!,
        externalId: `${r!.externalId}:collision`,
        amountMinor: 1_234,
        occurredAt: earlier,
        occurredAtRaw: earlier,
        businessDate: earlier.slice(0, 10),
        ledgerDate: earlier.slice(0, 10),
      };
      expect(upsertTransactions(db, [collision], SYNCED_AT).inserted).toBe(1);
    });
    await withCore(home, (core) => call(core, 'reconcile:run', { full: false }));
    expect(reconcileState(databaseFile(home)).payouts).toEqual(before.payouts);
    await expectFullRebuildEquals(home);
    expect(reconcileState(databaseFile(home)).payouts).toEqual(before.payouts);
  });

  it("after a sale's records past midnight are removed upstream, moves its group to the day before", async () => {
    // A sale whose failed attempt lies before midnight and its paid tender after: anchored on the later
    // day, until that day's rows go. The earlier day is rebuilt first and takes the sale's key.
    const home = copyOfWorld();
    const sale = withDb(home, (db) => {
      // The first paid POS tender of a day, alone in its sale: a failed attempt of it comes before midnight.
      const id = db
        .prepare(
          `SELECT t.id FROM transactions t JOIN recon_members m ON m.transaction_id = t.id AND m.role = 'sale'
            WHERE t.provider = 'sentrypos' AND t.business_date = ${day(7)} AND t.status = 'completed'
              AND (SELECT count(*) FROM recon_members x WHERE x.group_id = m.group_id AND x.role IN ('sale', 'attempt')) = 1
            ORDER BY t.occurred_at LIMIT 1`,
        )
        .pluck()
        .get() as number;
      declineBeforeMidnight(db, id);
      return id;
    });
    await withCore(home, (core) => call(core, 'reconcile:run', { full: true }));
    withDb(home, (db) => db.prepare('DELETE FROM transactions WHERE id = ?').run(sale));
    const report = await withCore(home, (core) => call(core, 'reconcile:run', { full: false }));
    expect(report.groups).toBeGreaterThan(0);
    await expectFullRebuildEquals(home);
  });

  it("after a payment arrives for a sale whose failed attempt lies on a day the run does not rebuild, moves that day's Dashboard figures", async () => {
    // The attempt is counted on its own day, under its sale's payment providers: the sale's group is
    // anchored on the next day, which the run rebuilds, and the attempt's day is no day of the run.
    const home = copyOfWorld();
    const late = withDb(home, (db) => {
      // A day's first paid POS tender alone in its sale, paid by one SensePass or Cents payment (no twin).
      const { tender, payment } = db
        .prepare(
          `SELECT t.id AS tender, p.id AS payment FROM transactions t
             JOIN recon_members m ON m.transaction_id = t.id AND m.role = 'sale'
             JOIN recon_members pm ON pm.group_id = m.group_id AND pm.role = 'payment'
             JOIN transactions p ON p.id = pm.transaction_id AND p.provider IN ('sensepass', 'cents')
            WHERE t.provider = 'sentrypos' AND t.business_date = ${day(7)} AND t.status = 'completed'
              AND (SELECT count(*) FROM recon_members x WHERE x.group_id = m.group_id AND x.role IN ('sale', 'attempt', 'payment')) = 2
            ORDER BY t.occurred_at LIMIT 1`,
        )
        .get() as { tender: number; payment: number };
      declineBeforeMidnight(db, tender);
      // The payment arrives a day late, booked on the provider's next day.
      const [p] = asDelivered(db, [payment]);
      db.prepare('DELETE FROM transactions WHERE id = ?').run(payment);
      return {
        ...p!,
        businessDate: db
          .prepare(`SELECT ${day(8)}`)
          .pluck()
          .get() as string,
      };
    });
    await withCore(home, (core) => call(core, 'reconcile:run', { full: true }));
    withDb(home, (db) => expect(upsertTransactions(db, [late], SYNCED_AT).inserted).toBe(1));
    const report = await withCore(home, (core) => call(core, 'reconcile:run', { full: false }));
    expect(report.full).toBe(false);
    await expectFullRebuildEquals(home);
  });

  it('whose last day ends in a sale just before midnight, leaves it the rival just past midnight a full run sees', async () => {
    // A full run matches a day while the next day's records are still free: a card payment four minutes
    // past midnight is the runner-up of a sale just before it, though the next day's own sale takes it
    // when that day is matched. A run whose last day is the sale's (a change on the day before it) must
    // see that payment as a full run does, not as held by the next day's stored group.
    const home = copyOfWorld();
    const { sale, rival } = withDb(home, (db) => {
      const [last, next] = days(db, 8, 9);
      const { t, p } = cardSale(db);
      const records = [
        t(last, '23:55:00', 'before'),
        p(last, '23:59:10', 'before'),
        t(next, '00:00:10', 'after'),
        p(next, '00:04:20', 'after'),
      ];
      expect(upsertTransactions(db, records, SYNCED_AT).inserted).toBe(4);
      return { sale: saleKey(records[0]!), rival: idOf(db, records[3]!) };
    });
    await withCore(home, (core) => call(core, 'reconcile:run', { full: true }));
    const runnerUp = () => withDb(home, (db) => evidenceOf(db, sale, '$.pairs[0].runnerUp.payment'));
    expect(runnerUp()).toBe(rival);
    // A change on the day before the sale's: the run rebuilds that day and its neighbours, the sale's last.
    withDb(home, (db) =>
      db
        .prepare(
          `DELETE FROM transactions WHERE id = (SELECT id FROM transactions WHERE business_date = ${day(7)}
             AND provider = 'tgi' AND kind = 'capture' ORDER BY id LIMIT 1)`,
        )
        .run(),
    );
    const report = await withCore(home, (core) => call(core, 'reconcile:run', { full: false }));
    expect(report.days).toBe(3);
    expect(runnerUp()).toBe(rival);
    await expectFullRebuildEquals(home);
  });

  it('whose last day gives up a payment that names a sale of the next day, takes that day in too', async () => {
    // A card payment just after midnight whose terminal id (TGI tid) names a sale rung up at noon the
    // next day: a full run gives it to the sale a few minutes before it (TGI ids are no POS reference to
    // score by), so the named sale finds it taken. When that sale's records go, the payment is free
    // again, and a full run pairs it with the sale it names, a day the changed day's neighbours do not
    // reach: the run takes that day in.
    const { home, paidBy, payment } = await paymentNamingTomorrow();
    const report = await withCore(home, (core) => call(core, 'reconcile:run', { full: false }));
    // The day before the changed one, the changed day, the day after it, and the named sale's day.
    expect(report.days).toBe(4);
    expect(paidBy()).toBe(payment);
    await expectFullRebuildEquals(home);
  });

  it.each([
    ['matching', 2],
    ['matching', 3],
    ['refunds', 0],
    ['discrepancies', 0],
  ])('stopped in %s (%i days written), leaves the next run all it did not finish', async (phase, written) => {
    // Each day commits on its own and clears its mark. Stopped after the changed day, its neighbour
    // after it had no mark of its own; stopped after that neighbour, neither had the day it took in.
    // What follows the days (refunds, payouts, discrepancy classes, Dashboard rollups) was not done
    // for the days written, which the next run finds without a mark; stopped in it, none of it stays.
    const { home, paidBy, payment } = await paymentNamingTomorrow();
    const stop = new Error('stopped');
    const db = new Database(databaseFile(home));
    try {
      db.pragma('foreign_keys = ON');
      const stopping = (p: { phase: string; done: number }) => {
        if (p.phase === phase && p.done === written) throw stop;
      };
      await expect(runReconcile(db, { onProgress: stopping })).rejects.toBe(stop);
      expect(db.prepare('SELECT count(*) FROM recon_unfinished_days').pluck().get()).toBeGreaterThan(0);
    } finally {
      db.close();
    }
    if (phase === 'matching') expect(paidBy()).toBeNull();
    await withCore(home, (core) => call(core, 'reconcile:run', { full: false }));
    expect(paidBy()).toBe(payment);
    withDb(home, (db) =>
      expect(db.prepare('SELECT count(*) FROM recon_unfinished_days').pluck().get()).toBe(0),
    );
    await expectFullRebuildEquals(home);
  });

  it('after the matching settings change, matches every day again under them', async () => {
    // Every group was made under the thresholds before: saving new ones marks every day, so the next
    // run (the view's after saving, or the nightly sync's) ends where a full rebuild under them ends.
    const home = copyOfWorld();
    const states = () =>
      withDb(home, (db) =>
        db.prepare('SELECT state, method, count(*) AS n FROM recon_groups GROUP BY 1, 2 ORDER BY 1, 2').all(),
      );
    const before = states();
    await withCore(home, (core) =>
      call(core, 'reconcile:configure', { autoAcceptScore: 0.97, reviewScore: 0.6 }),
    );
    const report = await withCore(home, (core) => call(core, 'reconcile:run', { full: false }));
    expect(report.full).toBe(false);
    expect(states()).not.toEqual(before);
    await expectFullRebuildEquals(home);
  });

  it('after a full run stopped part way, rebuilds the days it did not write', async () => {
    // A full run is asked for when the groups were made otherwise (here: settings written below the
    // service, which marks nothing); stopped after two days, the rest must not keep the old groups.
    const home = copyOfWorld();
    withDb(home, (db) => writeReconcileSettings(db, { autoAcceptScore: 0.97, reviewScore: 0.6 }, 'test'));
    const stop = new Error('stopped');
    const db = new Database(databaseFile(home));
    try {
      db.pragma('foreign_keys = ON');
      const stopping = (p: { phase: string; done: number }) => {
        if (p.phase === 'matching' && p.done === 2) throw stop;
      };
      await expect(runReconcile(db, { full: true, onProgress: stopping })).rejects.toBe(stop);
    } finally {
      db.close();
    }
    await withCore(home, (core) => call(core, 'reconcile:run', { full: false }));
    await expectFullRebuildEquals(home);
  });

  it('after statuses change on every provider, Vipps ledger entries included, settles no payout', async () => {
    const home = copyOfWorld();
    const before = reconcileState(databaseFile(home));
    withDb(home, (db) => {
      const ids = db
        .prepare(
          `SELECT id FROM (SELECT id, row_number() OVER (PARTITION BY provider, substr(external_id, 1, 5) ORDER BY id) AS n
             FROM transactions WHERE business_date = ${day(6)} AND provider <> 'sentrypos' AND kind = 'capture'
              AND status IN ('completed', 'refunded')) WHERE n <= 10`,
        )
        .pluck()
        .all() as number[];
      const records = asDelivered(db, ids).map((r) => ({
        ...r,
        status: r.status === 'completed' ? ('refunded' as const) : ('completed' as const),
      }));
      expect(records.some((r) => r.externalId.startsWith('funds:'))).toBe(true);
      expect(upsertTransactions(db, records, SYNCED_AT).updated).toBe(ids.length);
    });
    const report = await withCore(home, (core) => call(core, 'reconcile:run', { full: false }));
    expect(report.payouts).toBe(0);
    expect(reconcileState(databaseFile(home)).payouts).toEqual(before.payouts);
    await expectFullRebuildEquals(home);
  });
});

describe('an incremental run after a new day', () => {
  beforeAll(async () => {
    for (const seed of [11, 23]) others.push(await syncDemoWorld(seed, 6, 300));
  }, 300_000);
  const worlds = () => [w, ...others];

  it.each([0, 1, 2])(
    'matches the day before only where the new day reaches, and ends where a full rebuild ends (world %i)',
    async (i) => {
      const { home, report } = await arriveLate(
        `SELECT id FROM transactions WHERE business_date = (SELECT max(business_date) FROM transactions)`,
        undefined,
        worlds()[i],
      );
      expect(report.days).toBe(2);
      expect(report.dayBeforeSales).toBeGreaterThanOrEqual(0);
      await expectFullRebuildEquals(home);
    },
  );

  it.each([0, 1, 2])(
    'after a day arrives late between two reconciled ones, ends where a full rebuild ends (world %i)',
    async (i) => {
      const { home, report } = await arriveLate(
        `SELECT id FROM transactions WHERE business_date = ${day(3)}`,
        undefined,
        worlds()[i],
      );
      // The day before, the day, the day after (and any day that one's changed hands take in).
      expect(report.days).toBeGreaterThanOrEqual(3);
      expect(report.dayBeforeSales).toBeGreaterThanOrEqual(0);
      await expectFullRebuildEquals(home);
    },
  );
});
