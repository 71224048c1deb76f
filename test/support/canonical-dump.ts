import type { Database } from 'better-sqlite3';

/** Columns that say when or in which order this cache stored a record, not what the provider said. */
const LOCAL_COLUMNS = new Set(['id', 'connection_id', 'synced_at', 'updated_at']);

export interface CanonicalRow {
  key: string;
  columns: Record<string, unknown>;
  refs: string[];
  lines: unknown[];
}

/**
 * Everything the cache holds about its synced records, independent of how it got there: every
 * transaction column except the surrogate id and the sync timestamps (the connection is named by its
 * provider and name, since each home makes its own connection ids), with its references and order
 * lines, sorted by (provider, connection, external id). Two caches synced from the same world must
 * dump equal, however many faults, kills and resumes one of them went through.
 */
export function canonicalDump(db: Database): CanonicalRow[] {
  const columns = (db.prepare('PRAGMA table_info(transactions)').all() as { name: string }[])
    .map((c) => c.name)
    .filter((c) => !LOCAL_COLUMNS.has(c));
  const rows = db
    .prepare(
      `SELECT t.id AS _id, c.name AS _connection, ${columns.map((c) => `t.${c}`).join(', ')}
         FROM transactions t JOIN connections c ON c.id = t.connection_id
        ORDER BY t.provider, c.name, t.external_id`,
    )
    .all() as Record<string, unknown>[];
  const refs = db.prepare(
    'SELECT kind, value FROM transaction_refs WHERE transaction_id = ? ORDER BY kind, value',
  );
  const lines = db.prepare('SELECT * FROM transaction_lines WHERE transaction_id = ? ORDER BY line_no');
  return rows.map(({ _id, _connection, ...cols }) => ({
    key: `${String(cols.provider)}/${String(_connection)}/${String(cols.external_id)}`,
    columns: cols,
    refs: (refs.all(_id) as { kind: string; value: string }[]).map((r) => `${r.kind}=${r.value}`),
    lines: (lines.all(_id) as Record<string, unknown>[]).map(({ transaction_id: _t, ...l }) => l),
  }));
}

/** Keys (provider, connection, external id) stored more than once: must always be empty. */
export function duplicateKeys(db: Database): unknown[] {
  return db
    .prepare(
      `SELECT provider, connection_id, external_id, count(*) AS n FROM transactions
        GROUP BY provider, connection_id, external_id HAVING n > 1`,
    )
    .all();
}
