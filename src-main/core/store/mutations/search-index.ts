import type { Database } from 'better-sqlite3';
import { part0 } from '../migrations/0003-search.ts';
import { get, rawSql, run, sql } from '../sql.ts';

/*
 * Writes the search documents of the transactions queued in search_pending (see migration 0004).
 * A document is the record's own fields (indexed as 0003 defined them: a phone also as bare digits),
 * then every reference and every line name.
 */
const DOCUMENT = rawSql(`concat_ws(' ', ${part0('t')},
  (SELECT group_concat(value, ' ') FROM transaction_refs WHERE transaction_id = t.id),
  (SELECT group_concat(name, ' ') FROM transaction_lines WHERE transaction_id = t.id))`);

function flush(db: Database): void {
  // Every queued id, new ones too: deleting a rowid that was never indexed is a no-op.
  run(db, sql`DELETE FROM search_fts WHERE rowid IN (SELECT id FROM search_pending)`);
  // Ascending ids, so FTS5 appends to its pending terms instead of flushing them per document.
  run(
    db,
    sql`INSERT INTO search_fts (rowid, text)
      SELECT t.id, ${DOCUMENT} FROM search_pending p JOIN transactions t ON t.id = p.id ORDER BY p.id`,
  );
  run(db, sql`DELETE FROM search_pending`);
}

/**
 * Brings the search index up to date. Inside the caller's transaction when one is open (the sync's
 * page transaction: the documents commit with their records), else in its own.
 */
export function flushSearchIndex(db: Database): void {
  if (!get<{ queued: number }>(db, sql`SELECT EXISTS (SELECT 1 FROM search_pending) AS queued`)?.queued)
    return;
  if (db.inTransaction) flush(db);
  else db.transaction(flush)(db);
}
