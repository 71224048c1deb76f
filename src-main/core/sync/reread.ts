import type { Database } from 'better-sqlite3';
import type { SyncWindow } from '../providers/connector.ts';
import { get, run, sql } from '../store/sql.ts';
import type { StreamScope } from '../store/mutations/sync-state.ts';
import { reachBack } from './quarantine-retry.ts';

/*
 * Reading a stream's history again after the shop's zone or currency changed (migration 0030): the
 * records are normalised again by the same connector code as any sync, so the new business days and
 * currency reach the cache through the upsert (the changed records only), with the reconcile run that
 * follows a sync.
 */

/**
 * Notes every stream that has synced to read again from its connection's first day (a day earlier,
 * for records the new zone puts on the day before). Returns how many. Called in the settings write's
 * transaction, so the change and its note commit together.
 */
export function scheduleReread(db: Database, shop: { timeZone: string; currency: string }): number {
  return run(
    db,
    sql`INSERT INTO sync_reread (connection_id, stream, since, time_zone, currency)
        SELECT s.connection_id, s.stream, date(f.day, '-1 day'), ${shop.timeZone}, ${shop.currency}
          FROM sync_state s
          -- Each connection's oldest record, walking the records in date order until its first (the
          -- unary + keeps the planner off the connection index, which would read and sort them all).
          JOIN (SELECT c.id, (SELECT t.business_date FROM transactions t WHERE +t.connection_id = c.id
                               ORDER BY t.business_date LIMIT 1) AS day
                  FROM connections c) f ON f.id = s.connection_id
         WHERE f.day IS NOT NULL
        ON CONFLICT (connection_id, stream) DO UPDATE
          SET since = min(since, excluded.since), time_zone = excluded.time_zone, currency = excluded.currency`,
  ).changes;
}

/** The stream's window, reaching back to where a pending re-read starts (its bookmark is not enough). */
export function rereadWindow(db: Database, scope: StreamScope, window: SyncWindow): SyncWindow {
  const note = get<{ since: string }>(
    db,
    sql`SELECT since FROM sync_reread WHERE connection_id = ${scope.connectionId} AND stream = ${scope.stream}`,
  );
  return note ? reachBack(window, note.since) : window;
}

/**
 * Forgets the stream's re-read once it has read to the end with the settings the note names: after a
 * change made while the run was going, the run read with the old ones and the note stays.
 */
export function forgetReread(
  db: Database,
  scope: StreamScope,
  shop: { shopTimeZone: string; shopCurrency: string },
): void {
  run(
    db,
    sql`DELETE FROM sync_reread WHERE connection_id = ${scope.connectionId} AND stream = ${scope.stream}
          AND time_zone = ${shop.shopTimeZone} AND currency = ${shop.shopCurrency}`,
  );
}
