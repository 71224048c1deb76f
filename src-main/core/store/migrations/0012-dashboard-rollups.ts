import { refreshReconRollups } from '../mutations/recon-rollups.ts';
import type { Migration } from './migration.ts';

/*
 * Rollups for every Dashboard figure, so a 13-month period reads a few thousand rollup rows instead of
 * every record (measured on a 1M-row cache: the day rollups 0.4-0.5 s, the quarter hours 0.4 s, sales
 * by payment provider 0.3 s per 100k sales).
 *
 * Kept by triggers, like 0003's and 0006's, so every writer of transactions leaves them right:
 *  - dash_day_totals: sales, payouts and fees per business day, status, currency and network, less
 *    their second views (search_views): one money movement, one count. `negative` splits a fee that
 *    took money from one that did not (only the former is a fee paid). The search rollups carry four
 *    more dimensions (connection, provider, method, lines), which made a year of them 30x the rows.
 *  - dash_sale_quarters: POS tenders per UTC quarter hour, for the hour-of-day figure (the shop's hour
 *    is worked out in code; SQLite knows no time zones).
 *
 * Rebuilt by each reconcile run for the days it rebuilt (store/mutations/recon-rollups.ts): the
 * figures that go through reconciliation (sales by payment provider, failed and retried, itemised VAT,
 * the reconciliation summary).
 */
const FIGURE_KINDS = `('sale', 'payout', 'fee')`;
const negative = (t: string) => `(${t}.kind = 'fee' AND ${t}.amount_minor < 0)`;

/**
 * Adds (sign '+') or removes (sign '-') record or view `t` to its row of a figures rollup keyed by
 * `key` = `value(t)` (dash_day_totals here, dash_month_totals in 0015).
 */
export const figureAdd =
  (table: string, key: string, value: (t: string) => string) =>
  (t: string, sign: string, network: string) => `
    INSERT INTO ${table} (${key}, kind, status, currency, network, negative, n, amount_minor)
      SELECT ${value(t)}, ${t}.kind, ${t}.status, ${t}.currency, ${network}, ${negative(t)},
             ${sign}1, ${sign}${t}.amount_minor
       WHERE ${t}.kind IN ${FIGURE_KINDS}
      ON CONFLICT DO UPDATE SET n = n + excluded.n, amount_minor = amount_minor + excluded.amount_minor;`;
type Add = (t: string, sign: string, network: string) => string;
/** A record adds itself; a search_views row takes its record back out, with the dimensions it was added with. */
export const recordAdd = (add: Add) => (t: string, sign: string) =>
  add(t, sign, `coalesce(${t}.network, '')`);
// A search_views row keeps the record's dimensions as its rollups saw them (network '' for none).
export const viewAdd = (add: Add) => (v: string, sign: string) =>
  add(v, sign === '+' ? '-' : '+', `${v}.network`);
const dayAdd = figureAdd('dash_day_totals', 'business_date', (t) => `${t}.business_date`);
const txDay = recordAdd(dayAdd);
const viewDay = viewAdd(dayAdd);

/** A figures rollup keyed by `key` (a day here, a month in 0015). */
export const figuresTable = (name: string, key: string) => `CREATE TABLE ${name} (
      ${key.padEnd(13)} TEXT NOT NULL,
      kind          TEXT NOT NULL,
      status        TEXT NOT NULL,
      currency      TEXT NOT NULL,
      network       TEXT NOT NULL,
      negative      INTEGER NOT NULL CHECK (negative IN (0, 1)),
      n             INTEGER NOT NULL,
      amount_minor  INTEGER NOT NULL,
      PRIMARY KEY (${key}, kind, status, currency, network, negative)
    ) STRICT, WITHOUT ROWID;`;

const quarterAdd = (t: string, sign: string) => `
    INSERT INTO dash_sale_quarters (business_date, utc_hour, quarter, status, currency, n, amount_minor)
      SELECT ${t}.business_date, substr(${t}.occurred_at, 1, 13), CAST(substr(${t}.occurred_at, 15, 2) AS INTEGER) / 15,
             ${t}.status, ${t}.currency, ${sign}1, ${sign}${t}.amount_minor
       WHERE ${t}.kind = 'sale'
      ON CONFLICT DO UPDATE SET n = n + excluded.n, amount_minor = amount_minor + excluded.amount_minor;`;

const SQL = `
    ${figuresTable('dash_day_totals', 'business_date')}
    CREATE TABLE dash_sale_quarters (
      business_date TEXT NOT NULL,
      utc_hour      TEXT NOT NULL,
      quarter       INTEGER NOT NULL,
      status        TEXT NOT NULL,
      currency      TEXT NOT NULL,
      n             INTEGER NOT NULL,
      amount_minor  INTEGER NOT NULL,
      PRIMARY KEY (business_date, utc_hour, quarter, status, currency)
    ) STRICT, WITHOUT ROWID;

    CREATE TABLE dash_tender_days (
      business_date TEXT NOT NULL,
      currency      TEXT NOT NULL,
      providers     TEXT NOT NULL,
      class         TEXT NOT NULL CHECK (class IN ('sold', 'failed', 'other')),
      tenders       INTEGER NOT NULL,
      sales         INTEGER NOT NULL,
      amount_minor  INTEGER NOT NULL,
      retried       INTEGER NOT NULL,
      PRIMARY KEY (business_date, currency, providers, class)
    ) STRICT, WITHOUT ROWID;
    CREATE TABLE dash_vat_days (
      business_date TEXT NOT NULL,
      currency      TEXT NOT NULL,
      vat_minor     INTEGER NOT NULL,
      gross_minor   INTEGER NOT NULL,
      PRIMARY KEY (business_date, currency)
    ) STRICT, WITHOUT ROWID;
    CREATE TABLE dash_group_days (
      anchor_date TEXT NOT NULL,
      provider    TEXT NOT NULL,
      state       TEXT NOT NULL,
      currency    TEXT NOT NULL,
      n           INTEGER NOT NULL,
      sale_minor  INTEGER NOT NULL,
      PRIMARY KEY (anchor_date, provider, state, currency)
    ) STRICT, WITHOUT ROWID;
    CREATE TABLE dash_explained_days (
      anchor_date TEXT PRIMARY KEY,
      cash        INTEGER NOT NULL,
      attempts    INTEGER NOT NULL,
      pending     INTEGER NOT NULL
    ) STRICT, WITHOUT ROWID;

    CREATE TRIGGER dash_tx_insert AFTER INSERT ON transactions BEGIN
      ${txDay('NEW', '+')}
      ${quarterAdd('NEW', '+')}
    END;
    CREATE TRIGGER dash_tx_update AFTER UPDATE OF business_date, occurred_at, kind, status, currency,
        network, amount_minor ON transactions BEGIN
      ${txDay('OLD', '-')}
      ${txDay('NEW', '+')}
      ${quarterAdd('OLD', '-')}
      ${quarterAdd('NEW', '+')}
    END;
    CREATE TRIGGER dash_tx_delete AFTER DELETE ON transactions BEGIN
      ${txDay('OLD', '-')}
      ${quarterAdd('OLD', '-')}
    END;
    CREATE TRIGGER dash_view_insert AFTER INSERT ON search_views BEGIN
      ${viewDay('NEW', '+')}
    END;
    CREATE TRIGGER dash_view_update AFTER UPDATE ON search_views BEGIN
      ${viewDay('OLD', '-')}
      ${viewDay('NEW', '+')}
    END;
    CREATE TRIGGER dash_view_delete AFTER DELETE ON search_views BEGIN
      ${viewDay('OLD', '-')}
    END;

    -- Whatever the cache holds already.
    INSERT INTO dash_day_totals (business_date, kind, status, currency, network, negative, n, amount_minor)
      SELECT business_date, kind, status, currency, network, neg, sum(n), sum(amount) FROM (
        SELECT t.business_date, t.kind, t.status, t.currency, coalesce(t.network, '') AS network,
               ${negative('t')} AS neg, 1 AS n, t.amount_minor AS amount
          FROM transactions t WHERE t.kind IN ${FIGURE_KINDS}
        UNION ALL
        SELECT v.business_date, v.kind, v.status, v.currency, v.network, ${negative('v')}, -1, -v.amount_minor
          FROM search_views v WHERE v.kind IN ${FIGURE_KINDS})
      GROUP BY 1, 2, 3, 4, 5, 6;
    INSERT INTO dash_sale_quarters (business_date, utc_hour, quarter, status, currency, n, amount_minor)
      SELECT business_date, substr(occurred_at, 1, 13), CAST(substr(occurred_at, 15, 2) AS INTEGER) / 15,
             status, currency, count(*), sum(amount_minor)
        FROM transactions INDEXED BY dashboard_sales WHERE kind = 'sale' GROUP BY 1, 2, 3, 4, 5;
`;

export const migration0012: Migration = {
  version: 12,
  name: 'dashboard-rollups',
  sql: SQL,
  // Whatever an earlier reconcile run left.
  up: (db) => refreshReconRollups(db, null),
};
