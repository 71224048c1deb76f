import type { Database } from 'better-sqlite3';
import { lastConnectionTest } from '../store/queries/connections.ts';
import { latestFinishedRun } from '../store/queries/sync-state.ts';
import type { ConnectionState } from './connection-schemas.ts';

export interface ConnectionHealth {
  state: ConnectionState;
  detail: string | null;
  lastSyncAt: string | null;
  lastTestAt: string | null;
  /** Whether the last "Test connection" got in (null: never tested), shown beside when it ran. */
  lastTestOk: boolean | null;
}

/**
 * Sync runs keep only their message; every auth failure's message names the credentials, the key or
 * the 401/403 (see provider-http and the secret sources), which is what this recognizes.
 */
const AUTH_FAILURE = /\b40[13]\b|credentials|API key|keychain|rejected the/i;

/**
 * The newest word on a connection, from its last "Test connection" or its last finished sync,
 * whichever is later. A cancelled sync says nothing about the connection and is passed over.
 */
export function connectionHealth(db: Database, connectionId: string): ConnectionHealth {
  const test = lastConnectionTest(db, connectionId);
  const run = latestFinishedRun(db, connectionId);
  const lastSyncAt = run?.finished_at ?? null;
  const base = { lastSyncAt, lastTestAt: test?.at ?? null, lastTestOk: test?.ok ?? null };
  const finished = run && run.status !== 'cancelled' ? run.finished_at : null;
  if (run && finished && (!test || finished >= test.at)) {
    if (run.status === 'ok' || run.status === 'partial') return { ...base, state: 'connected', detail: null };
    const detail = run.error ?? 'The last sync failed.';
    return { ...base, state: AUTH_FAILURE.test(detail) ? 'auth_failed' : 'failing', detail };
  }
  if (test) {
    if (test.ok) return { ...base, state: 'connected', detail: null };
    return { ...base, state: test.kind === 'auth' ? 'auth_failed' : 'failing', detail: test.message };
  }
  return { ...base, state: 'untested', detail: null };
}
