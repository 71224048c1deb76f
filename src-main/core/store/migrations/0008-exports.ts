import type { Migration } from './migration.ts';

/*
 * Accountant exports.
 *  - An index to find a record's second views (recon_views) from the record they view: the Payments
 *    sheet dates each payment's payout through its Report funds twin.
 *  - export_log: every export written, with its period, options and a SHA-256 of its content, so a
 *    re-export of a closed period can be shown to equal what the accountant booked.
 *  - closed_periods: dates whose books are closed. Decisions for them are frozen; a later upstream
 *    change to one of them is reported in the next export as a post-close adjustment.
 */
export const migration0008: Migration = {
  version: 8,
  name: 'exports',
  sql: `
    CREATE INDEX recon_views_by_primary ON recon_views (primary_id);

    CREATE TABLE export_log (
      id           INTEGER PRIMARY KEY,
      at           TEXT NOT NULL,
      actor        TEXT NOT NULL,
      period_from  TEXT NOT NULL,
      period_to    TEXT NOT NULL,
      format       TEXT NOT NULL CHECK (format IN ('xlsx', 'csv')),
      options      TEXT NOT NULL CHECK (json_valid(options)),
      file_name    TEXT NOT NULL,
      bytes        INTEGER NOT NULL,
      rows         INTEGER NOT NULL,
      sha256       TEXT NOT NULL
    ) STRICT;
    CREATE INDEX export_log_by_at ON export_log (at, id);

    CREATE TABLE closed_periods (
      id          INTEGER PRIMARY KEY,
      period_from TEXT NOT NULL,
      period_to   TEXT NOT NULL,
      closed_at   TEXT NOT NULL,
      closed_by   TEXT NOT NULL,
      CHECK (period_from <= period_to)
    ) STRICT;
    CREATE INDEX closed_periods_by_to ON closed_periods (period_to, period_from);
  `,
};
