import type { Migration } from './migration.ts';

/*
 * Period close. 0008 made a bare closed_periods table that nothing ever wrote to; it is replaced by
 * one that holds what was booked:
 *  - closed_periods: the period, who closed it and when, the workbook written at close (export_log),
 *    and the booked figures as JSON (the Daily rows, the payouts, and the post-close adjustments this
 *    period booked for earlier ones): small, whatever the period's row count, and all a later export
 *    needs to tell what changed since. A reopening is kept (who, when, why), never deleted.
 *  - closed_period_rows: every row of every sheet as written at close, deflated in chunks, so a
 *    re-export of the period gives the same values whatever a later sync or decision changed;
 *    `sha256` in closed_periods is over these rows, and a re-export checks it.
 */
export const migration0010: Migration = {
  version: 10,
  name: 'period-close',
  sql: `
    DROP TABLE closed_periods;
    CREATE TABLE closed_periods (
      id            INTEGER PRIMARY KEY,
      period_from   TEXT NOT NULL,
      period_to     TEXT NOT NULL,
      closed_at     TEXT NOT NULL,
      closed_by     TEXT NOT NULL,
      export_id     INTEGER REFERENCES export_log (id),
      rows          INTEGER NOT NULL,
      sha256        TEXT NOT NULL,
      figures       TEXT NOT NULL CHECK (json_valid(figures)),
      reopened_at   TEXT,
      reopened_by   TEXT,
      reopen_reason TEXT,
      CHECK (period_from <= period_to),
      CHECK ((reopened_at IS NULL) = (reopen_reason IS NULL))
    ) STRICT;
    -- Is a date closed? (decisions, exports): periods in force, by their end.
    CREATE INDEX closed_periods_in_force ON closed_periods (period_to, period_from) WHERE reopened_at IS NULL;

    CREATE TABLE closed_period_rows (
      period_id INTEGER NOT NULL REFERENCES closed_periods (id) ON DELETE CASCADE,
      sheet     TEXT NOT NULL,
      chunk     INTEGER NOT NULL,
      rows      INTEGER NOT NULL,
      body      BLOB NOT NULL,
      PRIMARY KEY (period_id, sheet, chunk)
    ) STRICT;
  `,
};
