import type { Migration } from './migration.ts';

/**
 * What the shop manager needs to review the quarantine: the business day each record belongs to (so a
 * retry, and every incremental sync, knows which days to read again), and a dismissal with its reason
 * (a record the manager has looked at and let go stops counting as missing and is not retried).
 */
export const migration0009: Migration = {
  version: 9,
  name: 'quarantine-review',
  sql: `
    -- The record's own date, read from its raw JSON by the connector when it was quarantined. NULL
    -- when the raw record carries no readable date (or was quarantined before this column existed):
    -- the engine then falls back to the day the record was first seen, minus the lookback.
    ALTER TABLE quarantine ADD COLUMN day TEXT
      CHECK (day IS NULL OR day GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]');
    -- Set together by a dismissal; a record delivered valid later is still released as usual.
    ALTER TABLE quarantine ADD COLUMN dismissed_at TEXT;
    ALTER TABLE quarantine ADD COLUMN dismissed_reason TEXT;
    -- Listing a connection's open quarantine, and finding the days an incremental sync re-reads.
    CREATE INDEX quarantine_by_connection ON quarantine (connection_id, dismissed_at, stream, day);
  `,
};
