import type { Database } from 'better-sqlite3';
import { all, sql } from '../../src-main/core/store/sql.ts';

/*
 * The Dashboard's queries as they were before the rollups of migration 0012: each a GROUP BY over the
 * records (and the reconciliation tables) of the range, through the best index there is. The bench
 * times them beside the rollups in the same run and checks both give the same rows.
 */

export function naiveRollupRows(db: Database, from: string, to: string) {
  return all(
    db,
    sql`SELECT business_date AS date, kind, status, currency, coalesce(network, '') AS network,
               count(*) AS n, sum(amount_minor) AS amount
          FROM transactions t INDEXED BY search_by_time
         WHERE business_date BETWEEN ${from} AND ${to} AND kind IN ('sale', 'payout')
           AND NOT EXISTS (SELECT 1 FROM search_views v WHERE v.id = t.id)
         GROUP BY 1, 2, 3, 4, 5`,
  );
}

export function naiveProviderDays(db: Database, from: string, to: string) {
  return all(
    db,
    sql`SELECT t.business_date AS date, t.currency, g.providers, count(*) AS tenders,
               count(DISTINCT m.group_id) AS sales, sum(t.amount_minor) AS amount
          FROM transactions t INDEXED BY dashboard_sales
          LEFT JOIN recon_members m ON m.transaction_id = t.id
          LEFT JOIN recon_groups g ON g.id = m.group_id
         WHERE t.kind = 'sale' AND t.business_date BETWEEN ${from} AND ${to}
           AND t.status IN ('completed', 'refunded')
           AND NOT EXISTS (SELECT 1 FROM search_views v WHERE v.id = t.id)
         GROUP BY 1, 2, 3`,
  );
}

export function naiveQuarterHours(db: Database, from: string, to: string) {
  return all(
    db,
    sql`SELECT substr(occurred_at, 1, 13) AS utcHour, CAST(substr(occurred_at, 15, 2) AS INTEGER) / 15 AS quarter,
               status, currency, count(*) AS n, sum(amount_minor) AS amount
          FROM transactions INDEXED BY dashboard_sales
         WHERE kind = 'sale' AND business_date BETWEEN ${from} AND ${to}
           AND status IN ('completed', 'refunded', 'failed')
         GROUP BY 1, 2, 3, 4`,
  );
}

export function naiveFailedRetried(db: Database, from: string, to: string) {
  const row = all<{ failed: number; retried: number | null }>(
    db,
    sql`SELECT count(*) AS failed,
               sum(EXISTS (SELECT 1 FROM recon_members o JOIN transactions s ON s.id = o.transaction_id
                            WHERE o.group_id = m.group_id AND o.role = 'sale'
                              AND s.status IN ('completed', 'refunded'))) AS retried
          FROM transactions t INDEXED BY dashboard_sales
          LEFT JOIN recon_members m ON m.transaction_id = t.id
         WHERE t.kind = 'sale' AND t.business_date BETWEEN ${from} AND ${to} AND t.status = 'failed'
           AND NOT EXISTS (SELECT 1 FROM search_views v WHERE v.id = t.id)`,
  )[0];
  return { failed: row?.failed ?? 0, retried: row?.retried ?? 0 };
}

export function naiveItemisedVat(db: Database, from: string, to: string) {
  return all(
    db,
    sql`WITH sold AS (
          SELECT m.group_id FROM transactions t INDEXED BY dashboard_sales
            JOIN recon_members m ON m.transaction_id = t.id
           WHERE t.kind = 'sale' AND t.status IN ('completed', 'refunded')
           GROUP BY 1 HAVING min(t.business_date) BETWEEN ${from} AND ${to})
        SELECT p.currency, coalesce(sum(l.vat_minor), 0) AS vat, sum(l.line_gross_minor) AS gross
          FROM sold
          CROSS JOIN recon_members pm INDEXED BY recon_members_by_group
          CROSS JOIN transactions p
          CROSS JOIN transaction_lines l
         WHERE pm.group_id = sold.group_id AND pm.role = 'payment' AND p.id = pm.transaction_id
           AND l.transaction_id = p.id
         GROUP BY 1`,
  );
}

export function naiveFeeDays(db: Database, from: string, to: string) {
  return all(
    db,
    sql`SELECT t.business_date AS date, t.currency, -sum(a.amount_minor) AS amount
          FROM transactions t INDEXED BY search_by_kind JOIN search_amounts a ON a.id = t.id
         WHERE t.kind = 'fee' AND t.business_date BETWEEN ${from} AND ${to}
           AND a.is_view = 0 AND a.amount_minor < 0
         GROUP BY 1, 2`,
  );
}

/** The reconciliation summary's per-day rows and explained counts, from the groups themselves. */
export function naiveReconSummary(db: Database, from: string, to: string) {
  return {
    rows: all(
      db,
      sql`SELECT anchor_date AS date, CASE providers WHEN '' THEN 'none' ELSE providers END AS provider, state,
            currency, count(*) AS n, sum(sale_minor) AS amount
          FROM recon_groups WHERE anchor_date BETWEEN ${from} AND ${to} GROUP BY 1, 2, 3, 4`,
    ),
    explained: all(
      db,
      sql`SELECT sum(m.role = 'sale' AND upper(coalesce(t.network, '')) = 'CASH') AS cash,
                 sum(m.role = 'attempt' AND t.provider <> 'sentrypos') AS attempts,
                 sum(m.role = 'sale' AND t.status = 'pending' AND g.state = 'explained') AS pending
            FROM recon_groups g JOIN recon_members m ON m.group_id = g.id JOIN transactions t ON t.id = m.transaction_id
           WHERE g.anchor_date BETWEEN ${from} AND ${to} AND (m.role = 'attempt' OR m.role = 'sale')`,
    ),
  };
}
