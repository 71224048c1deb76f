import type { Migration } from './migration.ts';
import { linesOf, rollupAdd } from './0003-search.ts';
import { flushSearchIndex } from '../mutations/search-index.ts';

/*
 * One search document per transaction instead of one per part (0003). With parts, a word found in two
 * lines of one sale was two hits, so every query de-duplicated them per transaction, and the totals of
 * a common product word spent most of their time on that (158k hits for 76k sales at 1M rows).
 *
 * A document holds the record's fields, every reference and every line name, so it can only be written
 * once its children are: the triggers below just queue the transaction id in search_pending, and
 * flushSearchIndex (called by the upsert at the end of every page, and by search before it reads)
 * writes the queued documents in ascending id order. Written that way a sync appends to FTS5's
 * pending-terms buffer instead of flushing it per child row, which is what made 0003 write parts.
 *
 * 0003's rollup triggers stay. The two that kept rollups and wrote parts too (a transaction inserted,
 * a transaction deleted) are re-created to keep the rollups and queue the id instead.
 */
const queue = (id: string) => `INSERT OR IGNORE INTO search_pending (id) VALUES (${id});`;

export const migration0004: Migration = {
  version: 4,
  name: 'search-documents',
  sql: `
    DROP TRIGGER search_tx_insert;
    DROP TRIGGER search_tx_text;
    DROP TRIGGER search_tx_delete;
    DROP TRIGGER search_ref_insert;
    DROP TRIGGER search_ref_delete;
    DROP TRIGGER search_ref_update;
    DROP TRIGGER search_line_insert;
    DROP TRIGGER search_line_delete;
    DROP TRIGGER search_line_update;
    DROP TABLE search_fts;

    -- rowid = transactions.id.
    CREATE VIRTUAL TABLE search_fts USING fts5 (
      text,
      content = '',
      contentless_delete = 1,
      tokenize = 'unicode61 remove_diacritics 2',
      prefix = '2 3'
    );
    -- Transactions whose document is missing or stale: inserted, changed or deleted since the last flush.
    CREATE TABLE search_pending (id INTEGER PRIMARY KEY) STRICT;

    -- Currency and amount by id, for the totals of a common text: one lookup per matching document.
    -- A rowid table of three columns; measured at 1M rows, 38k ids: 14.5 ms against 17.2 ms through
    -- 0003's covering index search_totals_by_id, which it replaces.
    CREATE TABLE search_amounts (
      id           INTEGER PRIMARY KEY,
      currency     TEXT NOT NULL,
      amount_minor INTEGER NOT NULL
    ) STRICT;
    INSERT INTO search_amounts (id, currency, amount_minor) SELECT id, currency, amount_minor FROM transactions;
    DROP INDEX search_totals_by_id;

    CREATE TRIGGER search_tx_insert AFTER INSERT ON transactions BEGIN
      ${queue('NEW.id')}
      INSERT INTO search_amounts (id, currency, amount_minor) VALUES (NEW.id, NEW.currency, NEW.amount_minor);
      ${rollupAdd('NEW', '+', linesOf('NEW.id'))}
    END;
    CREATE TRIGGER search_tx_amount AFTER UPDATE OF currency, amount_minor ON transactions BEGIN
      UPDATE search_amounts SET currency = NEW.currency, amount_minor = NEW.amount_minor WHERE id = NEW.id;
    END;
    CREATE TRIGGER search_tx_text AFTER UPDATE OF customer_name, customer_email, customer_phone, external_id,
        description ON transactions BEGIN
      ${queue('NEW.id')}
    END;
    CREATE TRIGGER search_tx_delete AFTER DELETE ON transactions BEGIN
      ${queue('OLD.id')}
      DELETE FROM search_amounts WHERE id = OLD.id;
      ${rollupAdd('OLD', '-', linesOf('OLD.id'))}
    END;
    CREATE TRIGGER search_ref_insert AFTER INSERT ON transaction_refs BEGIN ${queue('NEW.transaction_id')} END;
    CREATE TRIGGER search_ref_delete AFTER DELETE ON transaction_refs BEGIN ${queue('OLD.transaction_id')} END;
    CREATE TRIGGER search_ref_update AFTER UPDATE ON transaction_refs BEGIN
      ${queue('OLD.transaction_id')}
      ${queue('NEW.transaction_id')}
    END;
    CREATE TRIGGER search_line_insert AFTER INSERT ON transaction_lines BEGIN ${queue('NEW.transaction_id')} END;
    CREATE TRIGGER search_line_delete AFTER DELETE ON transaction_lines BEGIN ${queue('OLD.transaction_id')} END;
    CREATE TRIGGER search_line_update AFTER UPDATE OF transaction_id, name ON transaction_lines BEGIN
      ${queue('OLD.transaction_id')}
      ${queue('NEW.transaction_id')}
    END;

    INSERT INTO search_pending (id) SELECT id FROM transactions;
  `,
  // The documents are derived data: whatever is cached is indexed with the current definition.
  up: (db) => {
    flushSearchIndex(db);
  },
};
