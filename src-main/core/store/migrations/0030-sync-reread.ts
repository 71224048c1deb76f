import type { Migration } from './migration.ts';

/*
 * Streams that must read their history again. A record's business day is its instant in the shop's
 * zone, and SentryPOS sales and TGI payments take the shop's currency (their APIs send none), both when they are synced:
 * after the shop's zone or currency changes in Settings, the records already cached keep the old ones
 * until they are synced again. A change notes each synced stream here with the cache's first day; the
 * next sync reads that stream from there (whatever its bookmark), which rewrites every record whose
 * day or currency changed (and the reconcile run after it matches those days again), and forgets the
 * note once the stream has read it all with the settings it names.
 */
export const migration0030: Migration = {
  version: 30,
  name: 'sync-reread',
  sql: `
    CREATE TABLE sync_reread (
      connection_id TEXT NOT NULL REFERENCES connections (id) ON DELETE CASCADE,
      stream        TEXT NOT NULL,
      since         TEXT NOT NULL,
      -- The settings to read it with: a run that read with others (a change made meanwhile) leaves it noted.
      time_zone     TEXT NOT NULL,
      currency      TEXT NOT NULL,
      PRIMARY KEY (connection_id, stream)
    ) STRICT, WITHOUT ROWID;
  `,
};
