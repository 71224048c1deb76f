import type { Database } from 'better-sqlite3';
import type { ProviderId } from '../../model/transaction.ts';
import { all, get, sql } from '../sql.ts';

/** A connection's non-secret part, as stored. `config` is still raw JSON: the connector parses it. */
export interface ConnectionRecord {
  id: string;
  provider: ProviderId;
  name: string;
  config: unknown;
  isDemo: boolean;
  createdAt: string;
  updatedAt: string;
}

interface Row {
  id: string;
  provider: string;
  name: string;
  config: string;
  is_demo: number;
  created_at: string;
  updated_at: string;
}

function toRecord(r: Row): ConnectionRecord {
  return {
    id: r.id,
    provider: r.provider as ProviderId,
    name: r.name,
    config: JSON.parse(r.config) as unknown,
    isDemo: r.is_demo === 1,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
  };
}

const COLUMNS = sql`id, provider, name, config, is_demo, created_at, updated_at`;

export function listConnections(db: Database): ConnectionRecord[] {
  return all<Row>(db, sql`SELECT ${COLUMNS} FROM connections ORDER BY name`).map(toRecord);
}

export function getConnection(db: Database, id: string): ConnectionRecord | null {
  const row = get<Row>(db, sql`SELECT ${COLUMNS} FROM connections WHERE id = ${id}`);
  return row ? toRecord(row) : null;
}

export function getConnectionByName(db: Database, name: string): ConnectionRecord | null {
  const row = get<Row>(db, sql`SELECT ${COLUMNS} FROM connections WHERE name = ${name}`);
  return row ? toRecord(row) : null;
}

/** Cached transactions per connection (transactions_by_connection makes each a range count). */
export function transactionCount(db: Database, connectionId: string): number {
  return (
    get<{ n: number }>(db, sql`SELECT count(*) AS n FROM transactions WHERE connection_id = ${connectionId}`)
      ?.n ?? 0
  );
}

/** The newest "Test connection" result of a connection (audit rows hold only ok and the error kind). */
export function lastConnectionTest(
  db: Database,
  connectionId: string,
): { at: string; ok: boolean; kind: string | null; message: string | null } | null {
  const row = get<{ at: string; details: string | null }>(
    db,
    sql`SELECT at, details FROM audit_log WHERE action = 'connection:test' AND subject = ${connectionId}
        ORDER BY id DESC LIMIT 1`,
  );
  if (!row?.details) return null;
  const d = JSON.parse(row.details) as { ok?: boolean; kind?: string | null; message?: string | null };
  return { at: row.at, ok: d.ok === true, kind: d.kind ?? null, message: d.message ?? null };
}
