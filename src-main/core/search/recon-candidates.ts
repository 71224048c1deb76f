import type { Database } from 'better-sqlite3';
import type { ReconState } from '../model/recon-state.ts';
import { all, joinSql, type Sql, sql } from '../store/sql.ts';

/** States only a record the reconciliation tables hold can have (see RECON_STATE in summaries.ts). */
const LISTED: readonly ReconState[] = ['linked', 'review', 'explained'];

/**
 * The records that can be in one of `states`, read from the reconciliation tables (a group's state by
 * its index, then its members by theirs), at most `cap`; null when a state is not listed there
 * ('unmatched' and 'not_applicable' are also what a record none holds falls back to) or when there are
 * more than `cap`. A superset: the search still checks each against RECON_STATE, so the order in which
 * that expression decides never has to be repeated here. Without it a rare state (review) made the
 * search test every row of the cache: 1.8 s on 200,000 rows.
 */
export function reconCandidates(
  db: Database,
  states: readonly ReconState[] | undefined,
  cap: number,
): number[] | null {
  if (!states?.length || !states.every((s) => LISTED.includes(s))) return null;
  const inStates = sql`(SELECT value FROM json_each(${JSON.stringify(states)}))`;
  const has = (s: ReconState) => states.includes(s);
  const parts: Sql[] = [
    sql`SELECT m.transaction_id AS id FROM recon_groups g INDEXED BY recon_groups_by_state
          JOIN recon_members m ON m.group_id = g.id WHERE g.state IN ${inStates}`,
    sql`SELECT v.transaction_id AS id FROM recon_groups g INDEXED BY recon_groups_by_state
          JOIN recon_members m ON m.group_id = g.id JOIN recon_views v ON v.primary_id = m.transaction_id
         WHERE g.state IN ${inStates}`,
  ];
  // A failed attempt or a card check reads as explained, a duplicate charge as review, whatever its group.
  if (has('explained') || has('review'))
    parts.push(
      sql`SELECT transaction_id AS id FROM recon_members WHERE role IN ('attempt', 'pre-transaction', 'duplicate')`,
    );
  if (has('linked') || has('review')) parts.push(sql`SELECT transaction_id AS id FROM recon_payouts`);
  if (has('linked')) {
    parts.push(sql`SELECT transaction_id AS id FROM recon_settlements`);
    parts.push(
      sql`SELECT v.transaction_id AS id FROM recon_settlements s JOIN recon_views v ON v.primary_id = s.transaction_id`,
    );
  }
  // UNION ALL streams, so a common state stops reading at the cap; a record listed twice is harmless
  // (the search reads the ids through IN) and only brings the cap nearer.
  const rows = all<{ id: number }>(db, sql`${joinSql(parts, ' UNION ALL ')} LIMIT ${cap + 1}`);
  return rows.length > cap ? null : [...new Set(rows.map((r) => r.id))];
}
