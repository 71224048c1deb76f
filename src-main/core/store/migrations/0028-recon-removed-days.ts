import type { Migration } from './migration.ts';

/*
 * The day before a new day is matched again only where the new day's records reach (reconcile/
 * day-before.ts), which holds only while the new day's records are all new since the last run: one
 * removed (or moved to another day) may have been a stored runner-up or member of that day's groups.
 * The days that lost a record since the last run are kept here, by trigger as recon_dirty_days is
 * (0005), and forgotten at the end of each run.
 *
 * A day's clock offsets now count only records booked by its end (reconcile/offsets.ts), so the
 * stored ones, and the groups scored with them, may differ from what a run gives now: every day is
 * marked, and the next run matches every day again.
 */
export const migration0028: Migration = {
  version: 28,
  name: 'recon-removed-days',
  sql: `
    CREATE TABLE recon_removed_days (date TEXT PRIMARY KEY) STRICT, WITHOUT ROWID;
    CREATE TRIGGER recon_removed_delete AFTER DELETE ON transactions BEGIN
      INSERT OR IGNORE INTO recon_removed_days (date) VALUES (OLD.business_date);
    END;
    CREATE TRIGGER recon_removed_move AFTER UPDATE OF business_date ON transactions
      WHEN OLD.business_date IS NOT NEW.business_date BEGIN
      INSERT OR IGNORE INTO recon_removed_days (date) VALUES (OLD.business_date);
    END;
    INSERT OR IGNORE INTO recon_dirty_days (date) SELECT DISTINCT business_date FROM transactions;
  `,
};
