import { figureAdd, figuresTable, recordAdd, viewAdd } from './0012-dashboard-rollups.ts';
import type { Migration } from './migration.ts';

/*
 * The Dashboard's figures of a long period from months. On the 1M-row cache two 13-month periods read
 * 22k day rows of dash_day_totals (70/138 ms p50/p95): most of them only to be summed again.
 *  - dash_month_totals: dash_day_totals by business month, for the whole months of a period (its
 *    edge days still come from the day rows).
 *  - dash_day_gross: per day and currency, the sold POS tenders (completed or refunded) less second
 *    views: all the daily revenue chart reads.
 * Kept by the same triggers as 0012's day rollup: every writer of transactions, and of second views.
 */
const monthAdd = figureAdd('dash_month_totals', 'month', (t) => `substr(${t}.business_date, 1, 7)`);
const gross = (t: string, sign: string) => `
    INSERT INTO dash_day_gross (business_date, currency, n, amount_minor)
      SELECT ${t}.business_date, ${t}.currency, ${sign}1, ${sign}${t}.amount_minor
       WHERE ${t}.kind = 'sale' AND ${t}.status IN ('completed', 'refunded')
      ON CONFLICT DO UPDATE SET n = n + excluded.n, amount_minor = amount_minor + excluded.amount_minor;`;
const record = (t: string, sign: string) => recordAdd(monthAdd)(t, sign) + gross(t, sign);
const view = (v: string, sign: string) => viewAdd(monthAdd)(v, sign) + gross(v, sign === '+' ? '-' : '+');

export const migration0015: Migration = {
  version: 15,
  name: 'dashboard-months',
  sql: `
    ${figuresTable('dash_month_totals', 'month')}
    CREATE TABLE dash_day_gross (
      business_date TEXT NOT NULL,
      currency      TEXT NOT NULL,
      n             INTEGER NOT NULL,
      amount_minor  INTEGER NOT NULL,
      PRIMARY KEY (business_date, currency)
    ) STRICT, WITHOUT ROWID;

    CREATE TRIGGER dash_months_tx_insert AFTER INSERT ON transactions BEGIN ${record('NEW', '+')} END;
    CREATE TRIGGER dash_months_tx_update AFTER UPDATE OF business_date, kind, status, currency, network,
        amount_minor ON transactions BEGIN ${record('OLD', '-')} ${record('NEW', '+')} END;
    CREATE TRIGGER dash_months_tx_delete AFTER DELETE ON transactions BEGIN ${record('OLD', '-')} END;
    CREATE TRIGGER dash_months_view_insert AFTER INSERT ON search_views BEGIN ${view('NEW', '+')} END;
    CREATE TRIGGER dash_months_view_update AFTER UPDATE ON search_views BEGIN
      ${view('OLD', '-')} ${view('NEW', '+')}
    END;
    CREATE TRIGGER dash_months_view_delete AFTER DELETE ON search_views BEGIN ${view('OLD', '-')} END;

    INSERT INTO dash_month_totals (month, kind, status, currency, network, negative, n, amount_minor)
      SELECT substr(business_date, 1, 7), kind, status, currency, network, negative, sum(n), sum(amount_minor)
        FROM dash_day_totals GROUP BY 1, 2, 3, 4, 5, 6;
    INSERT INTO dash_day_gross (business_date, currency, n, amount_minor)
      SELECT business_date, currency, sum(n), sum(amount_minor) FROM dash_day_totals
       WHERE kind = 'sale' AND status IN ('completed', 'refunded') GROUP BY 1, 2;
  `,
};
