import type { Migration } from './migration.ts';
import { linesOf, rollupAdd } from './0003-search.ts';

/*
 * Search totals count each money movement once. recon_views (0005, rewritten by every reconcile run)
 * lists the records that are a second view of money another record already counts: a Vipps Report
 * funds capture or refund whose Sales API twin exists, a fees-ledger fees-retained whose funds-ledger
 * twin exists. Totals leave them out, without a per-row anti-join against recon_views:
 *
 *  - search_views holds, for each record in recon_views, the rollup row it was added to the view
 *    rollups with (its day and dimensions, its amount). Subtractions read this copy, never the
 *    transaction, so they stay exact whatever order a delete's triggers and cascades run in.
 *  - search_view_day_totals / search_view_month_totals roll those records up exactly like 0003's
 *    search_day_totals / search_month_totals, so the totals of a filter on rollup dimensions are
 *    rollup − view rollup: two range reads instead of one.
 *  - search_amounts (0004: currency and amount by id, for the totals of a common text) gains the
 *    record's kind and an is_view flag, so a text's totals stay one lookup per matching document; an
 *    index on its amount answers amount-range totals, kind and flag included, without the rows.
 *
 * recon_views is written with INSERT OR REPLACE. REPLACE deletes the old row without firing delete
 * triggers unless recursive_triggers is on; the triggers below are right either way: an id already in
 * search_views is not inserted again, and a delete only removes the copy when no recon_views row for
 * that id is left. No trigger here relies on OR IGNORE: a trigger's conflict clause gives way to the
 * outer statement's, so under that INSERT OR REPLACE it would replace the copy and add it twice.
 */
export const DIMS = 'connection_id, provider, kind, status, currency, method, network, has_lines';

/** Adds (sign '+') or removes (sign '-') search_views row `v` to its day and month view rollups. */
const viewRollupAdd = (v: string, sign: string) =>
  (
    [
      ['search_view_day_totals', 'business_date', `${v}.business_date`],
      ['search_view_month_totals', 'month', `substr(${v}.business_date, 1, 7)`],
    ] as const
  )
    .map(
      ([table, key, value]) => `
    INSERT INTO ${table} (${key}, ${DIMS}, n, amount_minor)
      VALUES (${value}, ${v}.connection_id, ${v}.provider, ${v}.kind, ${v}.status, ${v}.currency, ${v}.method,
        ${v}.network, ${v}.has_lines, ${sign}1, ${sign}${v}.amount_minor)
      ON CONFLICT DO UPDATE SET n = n + excluded.n, amount_minor = amount_minor + excluded.amount_minor;`,
    )
    .join('');

const rollupTable = (name: string, key: string) => `
    CREATE TABLE ${name} (
      ${key} TEXT NOT NULL,
      connection_id TEXT NOT NULL,
      provider      TEXT NOT NULL,
      kind          TEXT NOT NULL,
      status        TEXT NOT NULL,
      currency      TEXT NOT NULL,
      method        TEXT NOT NULL,
      network       TEXT NOT NULL,
      has_lines     INTEGER NOT NULL CHECK (has_lines IN (0, 1)),
      n             INTEGER NOT NULL,
      amount_minor  INTEGER NOT NULL,
      PRIMARY KEY (${key}, connection_id, kind, status, currency, method, network, has_lines)
    ) STRICT, WITHOUT ROWID;`;

/** The search_views row of transaction `t`, as the rollups see it. */
export const viewOf = (t: string) =>
  `${t}.id, ${t}.business_date, ${t}.connection_id, ${t}.provider, ${t}.kind, ${t}.status, ${t}.currency,
   coalesce(${t}.method, ''), coalesce(${t}.network, ''), ${linesOf(`${t}.id`)}, ${t}.amount_minor`;

export const migration0006: Migration = {
  version: 6,
  name: 'search-views',
  sql: `
    CREATE TABLE search_views (
      id            INTEGER PRIMARY KEY,
      business_date TEXT NOT NULL,
      connection_id TEXT NOT NULL,
      provider      TEXT NOT NULL,
      kind          TEXT NOT NULL,
      status        TEXT NOT NULL,
      currency      TEXT NOT NULL,
      method        TEXT NOT NULL,
      network       TEXT NOT NULL,
      has_lines     INTEGER NOT NULL CHECK (has_lines IN (0, 1)),
      amount_minor  INTEGER NOT NULL
    ) STRICT;
    ${rollupTable('search_view_day_totals', 'business_date')}
    ${rollupTable('search_view_month_totals', 'month')}

    -- search_amounts again, with kind and is_view. Its three triggers are re-created for the new
    -- columns; what else they did (queue the document, keep the rollups) is as 0004 wrote it.
    DROP TRIGGER search_tx_insert;
    DROP TRIGGER search_tx_amount;
    DROP TRIGGER search_tx_delete;
    DROP TABLE search_amounts;
    CREATE TABLE search_amounts (
      id           INTEGER PRIMARY KEY,
      currency     TEXT NOT NULL,
      kind         TEXT NOT NULL,
      amount_minor INTEGER NOT NULL,
      is_view      INTEGER NOT NULL DEFAULT 0 CHECK (is_view IN (0, 1))
    ) STRICT;
    INSERT INTO search_amounts (id, currency, kind, amount_minor)
      SELECT id, currency, kind, amount_minor FROM transactions ORDER BY id;
    -- Amount-range totals: currency, kind and the flag beside the amount, so the rows are never read.
    CREATE INDEX search_amounts_by_amount ON search_amounts (amount_minor, currency, kind, is_view);

    CREATE TRIGGER search_tx_insert AFTER INSERT ON transactions BEGIN
      INSERT OR IGNORE INTO search_pending (id) VALUES (NEW.id);
      INSERT INTO search_amounts (id, currency, kind, amount_minor)
        VALUES (NEW.id, NEW.currency, NEW.kind, NEW.amount_minor);
      ${rollupAdd('NEW', '+', linesOf('NEW.id'))}
    END;
    CREATE TRIGGER search_tx_amount AFTER UPDATE OF currency, kind, amount_minor ON transactions BEGIN
      UPDATE search_amounts SET currency = NEW.currency, kind = NEW.kind, amount_minor = NEW.amount_minor
        WHERE id = NEW.id;
    END;
    CREATE TRIGGER search_tx_delete AFTER DELETE ON transactions BEGIN
      INSERT OR IGNORE INTO search_pending (id) VALUES (OLD.id);
      DELETE FROM search_amounts WHERE id = OLD.id;
      DELETE FROM search_views WHERE id = OLD.id;
      ${rollupAdd('OLD', '-', linesOf('OLD.id'))}
    END;

    CREATE TRIGGER search_views_insert AFTER INSERT ON search_views BEGIN
      ${viewRollupAdd('NEW', '+')}
      UPDATE search_amounts SET is_view = 1 WHERE id = NEW.id;
    END;
    CREATE TRIGGER search_views_delete AFTER DELETE ON search_views BEGIN
      ${viewRollupAdd('OLD', '-')}
      UPDATE search_amounts SET is_view = 0 WHERE id = OLD.id;
    END;
    CREATE TRIGGER search_views_update AFTER UPDATE ON search_views BEGIN
      ${viewRollupAdd('OLD', '-')}
      ${viewRollupAdd('NEW', '+')}
    END;

    CREATE TRIGGER search_recon_view_insert AFTER INSERT ON recon_views BEGIN
      INSERT INTO search_views (id, business_date, ${DIMS}, amount_minor)
        SELECT ${viewOf('t')} FROM transactions t WHERE t.id = NEW.transaction_id
          AND NOT EXISTS (SELECT 1 FROM search_views WHERE id = NEW.transaction_id);
    END;
    CREATE TRIGGER search_recon_view_delete AFTER DELETE ON recon_views BEGIN
      DELETE FROM search_views WHERE id = OLD.transaction_id
        AND NOT EXISTS (SELECT 1 FROM recon_views WHERE transaction_id = OLD.transaction_id);
    END;

    -- A viewed record that changes moves its view rollup row with it (a probe of search_views by id;
    -- nothing happens for a record that is no view).
    CREATE TRIGGER search_views_tx_update AFTER UPDATE OF business_date, connection_id, provider, kind,
        status, currency, method, network, amount_minor ON transactions BEGIN
      UPDATE search_views SET business_date = NEW.business_date, connection_id = NEW.connection_id,
          provider = NEW.provider, kind = NEW.kind, status = NEW.status, currency = NEW.currency,
          method = coalesce(NEW.method, ''), network = coalesce(NEW.network, ''), amount_minor = NEW.amount_minor
        WHERE id = NEW.id;
    END;
    CREATE TRIGGER search_views_line_insert AFTER INSERT ON transaction_lines BEGIN
      UPDATE search_views SET has_lines = 1 WHERE id = NEW.transaction_id AND has_lines = 0;
    END;
    CREATE TRIGGER search_views_line_delete AFTER DELETE ON transaction_lines BEGIN
      UPDATE search_views SET has_lines = 0 WHERE id = OLD.transaction_id AND has_lines = 1
        AND NOT EXISTS (SELECT 1 FROM transaction_lines WHERE transaction_id = OLD.transaction_id);
    END;

    -- Whatever an earlier reconcile run left.
    INSERT INTO search_views (id, business_date, ${DIMS}, amount_minor)
      SELECT ${viewOf('t')} FROM recon_views v JOIN transactions t ON t.id = v.transaction_id ORDER BY t.id;
  `,
};
