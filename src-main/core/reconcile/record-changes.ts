import type { Database } from 'better-sqlite3';
import { all, rawSql, run, sql } from '../store/sql.ts';
import type { DecisionIndex } from './decision-index.ts';
import { writeDiscrepancies } from './discrepancies.ts';
import { linkRefunds } from './refunds.ts';
import type { ReconcileSettings } from './reconcile-settings.ts';
import { rematchDecision } from './rematch.ts';
import { refreshReconRollups } from '../store/mutations/recon-rollups.ts';

/** More changed records than this go the day way: a day's rebuild costs about as much. */
const MAX_RECORDS = 2_000;

/** The current references of records, in the form the update trigger keeps (migration 0018). */
const REFS = `(SELECT group_concat(kind || char(31) || value, char(30))
   FROM (SELECT kind, value FROM transaction_refs WHERE transaction_id = t.id ORDER BY kind, value))`;

export interface RecordRun {
  days: string[];
  groups: number;
  refundsLinked: number;
  payouts: number;
  discrepancies: number;
  timings: Record<'matching' | 'refunds' | 'payouts' | 'discrepancies' | 'rollups', number>;
}

/**
 * After a sync that changed only some existing records (say, 200 captures moved from completed to
 * refunded), re-matches the sales those records can reach (rematch.ts, the decision's re-match seeded
 * with the records) instead of three whole days around each; then the refund pass, the run-wide
 * discrepancy classes and the Dashboard's rollups of the days reached, as a day run does.
 * The groups equal a day rebuild's (tested against a full run). Returns null, having written nothing,
 * when the change needs days: records added or removed, a change that can move a day's clock offsets
 * or a Vipps twin (migration 0018 says which), a day marked for another reason (a decision's rebuild),
 * more than MAX_RECORDS records, or a re-match that reaches too far.
 */
export function rematchChangedRecords(
  db: Database,
  settings: ReconcileSettings,
  decisions: DecisionIndex,
  nowMs: number,
): RecordRun | null {
  const dirty = all<{
    id: number;
    local: number;
    refs: string | null;
    now: string | null;
    date: string | null;
  }>(
    db,
    sql`SELECT d.id, d.local, d.refs, ${rawSql(REFS)} AS now, t.business_date AS date
          FROM recon_dirty_records d LEFT JOIN transactions t ON t.id = d.id ORDER BY d.id LIMIT ${MAX_RECORDS + 1}`,
  );
  if (!dirty.length || dirty.length > MAX_RECORDS) return null;
  if (dirty.some((d) => d.id === 0 || !d.local || d.date === null || d.refs !== d.now)) return null;
  const dates = new Set(dirty.map((d) => d.date!));
  const marked = all<{ date: string }>(db, sql`SELECT date FROM recon_dirty_days`).map((r) => r.date);
  if (marked.some((d) => !dates.has(d))) return null;

  // One transaction: a failure anywhere leaves the marks for the next run, and nothing half written.
  try {
    return db.transaction(() => rematchAll(db, dirty as Dirty[], dates, settings, decisions, nowMs))();
  } catch (err) {
    if (err instanceof TooFar) return null;
    throw err;
  }
}

interface Dirty {
  id: number;
  date: string;
}

/** A re-match that reached too far: the run rebuilds the days instead, and this run's writes roll back. */
class TooFar extends Error {}

function rematchAll(
  db: Database,
  dirty: readonly Dirty[],
  dates: ReadonlySet<string>,
  settings: ReconcileSettings,
  decisions: DecisionIndex,
  nowMs: number,
): RecordRun {
  const timings = { matching: 0, refunds: 0, payouts: 0, discrepancies: 0, rollups: 0 };
  let t0 = performance.now();
  // Day by day: a sync's late changes are spread over weeks, and one re-match stretches over the time
  // between its records. Each re-match starts from what the one before it left, as decisions do.
  const reached = new Set<string>();
  let groups = 0;
  for (const date of [...dates].sort()) {
    const local = rematchDecision(
      db,
      { saleKeys: [], recordIds: dirty.filter((d) => d.date === date).map((d) => d.id) },
      settings,
      decisions,
      nowMs,
    );
    if (!local) throw new TooFar();
    groups += local.groups;
    for (const d of local.days) reached.add(d);
  }
  timings.matching = performance.now() - t0;

  // Refunds no sale holds are looked at again, as every run does (a changed payment may be theirs now).
  t0 = performance.now();
  const refunds = linkRefunds(db, settings, decisions, nowMs);
  timings.refunds = performance.now() - t0;
  // Payouts are not settled again: they read only what a change taken this way cannot move (kind,
  // amount, currency, time, business day, provider status: migration 0018 sends those to the days).
  // The re-matches rewrote their sales' classes; the classes kept for the whole cache are rebuilt whole.
  t0 = performance.now();
  const discrepancies = writeDiscrepancies(db, {
    days: [],
    // Sales whose state the refund pass changed (a review set or taken back) outside the re-matches.
    groups: refunds.restated,
    settings,
    nowMs,
    orphanRefunds: refunds.orphans,
  });
  timings.discrepancies = performance.now() - t0;
  // The re-matches moved the rollups by their sales' share, but a share "before" is read after the sync
  // changed the records (a sale's status feeds the young-pending figure), so the days are rebuilt.
  const days = [...new Set([...reached, ...dates])].sort();
  t0 = performance.now();
  refreshReconRollups(db, days);
  timings.rollups = performance.now() - t0;
  run(db, sql`DELETE FROM recon_dirty_records`);
  run(db, sql`DELETE FROM recon_dirty_days`);
  return { days, groups, refundsLinked: refunds.linked, payouts: 0, discrepancies, timings };
}
