import type { Migration } from './migration.ts';

/*
 * Search over the cache, kept in step by triggers so that no writer (the sync engine, the demo, a
 * test) has to know about it.
 *
 * search_fts is one contentless FTS5 index holding several small documents per transaction. Its rowid
 * is transaction id * 1024 + part: part 0 = the record's own fields, 1..511 = one per reference,
 * 512..1023 = one per line (512 + line_no). A query intersects the transaction ids (rowid >> 10) of
 * every word, so a word may match any part. Why not one document per transaction, rebuilt whenever a
 * reference or line is written: FTS5 flushes its pending-terms buffer whenever a rowid is written that
 * is not above the previous one, so rebuilding the same document once per child row turned a sync
 * into thousands of tiny segment writes (measured: 3x slower inserts than these append-only parts).
 *
 * search_day_totals and search_month_totals roll up count and amount per business day and month and
 * filterable dimension, so the totals of a filter on those dimensions cost a range of rollup rows
 * instead of a scan of the transactions.
 */
const digits = (x: string) =>
  `replace(replace(replace(replace(replace(replace(${x}, ' ', ''), '-', ''), '+', ''), '(', ''), ')', ''), '.', '')`;
/** Part 0: the record's own fields. A phone is also indexed as bare digits, with and without the
 * international prefix, so `4791234567`, `91234567` and `912 34` all find `+47 912 34 567`. */
export const part0 = (
  t: string,
) => `concat_ws(' ', ${t}.customer_name, ${t}.customer_email, ${t}.customer_phone,
      ${digits(`${t}.customer_phone`)},
      CASE WHEN ${t}.customer_phone LIKE '+%' AND instr(${t}.customer_phone, ' ') > 0
        THEN ${digits(`substr(${t}.customer_phone, instr(${t}.customer_phone, ' ') + 1)`)} END,
      ${t}.external_id, ${t}.description)`;

/** Rewrites a transaction's reference parts as 1..n in (kind, value) order, after one was removed. */
const rewriteRefs = (id: string) => `
    DELETE FROM search_fts WHERE rowid IN (
      WITH RECURSIVE slot(k) AS (SELECT 1 UNION ALL SELECT k + 1 FROM slot WHERE k < 511)
      SELECT ${id} * 1024 + k FROM slot
       WHERE k <= (SELECT count(*) FROM transaction_refs WHERE transaction_id = ${id}) + 1);
    INSERT INTO search_fts (rowid, text)
      SELECT ${id} * 1024 + row_number() OVER (ORDER BY kind, value), value
        FROM transaction_refs WHERE transaction_id = ${id} LIMIT 511;`;

const rollupDims = 'connection_id, provider, kind, status, currency, method, network, has_lines';
const rollupValues = (t: string, hasLines: string) =>
  `${t}.connection_id, ${t}.provider, ${t}.kind, ${t}.status, ${t}.currency,
   coalesce(${t}.method, ''), coalesce(${t}.network, ''), ${hasLines}`;
/** Exported for 0004, which re-creates the triggers that also keep the rollups. */
export const linesOf = (id: string) =>
  `EXISTS (SELECT 1 FROM transaction_lines WHERE transaction_id = ${id})`;
/** Adds (sign '+') or removes (sign '-') one transaction `t` to its day and month rollup rows. */
export const rollupAdd = (t: string, sign: string, hasLines: string, source = 'WHERE true') =>
  (
    [
      ['search_day_totals', 'business_date', `${t}.business_date`],
      ['search_month_totals', 'month', `substr(${t}.business_date, 1, 7)`],
    ] as const
  )
    .map(
      ([table, key, value]) => `
    INSERT INTO ${table} (${key}, ${rollupDims}, n, amount_minor)
      SELECT ${value}, ${rollupValues(t, hasLines)}, ${sign}1, ${sign}${t}.amount_minor ${source}
      ON CONFLICT DO UPDATE SET n = n + excluded.n, amount_minor = amount_minor + excluded.amount_minor;`,
    )
    .join('');
/** A transaction's first line arrived (from 0 to 1) or its last one left (from 1 to 0). */
const rollupMoveLines = (id: string, from: number) => `
    ${rollupAdd('t', '-', String(from), `FROM transactions t WHERE t.id = ${id}`)}
    ${rollupAdd('t', '+', String(1 - from), `FROM transactions t WHERE t.id = ${id}`)}`;

export const migration0003: Migration = {
  version: 3,
  name: 'search',
  sql: `
    CREATE VIRTUAL TABLE search_fts USING fts5 (
      text,
      content = '',
      contentless_delete = 1,
      tokenize = 'unicode61 remove_diacritics 2',
      prefix = '2 3'
    );

    CREATE TRIGGER search_tx_insert AFTER INSERT ON transactions BEGIN
      INSERT INTO search_fts (rowid, text) VALUES (NEW.id * 1024, ${part0('NEW')});
      ${rollupAdd('NEW', '+', linesOf('NEW.id'))}
    END;
    CREATE TRIGGER search_tx_text AFTER UPDATE OF customer_name, customer_email, customer_phone, external_id,
        description ON transactions BEGIN
      DELETE FROM search_fts WHERE rowid = OLD.id * 1024;
      INSERT INTO search_fts (rowid, text) VALUES (NEW.id * 1024, ${part0('NEW')});
    END;
    CREATE TRIGGER search_tx_totals AFTER UPDATE OF business_date, connection_id, provider, kind, status,
        currency, method, network, amount_minor ON transactions BEGIN
      ${rollupAdd('OLD', '-', linesOf('OLD.id'))}
      ${rollupAdd('NEW', '+', linesOf('NEW.id'))}
    END;
    CREATE TRIGGER search_tx_delete AFTER DELETE ON transactions BEGIN
      DELETE FROM search_fts WHERE rowid = OLD.id * 1024;
      ${rollupAdd('OLD', '-', linesOf('OLD.id'))}
    END;

    -- Appends only: the new reference takes the next free part, so a sync never rewrites a document.
    CREATE TRIGGER search_ref_insert AFTER INSERT ON transaction_refs BEGIN
      INSERT INTO search_fts (rowid, text)
        SELECT NEW.transaction_id * 1024 + count(*), NEW.value
          FROM transaction_refs WHERE transaction_id = NEW.transaction_id HAVING count(*) <= 511;
    END;
    CREATE TRIGGER search_ref_delete AFTER DELETE ON transaction_refs BEGIN
      ${rewriteRefs('OLD.transaction_id')}
    END;
    CREATE TRIGGER search_ref_update AFTER UPDATE ON transaction_refs BEGIN
      ${rewriteRefs('OLD.transaction_id')}
    END;

    CREATE TRIGGER search_line_insert AFTER INSERT ON transaction_lines
      WHEN NEW.line_no BETWEEN 0 AND 511 BEGIN
      INSERT INTO search_fts (rowid, text) VALUES (NEW.transaction_id * 1024 + 512 + NEW.line_no, NEW.name);
    END;
    CREATE TRIGGER search_line_first AFTER INSERT ON transaction_lines
      WHEN (SELECT count(*) FROM transaction_lines WHERE transaction_id = NEW.transaction_id) = 1 BEGIN
      ${rollupMoveLines('NEW.transaction_id', 0)}
    END;
    CREATE TRIGGER search_line_last AFTER DELETE ON transaction_lines
      WHEN NOT EXISTS (SELECT 1 FROM transaction_lines WHERE transaction_id = OLD.transaction_id) BEGIN
      ${rollupMoveLines('OLD.transaction_id', 1)}
    END;
    CREATE TRIGGER search_line_delete AFTER DELETE ON transaction_lines
      WHEN OLD.line_no BETWEEN 0 AND 511 BEGIN
      DELETE FROM search_fts WHERE rowid = OLD.transaction_id * 1024 + 512 + OLD.line_no;
    END;
    CREATE TRIGGER search_line_update AFTER UPDATE OF transaction_id, line_no, name ON transaction_lines BEGIN
      DELETE FROM search_fts WHERE rowid = OLD.transaction_id * 1024 + 512 + OLD.line_no
        AND OLD.line_no BETWEEN 0 AND 511;
      INSERT INTO search_fts (rowid, text) SELECT NEW.transaction_id * 1024 + 512 + NEW.line_no, NEW.name
        WHERE NEW.line_no BETWEEN 0 AND 511;
    END;

    CREATE TABLE search_day_totals (
      business_date TEXT NOT NULL,
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
      PRIMARY KEY (business_date, connection_id, kind, status, currency, method, network, has_lines)
    ) STRICT, WITHOUT ROWID;
    -- The same by month: a year of totals is a few thousand rows instead of a hundred thousand.
    CREATE TABLE search_month_totals (
      month         TEXT NOT NULL,
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
      PRIMARY KEY (month, connection_id, kind, status, currency, method, network, has_lines)
    ) STRICT, WITHOUT ROWID;

    -- One index per hot shape. Time order is (business_date, occurred_at, id): within a day by clock
    -- time, id as the tie-break that makes the keyset cursor total.
    CREATE INDEX search_by_time ON transactions (business_date, occurred_at, id);
    -- Amount order, carrying currency so amount-range totals never touch the table.
    CREATE INDEX search_by_amount ON transactions (amount_minor, id, currency);
    -- Rare values (a disputed status, a payout, a foreign currency) are read through their own index
    -- and sorted, instead of walking the whole time index to fill a page.
    CREATE INDEX search_by_status ON transactions (status, business_date, occurred_at, id);
    CREATE INDEX search_by_kind ON transactions (kind, business_date, occurred_at, id);
    CREATE INDEX search_by_currency ON transactions (currency, business_date, occurred_at, id);
    -- Totals of a common word: its transactions (tens of thousands) are looked up by id, and a narrow
    -- entry beside the id is read instead of a whole row (a row is ~1 KB with its raw JSON; measured at
    -- 1M rows, 76k ids: 121 ms through the table, 43 ms through this index).
    CREATE INDEX search_totals_by_id ON transactions (id, currency, amount_minor);
    -- The same with the dimensions most often combined with a word. Its cost is the leaf pages the ids
    -- land on, so it carries few columns (19k ids, 1M rows: 34 ms through the table, 26 ms with
    -- connection_id too); a word with a connection, kind, method or network reads the rows.
    CREATE INDEX search_totals_by_id_dims ON transactions
      (id, currency, amount_minor, business_date, provider, status);

    -- Backfill whatever an earlier version cached.
    INSERT INTO search_fts (rowid, text) SELECT t.id * 1024, ${part0('t')} FROM transactions t;
    INSERT INTO search_fts (rowid, text)
      SELECT id * 1024 + k, value FROM (
        SELECT transaction_id AS id, value, row_number() OVER (PARTITION BY transaction_id ORDER BY kind, value) AS k
          FROM transaction_refs)
       WHERE k <= 511;
    INSERT INTO search_fts (rowid, text)
      SELECT transaction_id * 1024 + 512 + line_no, name FROM transaction_lines WHERE line_no BETWEEN 0 AND 511;
    INSERT INTO search_day_totals (business_date, ${rollupDims}, n, amount_minor)
      SELECT t.business_date, ${rollupValues('t', linesOf('t.id'))}, count(*), sum(t.amount_minor)
        FROM transactions t GROUP BY 1, 2, 3, 4, 5, 6, 7, 8, 9;
    INSERT INTO search_month_totals (month, ${rollupDims}, n, amount_minor)
      SELECT substr(business_date, 1, 7), ${rollupDims}, sum(n), sum(amount_minor) FROM search_day_totals
       GROUP BY 1, 2, 3, 4, 5, 6, 7, 8, 9;
  `,
};
