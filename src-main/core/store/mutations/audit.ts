import type { Database } from 'better-sqlite3';
import { run, sql } from '../sql.ts';

export interface AuditEntry {
  actor: string;
  action: string;
  subject: string | null;
  /** Must never hold a secret: callers pass only non-secret fields. */
  details: unknown;
}

export function appendAudit(db: Database, entry: AuditEntry): void {
  run(
    db,
    sql`INSERT INTO audit_log (at, actor, action, subject, details)
        VALUES (${new Date().toISOString()}, ${entry.actor}, ${entry.action}, ${entry.subject},
                ${entry.details === undefined ? null : JSON.stringify(entry.details)})`,
  );
}
