import type { Database } from 'better-sqlite3';
import { all, sql } from '../sql.ts';

/** One quarantined record as stored (migrations 0002 and 0009). */
export interface QuarantineRow {
  id: number;
  provider: string;
  connection_id: string;
  connection_name: string;
  stream: string;
  external_id: string | null;
  raw_json: string;
  error: string;
  day: string | null;
  first_seen_at: string;
  last_seen_at: string;
  dismissed_at: string | null;
  dismissed_reason: string | null;
}

export interface QuarantineFilter {
  connectionId?: string | null;
  ids?: readonly number[] | null;
  /** Dismissed records are left out unless asked for. */
  includeDismissed?: boolean;
  limit?: number;
}

export function listQuarantine(db: Database, f: QuarantineFilter = {}): QuarantineRow[] {
  const connection = f.connectionId ?? null;
  const ids = f.ids?.length ? JSON.stringify(f.ids) : null;
  const dismissed = f.includeDismissed ? 1 : 0;
  return all<QuarantineRow>(
    db,
    sql`SELECT q.id, q.provider, q.connection_id, c.name AS connection_name, q.stream, q.external_id, q.raw_json,
               q.error, q.day, q.first_seen_at, q.last_seen_at, q.dismissed_at, q.dismissed_reason
          FROM quarantine q JOIN connections c ON c.id = q.connection_id
         WHERE (${connection} IS NULL OR q.connection_id = ${connection})
           AND (${ids} IS NULL OR q.id IN (SELECT value FROM json_each(${ids})))
           AND (${dismissed} = 1 OR q.dismissed_at IS NULL)
         ORDER BY c.name, q.day, q.id
         LIMIT ${f.limit ?? 1000}`,
  );
}

/** Open (not dismissed) quarantine of one stream: what an incremental sync reads again. */
export function openQuarantineDays(
  db: Database,
  connectionId: string,
  stream: string,
): { day: string | null; first_seen_at: string }[] {
  return all(
    db,
    sql`SELECT DISTINCT day, substr(first_seen_at, 1, 10) AS first_seen_at FROM quarantine
         WHERE connection_id = ${connectionId} AND dismissed_at IS NULL AND stream = ${stream}`,
  );
}

/** Rows quarantined before their day was recorded; the engine fills them from the raw record. */
export function quarantineWithoutDay(
  db: Database,
  connectionId: string,
): { id: number; stream: string; raw_json: string }[] {
  return all(
    db,
    sql`SELECT id, stream, raw_json FROM quarantine WHERE connection_id = ${connectionId} AND day IS NULL`,
  );
}
