import type { Database } from 'better-sqlite3';
import type { SearchTotals } from '../../src-main/core/api/schemas.ts';
import { TRANSACTION_KINDS } from '../../src-main/core/model/transaction.ts';

type KindTotal = { kind: string; count: number; amountMinor: number };
export type DirectTotals = {
  count: number;
  byCurrency: { currency: string; count: number; byKind: KindTotal[] }[];
};

/**
 * SQL: is transaction `t` left out of every total? Written out from the rules, not read from the
 * app's own tables: a second view the reconcile engine listed in recon_views, or a Vipps fees-ledger
 * charge (the fee counts once, when it is paid).
 */
export const notCounted = (t: string) =>
  `(EXISTS (SELECT 1 FROM recon_views v WHERE v.transaction_id = ${t}.id)
    OR (${t}.provider = 'vipps' AND ${t}.external_id LIKE 'fees:%'
        AND ${t}.provider_status IN ('capture-fee', 'service-fee')))`;

/**
 * The totals of `where` (a condition on `t`) the slow, obvious way: every row, less those recon_views
 * lists as second views and the Vipps fees-ledger charges (a fee counts when it is paid), per currency
 * and kind. What the rollup, text and parallel paths must equal.
 */
export function directTotals(db: Database, where: string, params: unknown[] = []): DirectTotals {
  const rows = db
    .prepare(
      `SELECT currency, kind, count(*) AS count, sum(amount_minor) AS amountMinor FROM transactions t
        WHERE (${where}) AND NOT ${notCounted('t')}
        GROUP BY currency, kind ORDER BY currency`,
    )
    .all(...params) as ({ currency: string } & KindTotal)[];
  const byCurrency: DirectTotals['byCurrency'] = [];
  for (const r of rows) {
    let c = byCurrency.find((x) => x.currency === r.currency);
    if (!c) byCurrency.push((c = { currency: r.currency, count: 0, byKind: [] }));
    c.count += r.count;
    c.byKind.push({ kind: r.kind, count: r.count, amountMinor: r.amountMinor });
  }
  const order = (k: string) => TRANSACTION_KINDS.indexOf(k as (typeof TRANSACTION_KINDS)[number]);
  for (const c of byCurrency) c.byKind.sort((a, b) => order(a.kind) - order(b.kind));
  return { count: byCurrency.reduce((s, c) => s + c.count, 0), byCurrency };
}

/** The parts of search totals that directTotals computes: the counts and the sums per kind. */
export function countedTotals(totals: SearchTotals): DirectTotals {
  return {
    count: totals.count,
    byCurrency: totals.byCurrency.map(({ currency, count, byKind }) => ({ currency, count, byKind })),
  };
}

/**
 * Lists the records matching `where` in recon_views, as a reconcile run would list second views (each
 * its own primary here: search reads only which records are views). Returns how many.
 */
export function markViews(db: Database, where: string): number {
  return db
    .prepare(
      `INSERT OR REPLACE INTO recon_views (transaction_id, primary_id, business_date)
        SELECT id, id, business_date FROM transactions t WHERE ${where}`,
    )
    .run().changes;
}
