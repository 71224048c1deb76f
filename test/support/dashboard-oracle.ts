import type { Database } from 'better-sqlite3';
import { notCounted } from './direct-totals.ts';

/*
 * What each Dashboard rollup (migration 0012) must hold, worked out from the base tables with plain
 * GROUP BYs, written apart from the rollups' own SQL: the records, the reconciliation groups and
 * members, and the rules of what is not counted (notCounted: second views and Vipps fee charges).
 */
const SOLD = `('completed', 'refunded')`;

const EXPECTED: Record<string, { key: number; sql: string; table: string }> = {
  dash_day_totals: {
    key: 6,
    table: `SELECT business_date, kind, status, currency, network, negative, n, amount_minor FROM dash_day_totals
             WHERE n <> 0 OR amount_minor <> 0`,
    sql: `SELECT business_date, kind, status, currency, coalesce(network, ''), kind = 'fee' AND amount_minor < 0,
                 count(*), sum(amount_minor)
            FROM transactions t WHERE kind IN ('sale', 'payout', 'fee') AND NOT ${notCounted('t')}
           GROUP BY 1, 2, 3, 4, 5, 6`,
  },
  dash_month_totals: {
    key: 6,
    table: `SELECT month, kind, status, currency, network, negative, n, amount_minor FROM dash_month_totals
             WHERE n <> 0 OR amount_minor <> 0`,
    sql: `SELECT substr(business_date, 1, 7), kind, status, currency, coalesce(network, ''),
                 kind = 'fee' AND amount_minor < 0, count(*), sum(amount_minor)
            FROM transactions t WHERE kind IN ('sale', 'payout', 'fee') AND NOT ${notCounted('t')}
           GROUP BY 1, 2, 3, 4, 5, 6`,
  },
  dash_day_gross: {
    key: 2,
    table: `SELECT business_date, currency, n, amount_minor FROM dash_day_gross WHERE n <> 0 OR amount_minor <> 0`,
    sql: `SELECT business_date, currency, count(*), sum(amount_minor) FROM transactions t
           WHERE kind = 'sale' AND status IN ${SOLD} AND NOT ${notCounted('t')} GROUP BY 1, 2`,
  },
  // The search rollups of second views (0006) and each record's is_view flag: what search totals
  // subtract. A reconcile run keeps them set-based (store/mutations/recon-views.ts), others by triggers.
  ...Object.fromEntries(
    (
      [
        ['search_view_day_totals', 'business_date', 'business_date'],
        ['search_view_month_totals', 'month', 'substr(business_date, 1, 7)'],
      ] as const
    ).map(([table, key, value]) => [
      table,
      {
        key: 9,
        table: `SELECT ${key}, connection_id, provider, kind, status, currency, method, network, has_lines, n,
                       amount_minor FROM ${table} WHERE n <> 0 OR amount_minor <> 0`,
        sql: `SELECT ${value}, connection_id, provider, kind, status, currency, coalesce(method, ''),
                     coalesce(network, ''), EXISTS (SELECT 1 FROM transaction_lines l WHERE l.transaction_id = t.id),
                     count(*), sum(amount_minor)
                FROM transactions t WHERE ${notCounted('t')} GROUP BY 1, 2, 3, 4, 5, 6, 7, 8, 9`,
      },
    ]),
  ),
  search_amounts_views: {
    key: 1,
    table: `SELECT id, is_view FROM search_amounts WHERE is_view = 1`,
    sql: `SELECT id, 1 FROM transactions t WHERE ${notCounted('t')}`,
  },
  dash_sale_quarters: {
    key: 5,
    table: `SELECT business_date, utc_hour, quarter, status, currency, n, amount_minor FROM dash_sale_quarters
             WHERE n <> 0 OR amount_minor <> 0`,
    sql: `SELECT business_date, strftime('%Y-%m-%dT%H', occurred_at), CAST(strftime('%M', occurred_at) AS INTEGER) / 15,
                 status, currency, count(*), sum(amount_minor)
            FROM transactions WHERE kind = 'sale' GROUP BY 1, 2, 3, 4, 5`,
  },
  dash_sale_quarter_months: {
    key: 4,
    table: `SELECT month, quarter, status, currency, n, amount_minor FROM dash_sale_quarter_months
             WHERE n <> 0 OR amount_minor <> 0`,
    sql: `SELECT substr(business_date, 1, 7),
                 (CAST(strftime('%H', occurred_at) AS INTEGER) * 60 + CAST(strftime('%M', occurred_at) AS INTEGER)) / 15,
                 status, currency, count(*), sum(amount_minor)
            FROM transactions WHERE kind = 'sale' GROUP BY 1, 2, 3, 4`,
  },
  dash_tender_days: {
    key: 4,
    table: `SELECT business_date, currency, providers, class, tenders, sales, amount_minor, retried FROM dash_tender_days`,
    sql: `WITH paid AS (SELECT DISTINCT o.group_id FROM recon_members o JOIN transactions s ON s.id = o.transaction_id
                         WHERE o.role = 'sale' AND s.status IN ${SOLD})
          SELECT t.business_date, t.currency, g.providers,
                 iif(t.status IN ${SOLD}, 'sold', iif(t.status = 'failed', 'failed', 'other')),
                 count(*), count(DISTINCT g.id), sum(t.amount_minor),
                 sum(t.status = 'failed' AND g.id IN (SELECT group_id FROM paid))
            FROM transactions t JOIN recon_members m ON m.transaction_id = t.id JOIN recon_groups g ON g.id = m.group_id
           WHERE t.kind = 'sale' GROUP BY 1, 2, 3, 4`,
  },
  dash_vat_days: {
    key: 2,
    table: `SELECT business_date, currency, vat_minor, gross_minor FROM dash_vat_days`,
    sql: `WITH first AS (SELECT m.group_id, min(t.business_date) AS day FROM transactions t
                          JOIN recon_members m ON m.transaction_id = t.id
                         WHERE t.kind = 'sale' AND t.status IN ${SOLD} GROUP BY 1)
          SELECT first.day, p.currency, coalesce(sum(l.vat_minor), 0), sum(l.line_gross_minor)
            FROM first JOIN recon_members pm ON pm.group_id = first.group_id AND pm.role = 'payment'
            JOIN transactions p ON p.id = pm.transaction_id JOIN transaction_lines l ON l.transaction_id = p.id
           GROUP BY 1, 2`,
  },
  dash_group_days: {
    key: 4,
    table: `SELECT anchor_date, provider, state, currency, n, sale_minor FROM dash_group_days`,
    sql: `SELECT anchor_date, iif(providers = '', 'none', providers), state, currency, count(*), sum(sale_minor)
            FROM recon_groups GROUP BY 1, 2, 3, 4`,
  },
  dash_explained_days: {
    key: 1,
    table: `SELECT anchor_date, cash, attempts, pending FROM dash_explained_days`,
    sql: `SELECT g.anchor_date,
                 count(*) FILTER (WHERE m.role = 'sale' AND upper(coalesce(t.network, '')) = 'CASH'),
                 count(*) FILTER (WHERE m.role = 'attempt' AND t.provider <> 'sentrypos'),
                 count(*) FILTER (WHERE m.role = 'sale' AND t.status = 'pending' AND g.state = 'explained')
            FROM recon_groups g JOIN recon_members m ON m.group_id = g.id AND m.role IN ('sale', 'attempt')
            JOIN transactions t ON t.id = m.transaction_id GROUP BY 1`,
  },
};

/**
 * Every row where a rollup and the base tables disagree, as `table: rollup row ≠ expected row`
 * (empty when all agree). `tables` narrows it, e.g. to the trigger-kept ones before a reconcile run.
 */
export function rollupMismatches(db: Database, tables = Object.keys(EXPECTED)): string[] {
  const out: string[] = [];
  for (const name of tables) {
    const e = EXPECTED[name]!;
    const rows = (q: string) =>
      new Map(
        (db.prepare(q).raw().all() as unknown[][]).map((r) => [
          JSON.stringify(r.slice(0, e.key)),
          JSON.stringify(r.slice(e.key)),
        ]),
      );
    const have = rows(e.table);
    const want = rows(e.sql);
    for (const k of new Set([...have.keys(), ...want.keys()]))
      if (have.get(k) !== want.get(k))
        out.push(`${name} ${k}: rollup ${have.get(k) ?? 'none'} ≠ expected ${want.get(k) ?? 'none'}`);
  }
  return out;
}

/** The rollups kept by triggers on the records, right after every write, not only after a run. */
export const TRIGGER_KEPT = [
  'search_view_day_totals',
  'search_view_month_totals',
  'search_amounts_views',
  'dash_day_totals',
  'dash_month_totals',
  'dash_day_gross',
  'dash_sale_quarters',
  'dash_sale_quarter_months',
];
