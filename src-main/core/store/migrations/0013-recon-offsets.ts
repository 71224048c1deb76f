import type { Migration } from './migration.ts';

/*
 * Each business day's provider clock offsets, as the day's reconcile run estimated them (derived, like
 * every recon_ table). A decision re-matches only the sales it can change, and scores them with the
 * same offsets the day's run used; a day with no row here (a cache reconciled before this step) is
 * rebuilt whole by its next decision, which writes the row.
 */
export const migration0013: Migration = {
  version: 13,
  name: 'recon-offsets',
  sql: `
    CREATE TABLE recon_day_offsets (
      date    TEXT PRIMARY KEY,
      offsets TEXT NOT NULL CHECK (json_valid(offsets))
    ) STRICT, WITHOUT ROWID;
  `,
};
