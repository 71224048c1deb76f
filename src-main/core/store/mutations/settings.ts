import type { Database } from 'better-sqlite3';
import type { Settings } from '../../model/settings.ts';
import { run, sql } from '../sql.ts';
import { appendAudit } from './audit.ts';

/** Writes the given fields and their audit entry in one transaction. */
export function writeSettings(db: Database, patch: Partial<Settings>, actor: string): void {
  db.transaction(() => {
    for (const [key, value] of Object.entries(patch)) {
      if (value === undefined) continue;
      run(
        db,
        sql`INSERT INTO settings (key, value) VALUES (${key}, ${JSON.stringify(value)})
            ON CONFLICT (key) DO UPDATE SET value = excluded.value`,
      );
    }
    appendAudit(db, { actor, action: 'settings:set', subject: null, details: patch });
  })();
}
