import type { Database } from 'better-sqlite3';
import { appendAudit } from './audit.ts';
import { run, sql } from '../sql.ts';

/**
 * A dismissal: the manager has looked at the records and lets them go. They stop counting as missing
 * and are no longer read again; the rows stay (with the reason) and the audit log says who and why.
 * A record the provider later delivers valid is still stored and released as usual.
 */
export function dismissQuarantined(
  db: Database,
  rows: readonly { id: number; provider: string; connection_id: string; external_id: string | null }[],
  reason: string,
  actor: string,
  now: string,
): number {
  return db.transaction(() => {
    let n = 0;
    for (const r of rows) {
      n += run(
        db,
        sql`UPDATE quarantine SET dismissed_at = ${now}, dismissed_reason = ${reason}
             WHERE id = ${r.id} AND dismissed_at IS NULL`,
      ).changes;
    }
    appendAudit(db, {
      actor,
      action: 'quarantine:dismiss',
      subject: [...new Set(rows.map((r) => r.connection_id))].join(','),
      details: {
        reason,
        records: rows.map((r) => ({ id: r.id, provider: r.provider, externalId: r.external_id })),
      },
    });
    return n;
  })();
}

export function setQuarantineDay(db: Database, id: number, day: string): void {
  run(db, sql`UPDATE quarantine SET day = ${day} WHERE id = ${id} AND day IS NULL`);
}
