import type { Database } from 'better-sqlite3';
import { all, get, sql } from '../sql.ts';

export function loadBookmark(db: Database, connectionId: string, stream: string): string | null {
  const row = get<{ bookmark: string | null }>(
    db,
    sql`SELECT bookmark FROM sync_state WHERE connection_id = ${connectionId} AND stream = ${stream}`,
  );
  return row?.bookmark ?? null;
}

export interface RunRow {
  id: number;
  connection_id: string;
  started_at: string;
  finished_at: string | null;
  status: 'running' | 'ok' | 'partial' | 'failed' | 'cancelled';
  pages: number;
  records: number;
  inserted: number;
  updated: number;
  unchanged: number;
  quarantined: number;
  error: string | null;
}

/** The newest finished run of a connection (sync_runs_by_connection walks it newest first). */
export function latestFinishedRun(db: Database, connectionId: string): RunRow | null {
  return (
    get<RunRow>(
      db,
      sql`SELECT * FROM sync_runs WHERE connection_id = ${connectionId} AND status != 'running'
           ORDER BY id DESC LIMIT 1`,
    ) ?? null
  );
}

export function lastSuccessfulRun(db: Database, connectionId: string): RunRow | null {
  return (
    get<RunRow>(
      db,
      sql`SELECT * FROM sync_runs WHERE connection_id = ${connectionId} AND status IN ('ok', 'partial')
           ORDER BY id DESC LIMIT 1`,
    ) ?? null
  );
}

/** Records still missing from the cache; dismissed ones were let go by the manager and do not count. */
export function quarantinedCount(db: Database, connectionId: string): number {
  return (
    get<{ n: number }>(
      db,
      sql`SELECT count(*) AS n FROM quarantine WHERE connection_id = ${connectionId} AND dismissed_at IS NULL`,
    )?.n ?? 0
  );
}

export interface QuarantinedRow {
  stream: string;
  external_id: string | null;
  error: string;
  first_seen_at: string;
  last_seen_at: string;
}

export function listQuarantined(db: Database, connectionId: string, limit = 100): QuarantinedRow[] {
  return all<QuarantinedRow>(
    db,
    sql`SELECT stream, external_id, error, first_seen_at, last_seen_at FROM quarantine
         WHERE connection_id = ${connectionId} ORDER BY last_seen_at DESC LIMIT ${limit}`,
  );
}

export interface CompletenessRow {
  stream: string;
  date: string;
  state: 'complete' | 'open' | 'partial';
  detail: string | null;
  checked_at: string;
}

export function listCompleteness(db: Database, connectionId: string): CompletenessRow[] {
  return all<CompletenessRow>(
    db,
    sql`SELECT stream, date, state, detail, checked_at FROM day_completeness
         WHERE connection_id = ${connectionId} ORDER BY date DESC, stream`,
  );
}

/**
 * The business date of a connection's oldest record: where its synced data begins (null: none yet).
 * Read from the search's per-day totals (days × a few keys, walked in date order until the first hit),
 * not from the transactions, which a status call would scan whole on a big cache.
 */
export function firstRecordDay(db: Database, connectionId: string): string | null {
  return (
    get<{ day: string }>(
      db,
      sql`SELECT business_date AS day FROM search_day_totals
           WHERE connection_id = ${connectionId} AND n > 0
           ORDER BY business_date LIMIT 1`,
    )?.day ?? null
  );
}

/** Id-less quarantined records of a stream with the neighbours they were found between. */
export function anchoredQuarantine(
  db: Database,
  connectionId: string,
  stream: string,
): { recordKey: string; anchors: string[] }[] {
  return all<{ record_key: string; anchors: string }>(
    db,
    sql`SELECT record_key, anchors FROM quarantine
         WHERE connection_id = ${connectionId} AND stream = ${stream} AND external_id IS NULL AND anchors IS NOT NULL`,
  ).map((r) => ({ recordKey: r.record_key, anchors: JSON.parse(r.anchors) as string[] }));
}
