import type { Database } from 'better-sqlite3';
import { get, sql } from '../sql.ts';

/** The details of the newest audit entry for an action, or null (rare lookups: a scan is fine). */
export function lastAuditDetails(db: Database, action: string): unknown {
  const row = get<{ details: string | null }>(
    db,
    sql`SELECT details FROM audit_log WHERE action = ${action} ORDER BY id DESC LIMIT 1`,
  );
  return row?.details ? (JSON.parse(row.details) as unknown) : null;
}
