import type { Database } from 'better-sqlite3';
import { all, sql } from '../store/sql.ts';
import { addDays, TooWide, type Seeds } from './component.ts';
import type { DecisionIndex } from './decision-index.ts';
import { growComponent } from './grow.ts';
import { isPre, type Rec } from './load-day.ts';
import { saleKeyOf } from './match-day.ts';
import type { ReconcileSettings } from './reconcile-settings.ts';
import { GrowTooFar } from './rematch-area.ts';
import type { GroupWriter } from './write-groups.ts';

/*
 * The day before a new day. A full run matches that day while the new day's records are all free, so
 * they may change it, but only where they reach: a payment just after midnight, a payment naming one
 * of its sales, a second view, fee or duplicate of a payment it holds, a POS row of one of its sales.
 * Its clock offsets count only records booked by its end (offsets.ts), so they stand. Those sales are
 * matched again as a decision's are (grow.ts: grown while a sale outside would come out otherwise),
 * instead of the whole day; the rest of the day comes out as it was.
 */

const MIN = 60_000;

/**
 * The run's days that are the day before a new day: not marked themselves, nor the day before them in
 * the run, and the next day marked with only new records, none of which any group holds or a run took
 * away (a removed record may be a stored runner-up or member; an updated one may have been anything).
 */
export function daysBeforeNew(db: Database, days: readonly string[]): string[] {
  const marked = new Set(
    all<{ date: string }>(db, sql`SELECT date FROM recon_dirty_days`).map((r) => r.date),
  );
  const run = new Set(days);
  return days.filter((n) => {
    const next = addDays(n, 1);
    if (marked.has(n) || run.has(addDays(n, -1)) || !marked.has(next)) return false;
    return !all(
      db,
      sql`SELECT 1 WHERE EXISTS (SELECT 1 FROM recon_removed_days WHERE date = ${next})
           OR EXISTS (SELECT 1 FROM recon_groups INDEXED BY recon_groups_rollup WHERE anchor_date = ${next})
           OR EXISTS (SELECT 1 FROM recon_dirty_records d CROSS JOIN transactions t ON t.id = d.id
                       WHERE d.id <> 0 AND t.business_date = ${next})
           OR EXISTS (SELECT 1 FROM transactions t INDEXED BY transactions_by_date
                       CROSS JOIN recon_members m ON m.transaction_id = t.id WHERE t.business_date = ${next})`,
    ).length;
  });
}

/**
 * What of the new day (its records, `fresh`) the day before's matching can reach, as a re-match's
 * seeds: records near midnight (a window and a quarter of an hour past the day's last record: a
 * candidate, a failed attempt or a duplicate charge) and the sales holding records of the day's last
 * such stretch (a new attempt or duplicate joins them); the sales a new payment names; the holders of
 * a payment a new view, fee or pre-transaction belongs to; sales with a new POS row; sales a person
 * tied a new record to.
 */
function seedsOf(
  db: Database,
  n: string,
  fresh: readonly Rec[],
  settings: ReconcileSettings,
  decisions: DecisionIndex,
): Seeds {
  const reach = settings.timeWindowMinutes * MIN + 25 * MIN;
  const last = all<{ at: string | null }>(
    db,
    sql`SELECT max(occurred_at) AS at FROM transactions WHERE business_date = ${n}`,
  )[0]?.at;
  const edge = last ? Date.parse(last) : -Infinity;
  const recordIds = new Set<number>();
  const saleKeys = new Set<string>();
  const keysOf = (rows: { key: string }[]) => {
    for (const { key } of rows) saleKeys.add(key.slice(5));
  };
  const refs = new Set<string>();
  const links = new Set<string>();
  const saleRows = new Set<string>();
  // A reference naming one of the new day's own sales, a link a new payment carries: those are the new
  // day's, and most of its records are (each is looked up in the store otherwise).
  const own = new Set<string>();
  for (const r of fresh) {
    if (r.provider === 'sentrypos' && r.refs[0] !== undefined) own.add(r.refs[0]);
    else if (r.kind === 'capture' && r.twinId === null && r.link !== null) own.add(r.link);
  }
  for (const r of fresh) {
    if (r.atMs <= edge + reach) recordIds.add(r.id);
    const chosen = decisions.saleOf(r);
    if (chosen !== undefined) {
      saleKeys.add(chosen);
      recordIds.add(r.id);
    }
    if (r.provider === 'sentrypos') {
      if (r.kind === 'sale') saleRows.add(`sale:${saleKeyOf(r)}`);
      continue;
    }
    // Refunds are the refund pass's: only a capture pairs with a sale by the invoice it names.
    if (r.kind === 'capture')
      for (const ref of r.provider === 'tgi' ? [...r.refs, r.externalId] : r.refs)
        if (!own.has(ref)) refs.add(ref);
    if (r.link !== null && !own.has(r.link) && (r.twinId !== null || r.kind === 'fee' || isPre(r)))
      links.add(r.link);
  }
  const held = sql`CROSS JOIN recon_members m ON m.transaction_id = t.id
    CROSS JOIN recon_groups g ON g.id = m.group_id AND g.anchor_date = ${n}`;
  // Sales holding a record of the day's last stretch.
  if (last)
    keysOf(
      all(
        db,
        sql`SELECT DISTINCT g.key FROM transactions t ${held}
             WHERE t.business_date = ${n} AND t.occurred_at >= ${new Date(edge - reach).toISOString()}
               AND g.key LIKE 'sale:%'`,
      ),
    );
  // Sales whose invoice a new payment carries: the payments are seeds, wherever their time.
  const named = all<{ key: string; value: string }>(
    db,
    sql`SELECT DISTINCT g.key, x.value FROM transaction_refs x CROSS JOIN transactions t ON t.id = x.transaction_id ${held}
         WHERE x.value IN (SELECT value FROM json_each(${JSON.stringify([...refs])})) AND x.kind = 'invoiceId'
           AND t.provider = 'sentrypos'`,
  );
  keysOf(named);
  const namedRefs = new Set(named.map((r) => r.value));
  for (const r of fresh)
    if (
      r.kind === 'capture' &&
      (r.refs.some((x) => namedRefs.has(x)) || (r.provider === 'tgi' && namedRefs.has(r.externalId)))
    )
      recordIds.add(r.id);
  // Holders of the payments a new view, fee or pre-transaction belongs to.
  keysOf(
    all(
      db,
      sql`SELECT DISTINCT g.key FROM transaction_refs x CROSS JOIN transactions t ON t.id = x.transaction_id ${held}
           WHERE x.value IN (SELECT value FROM json_each(${JSON.stringify([...links])}))
             AND x.kind IN ('pspReference', 'reconciliation_id')`,
    ),
  );
  // Sales that gain a POS row (a tender or attempt past midnight).
  keysOf(
    all(
      db,
      sql`SELECT key FROM recon_groups WHERE key IN (SELECT value FROM json_each(${JSON.stringify([...saleRows])}))`,
    ),
  );
  return { saleKeys: [...saleKeys], recordIds: [...recordIds] };
}

/**
 * Matches day `n` again where the new day after it (`fresh`, its records) reaches, and writes the sales
 * that changed (the writer notes them, for the run's discrepancy classes). Returns the number of sales
 * matched again, or null where that reaches too far: the caller matches the whole day.
 */
export function matchDayBefore(
  db: Database,
  n: string,
  fresh: Rec[],
  settings: ReconcileSettings,
  decisions: DecisionIndex,
  writer: GroupWriter,
  nowMs: number,
): number | null {
  const seeds = seedsOf(db, n, fresh, settings, decisions);
  let grown;
  try {
    grown = growComponent(db, seeds, settings, decisions);
  } catch (err) {
    if (err instanceof GrowTooFar || err instanceof TooWide) return null;
    throw err;
  }
  const keys = [...grown.component.groups];
  db.transaction(() => {
    writer.written.push(...writer.writeGroups(keys, grown.built, nowMs));
    // As a day's write does: the run's end (refunds, classes, rollups) is still owed for the day.
    writer.noteUnfinished(n);
  })();
  // The new day's records as read before are matched next: the ones just taken are held now (none
  // was held before: daysBeforeNew).
  const taken = new Map<number, [string, string, string]>();
  for (const g of grown.built) for (const m of g.members) taken.set(m.rec.id, [g.anchorDate, g.key, m.role]);
  for (const r of fresh) {
    const held = taken.get(r.id);
    if (held) [r.heldBy, r.heldKey, r.heldRole] = held;
  }
  return keys.length;
}
