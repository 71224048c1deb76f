import type { Database } from 'better-sqlite3';
import type { Connector, SyncWindow } from '../providers/connector.ts';
import { addDays } from '../providers/shared/days.ts';
import { isIsoDate } from '../model/time.ts';
import { setQuarantineDay } from '../store/mutations/quarantine.ts';
import type { StreamScope } from '../store/mutations/sync-state.ts';
import { openQuarantineDays, quarantineWithoutDay } from '../store/queries/quarantine.ts';

/**
 * The window a stream runs with so that its open quarantine is read again: `since` moves back to the
 * earliest quarantined day (streams already read from `since` to today, whatever their bookmark).
 * A record whose day is unknown falls back to the day it was first seen minus the lookback, the
 * earliest day the run that met it could have been reading. Dismissed records are not retried.
 */
export function retryWindow(db: Database, scope: StreamScope, window: SyncWindow): SyncWindow {
  let earliest: string | null = null;
  for (const r of openQuarantineDays(db, scope.connectionId, scope.stream)) {
    const day = r.day ?? addDays(r.first_seen_at, -window.lookbackDays);
    if (!isIsoDate(day)) continue;
    if (earliest === null || day < earliest) earliest = day;
  }
  if (earliest === null || earliest > window.today) return window;
  return reachBack(window, earliest);
}

/** The window, reading from `day` on if its own `since` starts later (or it has none). */
export function reachBack(window: SyncWindow, day: string): SyncWindow {
  return window.since !== null && window.since <= day ? window : { ...window, since: day };
}

/** Rows quarantined before migration 0009 get their day from the connector, once. */
export function fillQuarantineDays(
  db: Database,
  connector: Connector,
  connectionId: string,
  shopTimeZone: string,
): void {
  const rows = quarantineWithoutDay(db, connectionId);
  if (!rows.length || !connector.recordDay) return;
  db.transaction(() => {
    for (const r of rows) {
      let day: string | null;
      try {
        day = connector.recordDay?.(JSON.parse(r.raw_json) as unknown, r.stream, shopTimeZone) ?? null;
      } catch {
        day = null;
      }
      if (day && isIsoDate(day)) setQuarantineDay(db, r.id, day);
    }
  })();
}
