import type { Database } from 'better-sqlite3';
import { all, get, sql } from '../store/sql.ts';
import { daysBeforeNew, matchDayBefore } from './day-before.ts';
import { DecisionIndex } from './decision-index.ts';
import { writeDiscrepancies } from './discrepancies.ts';
import { loadDay, loadNear, loadNeighbour, lookupByKey, type Rec } from './load-day.ts';
import { FAILED, heldFree, matchDay, saleKeyOf, stableOrder } from './match-day.ts';
import { rebuildPayouts, settleChangedPayouts } from './payouts.ts';
import { linkRefunds } from './refunds.ts';
import { readReconcileSettings } from './reconcile-settings.ts';
import { rematchChangedRecords } from './record-changes.ts';
import { refreshReconRollups } from '../store/mutations/recon-rollups.ts';
import { RollupMoves } from './rollup-moves.ts';
import { GroupWriter } from './write-groups.ts';

export interface ReconcileProgress {
  phase: 'matching' | 'refunds' | 'payouts' | 'discrepancies' | 'done';
  done: number;
  total: number;
}

export interface RunOptions {
  /** Every day in the cache, instead of the days syncs marked since the last run. */
  full?: boolean;
  now?: Date;
  onProgress?: (p: ReconcileProgress) => void;
  /** Gives the event loop a turn between days, so a long run never holds up other calls. */
  yieldEvery?: () => Promise<void>;
  /**
   * Only people's decisions changed since the last run, no record did. Payouts are built from the
   * records alone (the Vipps ledgers), so they stay as they are: a decision's answer waits for less.
   */
  decisionsOnly?: boolean;
}

export interface RunReport {
  full: boolean;
  days: number;
  groups: number;
  refundsLinked: number;
  payouts: number;
  discrepancies: number;
  /** Sales of the day before a new day matched again where the new day reaches (day-before.ts). */
  dayBeforeSales?: number;
  /** Milliseconds per phase: where the time goes (rollups: the Dashboard's, of what the run changed). */
  timings: Record<'matching' | 'refunds' | 'payouts' | 'discrepancies' | 'rollups', number>;
}

const addDays = (date: string, n: number) =>
  new Date(Date.parse(`${date}T00:00:00Z`) + n * 86_400_000).toISOString().slice(0, 10);

/** Every day a full run rebuilds: each day with records or groups, in order. */
export function everyDay(db: Database): string[] {
  return all<{ d: string }>(
    db,
    sql`SELECT DISTINCT business_date AS d FROM transactions
        UNION SELECT DISTINCT anchor_date FROM recon_groups ORDER BY 1`,
  ).map((r) => r.d);
}

/** The days to rebuild: every day with records or groups, or the marked days and their neighbours. */
function daysToRun(db: Database, full: boolean): string[] {
  if (full) return everyDay(db);
  const dirty = all<{ date: string }>(db, sql`SELECT date FROM recon_dirty_days ORDER BY date`).map(
    (r) => r.date,
  );
  // A sale near midnight can claim a payment of the day after or before it (skewed provider clocks),
  // so a changed day's neighbours are matched again too: they may now claim, or give up, its records.
  // A neighbour with neither records nor groups (the day after a nightly sync's newest day) has nothing
  // to match or give up, and a full run does not take it either.
  const marked = new Set(dirty);
  const held = holdsAnything(db);
  return [...new Set(dirty.flatMap((d) => [addDays(d, -1), d, addDays(d, 1)]))]
    .filter((d) => marked.has(d) || held(d))
    .sort();
}

/** Whether a day has records or groups: one with neither has nothing to match or give up. */
const holdsAnything = (db: Database) => {
  const stmt = db
    .prepare(
      `SELECT EXISTS (SELECT 1 FROM transactions WHERE business_date = @d)
           OR EXISTS (SELECT 1 FROM recon_groups WHERE anchor_date = @d)`,
    )
    .pluck();
  return (d: string) => stmt.get({ d }) === 1;
};

/** A refund and its Vipps Report view: the refund pass places them (refunds.ts), matching never does. */
const byRefunds = (r: Rec) => r.heldRole === 'refund' || (r.heldRole === 'view' && r.kind === 'refund');

/**
 * Whether matching run day `d` changed which of these records (days d and d+1: what day d+1 sees of
 * the days up to d) are taken by the days up to d: one a run day's stored group held (but for what the
 * refund pass placed) and this run left free, or one this run claimed that no run day's group held.
 * Records held by days outside the run before d stay held on both sides.
 */
function handsChanged(
  d: string,
  days: readonly (readonly Rec[])[],
  claimed: ReadonlySet<number>,
  runDays: ReadonlySet<string>,
) {
  const held = (r: Rec) => r.heldBy !== null && r.heldBy <= d && !byRefunds(r) && runDays.has(r.heldBy);
  return days.some((recs) => recs.some((r) => claimed.has(r.id) !== held(r)));
}

/** The days a rebuild of these days reaches: each day and the days beside it (a window's). */
const affectedBy = (days: readonly string[]) => [
  ...new Set(days.flatMap((d) => [addDays(d, -1), d, addDays(d, 1)])),
];

/** The ids of the groups anchored on these days. */
function groupsOn(db: Database, days: readonly string[]): number[] {
  if (!days.length) return [];
  return all<{ id: number }>(
    db,
    sql`SELECT id FROM recon_groups INDEXED BY recon_groups_rollup
         WHERE anchor_date IN (SELECT value FROM json_each(${JSON.stringify(days)}))`,
  ).map((r) => r.id);
}

/**
 * Rebuilds reconciliation for the days that need it: matching per business day (each day sees its
 * neighbours' records, so near-midnight sales and skewed provider clocks are covered), then refunds,
 * Vipps payouts and the discrepancy classes. Each day commits on its own; re-running gives the same
 * groups, and an interrupted run leaves the unfinished days marked for the next one.
 */
export async function runReconcile(db: Database, options: RunOptions = {}): Promise<RunReport> {
  const settings = readReconcileSettings(db);
  const nowMs = (options.now ?? new Date()).getTime();
  const full = options.full ?? false;
  const decisions = DecisionIndex.load(db);
  // A sync that only changed some records: re-match what they reach, not their days (record-changes.ts).
  // Not when a Vipps ledger entry changed: that way settles no payout.
  const ledgerChanged = get(db, sql`SELECT 1 FROM recon_dirty_ledger_days LIMIT 1`) !== undefined;
  // Days a stopped run wrote but did not finish (migration 0027): this run finishes them with its own.
  const leftover = all<{ date: string }>(db, sql`SELECT date FROM recon_unfinished_days ORDER BY date`).map(
    (r) => r.date,
  );
  if (!full && !options.decisionsOnly && !ledgerChanged && !leftover.length) {
    const local = rematchChangedRecords(db, settings, decisions, nowMs);
    if (local) {
      options.onProgress?.({ phase: 'done', done: 1, total: 1 });
      const { days, ...rest } = local;
      return { full, days: days.length, ...rest };
    }
  }
  // The Dashboard's rollups: of the days marked (a sync's, or a stopped run's) and those a stopped
  // run's groups reached (a window's), rebuilt whole; of every other day, moved by the share of the
  // groups the run replaces and writes (rollup-moves.ts), the day before a new day's included.
  const rollups = full
    ? null
    : new RollupMoves(db, [
        ...all<{ date: string }>(db, sql`SELECT date FROM recon_dirty_days`).map((r) => r.date),
        ...affectedBy(leftover),
      ]);
  const days = daysToRun(db, full);
  // The day before a new day is matched only where the new day reaches, unless that reaches too far.
  const dayBefore = full || options.decisionsOnly || leftover.length ? [] : daysBeforeNew(db, days);
  // The days are rebuilt whole (but for those): every changed record is in one of them.
  db.prepare('DELETE FROM recon_dirty_records').run();
  const holds = holdsAnything(db);
  // Every day of the run is marked as a sync marks a day, and each day's write clears its mark: a run
  // stopped part way (the app quit) leaves the days it did not write to the next run, the neighbours
  // and the days it took in included (they had no mark of their own), and a full run's every day (it
  // was asked for because the groups were made otherwise: other settings, an older matcher).
  const markDay = db.prepare('INSERT OR IGNORE INTO recon_dirty_days (date) VALUES (?)');
  const writer = new GroupWriter(db, settings);
  if (rollups) {
    writer.onReplace = (groups) => rollups.replacing(groups);
    writer.onWritten = (id, group) => rollups.written(id, group);
  }
  const timings = { matching: 0, refunds: 0, payouts: 0, discrepancies: 0, rollups: 0 };
  const cache = new Map<string, Rec[]>();
  // Each day is put in stable order once, as it is read: a window is then three ordered runs, which
  // matchDay's sort merges (TimSort finds runs) instead of sorting every record again in each of the
  // three windows it is in.
  const day = (d: string) => {
    let recs = cache.get(d);
    if (!recs) cache.set(d, (recs = loadDay(db, d, { held: !full }).sort(stableOrder)));
    return recs;
  };
  let t0 = performance.now();
  // Matched before the run's days, as a full run matches it before the new day; then it is the day
  // before a run day outside the run, whose groups keep what they hold.
  const matchedBefore: string[] = [];
  let dayBeforeSales = 0;
  for (const n of dayBefore) {
    const sales = matchDayBefore(db, n, day(addDays(n, 1)), settings, decisions, writer, nowMs);
    if (sales === null) continue;
    days.splice(days.indexOf(n), 1);
    matchedBefore.push(n);
    dayBeforeSales += sales;
  }
  const runDays = new Set(days);
  for (const d of days) markDay.run(d);
  // The day before a run day, outside the run, is read as far as matching run day `d` can use it
  // (loadNeighbour), and its other records only within the time window of d's sales' tenders: the clock
  // offsets (dayOffsets) count a payment of a tender's amount near it, whoever holds it. In the new-day
  // case that is the day two before the new one, read whole only for the day before's window. The day
  // after is read whole: nothing of it is taken yet when a full run matches d (heldFree).
  const windowOf = (d: string): Rec[] => {
    const own = day(d);
    const sales = own.filter((r) => r.provider === 'sentrypos' && r.kind === 'sale');
    const invoices = new Set(sales.map((r) => r.refs[0] ?? r.externalId));
    const sides = [addDays(d, -1), addDays(d, 1)].map((n) =>
      full || runDays.has(n) || n > d
        ? { recs: day(n), rest: [] }
        : loadNeighbour(db, n, invoices, (heldBy) => heldFree(heldBy, d, runDays)),
    );
    const keys = new Set(sales.map(saleKeyOf));
    let [lo, hi] = [Infinity, -Infinity];
    for (const recs of [own, sides[0]!.recs, sides[1]!.recs]) {
      for (const r of recs) {
        if (r.provider !== 'sentrypos' || r.kind !== 'sale' || FAILED.has(r.status)) continue;
        if (!keys.has(saleKeyOf(r))) continue;
        if (r.atMs < lo) lo = r.atMs;
        if (r.atMs > hi) hi = r.atMs;
      }
    }
    const reach = settings.timeWindowMinutes * 60_000;
    const near = sides.flatMap((s) => (s.rest.length ? loadNear(db, s.rest, lo - reach, hi + reach) : []));
    return [...sides[0]!.recs, ...own, ...sides[1]!.recs, ...near];
  };
  const lookup = lookupByKey(db);
  const claimed = new Set<number>();
  let groups = dayBeforeSales;
  // `days` grows as the run goes (see below): at most to the cache's last day with records or groups.
  for (let i = 0; i < days.length; i++) {
    const d = days[i]!;
    const window = windowOf(d);
    let offsets: ReadonlyMap<string, number> = new Map();
    const built = matchDay({
      date: d,
      window,
      settings,
      runDays,
      claimed,
      decisions,
      lookup,
      onOffsets: (o) => (offsets = o),
    });
    // The next day's stored groups were built by a run that matched it after this day's groups took
    // their records: if this day now takes or leaves other records of the days the next one sees (this
    // day's and its own; heldFree lets it take the next day's), those groups may be stale, and a full
    // run would match the next day against what this day left. Then it is matched too, and so on.
    const next = addDays(d, 1);
    if (
      !full &&
      !runDays.has(next) &&
      handsChanged(d, [day(d), day(next)], claimed, runDays) &&
      holds(next)
    ) {
      markDay.run(next);
      days.splice(i + 1, 0, next);
      runDays.add(next);
    }
    groups += writer.writeDay(d, built, day(d), nowMs, offsets);
    cache.delete(addDays(d, -1));
    options.onProgress?.({ phase: 'matching', done: i + 1, total: days.length });
    if (options.yieldEvery && i % 5 === 4) await options.yieldEvery();
  }
  cache.clear();
  timings.matching = performance.now() - t0;

  // What follows the days is one transaction, which forgets the days noted unfinished: a run stopped
  // anywhere in it leaves all of it to the next run (the refund and payout passes start from marks
  // that commit with them), and a run stopped before it leaves the days it wrote noted.
  const finish = db.transaction(() => {
    // Before the refund pass, which moves the rollups of the sales it turns by their share itself.
    t0 = performance.now();
    rollups?.apply();
    timings.rollups = performance.now() - t0;
    t0 = performance.now();
    options.onProgress?.({ phase: 'refunds', done: 0, total: 1 });
    const refunds = linkRefunds(db, settings, decisions, nowMs, { moveRollups: !full });
    timings.refunds = performance.now() - t0;

    let payouts = 0;
    if (!options.decisionsOnly) {
      t0 = performance.now();
      options.onProgress?.({ phase: 'payouts', done: 0, total: 1 });
      // Payouts are made of the Vipps ledger entries alone: settled again where those changed.
      payouts = full ? rebuildPayouts(db, null) : settleChangedPayouts(db);
      db.prepare('DELETE FROM recon_dirty_ledger_days').run();
      timings.payouts = performance.now() - t0;
    }

    t0 = performance.now();
    options.onProgress?.({ phase: 'discrepancies', done: 0, total: 1 });
    // A rebuilt day's groups hold records of the days beside it too: their payments' "no sale" may have
    // moved. The classes of a sale's group have not: only the run's days' groups were rebuilt (the
    // refund pass adds refunds, which no class of a group reads), and of those only the ones written
    // (new or changed) can have other rows than they had. A stopped run's days count every group of
    // theirs as written: which it wrote is not known.
    const finishing = [...new Set([...days, ...matchedBefore, ...leftover])].sort();
    const affected = affectedBy(finishing);
    const discrepancies = writeDiscrepancies(db, {
      days: full ? null : finishing,
      paymentDays: full ? undefined : affected,
      // The refund pass's review, set or taken back, feeds the classes of a sale's group too.
      groups: [...writer.written, ...refunds.restated, ...groupsOn(db, leftover)],
      settings,
      nowMs,
      orphanRefunds: refunds.orphans,
    });
    timings.discrepancies = performance.now() - t0;
    // The Dashboard's rollups of what this run rebuilt (store/mutations/recon-rollups.ts): keep this
    // call. Every day when full; else the days rebuilt whole (see rollups above).
    t0 = performance.now();
    refreshReconRollups(db, rollups ? [...rollups.days] : null);
    timings.rollups += performance.now() - t0;
    if (full) db.prepare('DELETE FROM recon_dirty_days').run();
    db.prepare('DELETE FROM recon_unfinished_days').run();
    db.prepare('DELETE FROM recon_removed_days').run();
    return { refunds, payouts, discrepancies };
  });
  const { refunds, payouts, discrepancies } = finish();
  options.onProgress?.({ phase: 'done', done: 1, total: 1 });
  return {
    full,
    days: days.length + matchedBefore.length,
    groups,
    refundsLinked: refunds.linked,
    payouts,
    discrepancies,
    ...(matchedBefore.length ? { dayBeforeSales } : {}),
    timings,
  };
}
