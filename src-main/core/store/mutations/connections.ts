import { randomUUID } from 'node:crypto';
import type { Database } from 'better-sqlite3';
import type { ProviderId } from '../../model/transaction.ts';
import { type ConnectionRecord, getConnection } from '../queries/connections.ts';
import { run, sql } from '../sql.ts';
import { appendAudit } from './audit.ts';

/**
 * The non-secret half of a connection. Secrets never come through here: they live in the OS keychain
 * keyed by the connection id, so `config` must hold only what may be shown and logged.
 */
export interface NewConnection {
  provider: ProviderId;
  name: string;
  config: unknown;
  isDemo?: boolean;
  /** Chosen by the caller when the keychain entry (keyed by id) must be written before the row. */
  id?: string;
}

export function addConnection(db: Database, input: NewConnection, actor: string): ConnectionRecord {
  const id = input.id ?? randomUUID();
  const now = new Date().toISOString();
  db.transaction(() => {
    run(
      db,
      sql`INSERT INTO connections (id, provider, name, config, is_demo, created_at, updated_at)
          VALUES (${id}, ${input.provider}, ${input.name}, ${JSON.stringify(input.config)},
                  ${input.isDemo ? 1 : 0}, ${now}, ${now})`,
    );
    appendAudit(db, {
      actor,
      action: 'connection:add',
      subject: id,
      details: { provider: input.provider, name: input.name },
    });
  })();
  return getConnection(db, id) as ConnectionRecord;
}

export function updateConnection(
  db: Database,
  id: string,
  patch: { name?: string; config?: unknown },
  actor: string,
): ConnectionRecord | null {
  db.transaction(() => {
    const now = new Date().toISOString();
    if (patch.name !== undefined)
      run(db, sql`UPDATE connections SET name = ${patch.name}, updated_at = ${now} WHERE id = ${id}`);
    if (patch.config !== undefined) {
      run(
        db,
        sql`UPDATE connections SET config = ${JSON.stringify(patch.config)}, updated_at = ${now} WHERE id = ${id}`,
      );
    }
    appendAudit(db, {
      actor,
      action: 'connection:update',
      subject: id,
      details: { fields: Object.keys(patch) },
    });
  })();
  return getConnection(db, id);
}

/**
 * Deletes the connection and, by ON DELETE CASCADE, every record, bookmark, run and quarantined record
 * synced through it. The change log is keyed by connection but not a foreign key (its rows outlive
 * the transaction they describe), so it is cleared here explicitly.
 */
export function removeConnection(db: Database, id: string, actor: string): boolean {
  let removed = false;
  db.transaction(() => {
    run(db, sql`DELETE FROM change_log WHERE connection_id = ${id}`);
    removed = run(db, sql`DELETE FROM connections WHERE id = ${id}`).changes > 0;
    if (removed) appendAudit(db, { actor, action: 'connection:remove', subject: id, details: null });
  })();
  return removed;
}
