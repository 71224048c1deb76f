import type { Database } from 'better-sqlite3';
import { all, rawSql, run, sql, type Sql } from '../sql.ts';

/*
 * The Dashboard's reconciliation rollups (migration 0012), rebuilt for the business days a reconcile
 * run rebuilt: one call per run instead of a trigger per group and member row (a full run writes a
 * million of each, and a trigger on each would cost it seconds). Each table is derived from the
 * reconciliation tables and the POS tenders; a day's rows are deleted and written again whole, so the
 * result for a day never depends on what was there before.
 *
 *  - dash_tender_days: POS tenders that reconciliation holds, per business day, currency, the payment
 *    providers of their sale and status class ('sold' = completed or refunded, 'failed', 'other'):
 *    tenders, distinct sales, money, and (for failed ones) those whose sale was paid after all.
 *  - dash_vat_days: the itemised VAT of the payments of each sale, on the day of its first sold tender
 *    (a sale counts once, on one day, even when its tenders cross midnight).
 *  - dash_group_days: sales per anchor day, payment providers, state and currency (the reconciliation
 *    summary), and dash_explained_days: cash sales, failed provider attempts and young pending sales.
 */

/** The days to rebuild as a JSON array bound into the statements, or every day (`null`). */
function daysOf(column: string, days: string | null): Sql {
  // Column names come from this file, never from input.
  return days === null ? sql`1` : sql`${rawSql(column)} IN (SELECT value FROM json_each(${days}))`;
}

/**
 * A refund linked in this run joins a sale of any earlier day and can turn it to review, so the anchor
 * days of the sales that hold the refunds of the run's days are rebuilt too.
 */
function withRefundSales(db: Database, days: readonly string[]): string[] {
  const extra = all<{ d: string }>(
    db,
    sql`SELECT DISTINCT g.anchor_date AS d FROM transactions t INDEXED BY search_by_kind
          JOIN recon_members m ON m.transaction_id = t.id AND m.role = 'refund'
          JOIN recon_groups g ON g.id = m.group_id
         WHERE t.kind = 'refund' AND t.business_date IN (SELECT value FROM json_each(${JSON.stringify(days)}))`,
  ).map((r) => r.d);
  return [...new Set([...days, ...extra])].sort();
}

/**
 * Rebuilds the reconciliation rollups for `days` (and the days of the sales their refunds joined), or
 * for every day when `days` is null (a full run, or the migration that adds the tables).
 */
export function refreshReconRollups(db: Database, days: readonly string[] | null): void {
  db.transaction(() => {
    const list = days === null ? null : JSON.stringify(withRefundSales(db, days));
    const tenderDay = daysOf('t.business_date', list);
    for (const [table, column] of [
      ['dash_tender_days', 'business_date'],
      ['dash_vat_days', 'business_date'],
      ['dash_group_days', 'anchor_date'],
      ['dash_explained_days', 'anchor_date'],
    ] as const)
      run(db, sql`DELETE FROM ${rawSql(table)} WHERE ${daysOf(column, list)}`);
    run(
      db,
      sql`INSERT INTO dash_tender_days (business_date, currency, providers, class, tenders, sales, amount_minor, retried)
          SELECT t.business_date, t.currency, g.providers,
                 CASE WHEN t.status IN ('completed', 'refunded') THEN 'sold' WHEN t.status = 'failed' THEN 'failed' ELSE 'other' END,
                 count(*), count(DISTINCT m.group_id), sum(t.amount_minor),
                 sum(CASE WHEN t.status = 'failed' THEN EXISTS (
                   SELECT 1 FROM recon_members o JOIN transactions s ON s.id = o.transaction_id
                    WHERE o.group_id = m.group_id AND o.role = 'sale' AND s.status IN ('completed', 'refunded'))
                   ELSE 0 END)
            FROM transactions t INDEXED BY dashboard_sales
            JOIN recon_members m ON m.transaction_id = t.id
            JOIN recon_groups g ON g.id = m.group_id
           WHERE t.kind = 'sale' AND ${tenderDay}
           GROUP BY 1, 2, 3, 4`,
    );
    // Each sale once, on the day of its first sold tender; then the lines of every payment it has.
    // CROSS JOIN keeps that order (left to itself the planner walked every transaction by currency).
    // A sale's tenders are its 'sale' members (a failed one is an 'attempt'), whose day and status a
    // narrow index by id holds: reading the ~1 KB rows made this the slowest part of a refresh.
    run(
      db,
      sql`INSERT INTO dash_vat_days (business_date, currency, vat_minor, gross_minor)
          WITH touched AS (
            SELECT DISTINCT m.group_id FROM transactions t INDEXED BY dashboard_sales
              JOIN recon_members m ON m.transaction_id = t.id
             WHERE t.kind = 'sale' AND ${tenderDay} AND t.status IN ('completed', 'refunded')),
          sold AS (
            SELECT touched.group_id, min(t.business_date) AS day FROM touched
              CROSS JOIN recon_members m INDEXED BY recon_members_by_group
              CROSS JOIN transactions t INDEXED BY search_totals_by_id_dims
             WHERE m.group_id = touched.group_id AND m.role = 'sale' AND t.id = m.transaction_id
               AND t.status IN ('completed', 'refunded')
             GROUP BY 1)
          SELECT sold.day, p.currency, coalesce(sum(l.vat_minor), 0), sum(l.line_gross_minor)
            FROM sold
            CROSS JOIN recon_members pm INDEXED BY recon_members_by_group
            CROSS JOIN transactions p INDEXED BY search_totals_by_id_dims
            CROSS JOIN transaction_lines l
           WHERE ${daysOf('sold.day', list)} AND pm.group_id = sold.group_id AND pm.role = 'payment'
             AND p.id = pm.transaction_id AND l.transaction_id = p.id
           GROUP BY 1, 2`,
    );
    const groupDay = daysOf('g.anchor_date', list);
    run(
      db,
      sql`INSERT INTO dash_group_days (anchor_date, provider, state, currency, n, sale_minor)
          SELECT anchor_date, CASE providers WHEN '' THEN 'none' ELSE providers END, state, currency,
                 count(*), sum(sale_minor)
            FROM recon_groups g WHERE ${groupDay} GROUP BY 1, 2, 3, 4`,
    );
    run(
      db,
      sql`INSERT INTO dash_explained_days (anchor_date, cash, attempts, pending)
          SELECT g.anchor_date, sum(m.role = 'sale' AND upper(coalesce(t.network, '')) = 'CASH'),
                 sum(m.role = 'attempt' AND t.provider <> 'sentrypos'),
                 sum(m.role = 'sale' AND t.status = 'pending' AND g.state = 'explained')
            FROM recon_groups g JOIN recon_members m ON m.group_id = g.id JOIN transactions t ON t.id = m.transaction_id
           WHERE ${groupDay} AND (m.role = 'attempt' OR m.role = 'sale')
           GROUP BY 1`,
    );
  })();
}
