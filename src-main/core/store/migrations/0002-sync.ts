import type { Migration } from './migration.ts';

/**
 * What the sync engine needs beyond the first schema: records it could not read (quarantine), whether
 * each provider-day is known to be complete, one row per sync run, and a fingerprint per transaction
 * so an unchanged re-delivery costs one indexed read and no write.
 */
export const migration0002: Migration = {
  version: 2,
  name: 'sync',
  sql: `
    -- Provider records that failed validation or normalization. Kept (raw, as sent) so nothing the
    -- provider said is lost, counted in every report, and removed once a later sync delivers the same
    -- record valid. record_key is the external id when the record had one, else a hash of its raw JSON,
    -- so a record seen again updates its row instead of piling up. A record without an id cannot be
    -- matched to its later valid form, so it keeps the ids of its valid neighbours in the page
    -- (anchors): a later run that re-reads those neighbours without meeting the bad record again
    -- releases it.
    CREATE TABLE quarantine (
      id            INTEGER PRIMARY KEY,
      provider      TEXT NOT NULL,
      connection_id TEXT NOT NULL REFERENCES connections (id) ON DELETE CASCADE,
      stream        TEXT NOT NULL,
      record_key    TEXT NOT NULL,
      external_id   TEXT,
      raw_json      TEXT NOT NULL,
      error         TEXT NOT NULL,
      anchors       TEXT CHECK (anchors IS NULL OR json_valid(anchors)),
      first_seen_at TEXT NOT NULL,
      last_seen_at  TEXT NOT NULL
    ) STRICT;
    CREATE UNIQUE INDEX quarantine_by_record ON quarantine (connection_id, stream, record_key);

    -- Per connection, stream and business day: does the provider consider the day closed, and does the
    -- cache hold all of it? Rewritten whenever a sync looks at that day again.
    CREATE TABLE day_completeness (
      connection_id TEXT NOT NULL REFERENCES connections (id) ON DELETE CASCADE,
      stream        TEXT NOT NULL,
      date          TEXT NOT NULL CHECK (date GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]'),
      state         TEXT NOT NULL CHECK (state IN ('complete', 'open', 'partial')),
      detail        TEXT,
      checked_at    TEXT NOT NULL,
      PRIMARY KEY (connection_id, stream, date)
    ) STRICT, WITHOUT ROWID;

    -- One row per connection per sync. Counters are updated in each page's transaction, so after a
    -- crash the row still says how far the run got; a run left 'running' is marked interrupted later.
    CREATE TABLE sync_runs (
      id            INTEGER PRIMARY KEY,
      connection_id TEXT NOT NULL REFERENCES connections (id) ON DELETE CASCADE,
      started_at    TEXT NOT NULL,
      finished_at   TEXT,
      status        TEXT NOT NULL CHECK (status IN ('running', 'ok', 'partial', 'failed', 'cancelled')),
      pages         INTEGER NOT NULL DEFAULT 0,
      records       INTEGER NOT NULL DEFAULT 0,
      inserted      INTEGER NOT NULL DEFAULT 0,
      updated       INTEGER NOT NULL DEFAULT 0,
      unchanged     INTEGER NOT NULL DEFAULT 0,
      quarantined   INTEGER NOT NULL DEFAULT 0,
      error         TEXT
    ) STRICT;
    -- sync:status asks for the latest run of each connection.
    CREATE INDEX sync_runs_by_connection ON sync_runs (connection_id, id DESC);

    -- Hash of everything the upsert compares (canonical fields, references, lines, raw JSON).
    ALTER TABLE transactions ADD COLUMN fingerprint TEXT;

    -- Removing a connection deletes its transactions by cascade; without this index each delete
    -- would scan the whole table once per child table row.
    CREATE INDEX transactions_by_connection ON transactions (connection_id);
  `,
};
