import { LEDGER, LEDGER_UPDATE } from './0020-recon-dirty-ledger-days.ts';
import type { Migration } from './migration.ts';

/*
 * 0020 marked a capture fee's day and the week before it, for the funds entry the fee belongs to may
 * lie up to a week earlier. A nightly sync brings a day of fees, so every run settled a week of
 * payouts again (~100,000 funds and fee entries at 1M sales). Now an arriving fee marks its own day
 * only, and the run finds the days of the funds entries its day's fees belong to (same connection and
 * pspReference, as payouts.ts pairs them; reconcile/engine.ts). A fee removed or changed still marks
 * the week before its old day: the entry it belonged to can no longer be looked up from it.
 */
const MARK_DAY = (row: 'NEW' | 'OLD') =>
  `INSERT OR IGNORE INTO recon_dirty_ledger_days (date) SELECT ${row}.business_date WHERE ${LEDGER(row)};`;
const MARK_WEEK_BEFORE = `INSERT OR IGNORE INTO recon_dirty_ledger_days (date)
      SELECT date(OLD.business_date, '-7 days') WHERE ${LEDGER('OLD')} AND OLD.external_id LIKE 'fees:%';`;

export const migration0021: Migration = {
  version: 21,
  name: 'recon-fee-ledger-days',
  sql: `
    DROP TRIGGER recon_dirty_ledger_insert;
    DROP TRIGGER recon_dirty_ledger_delete;
    DROP TRIGGER recon_dirty_ledger_update;
    CREATE TRIGGER recon_dirty_ledger_insert AFTER INSERT ON transactions WHEN ${LEDGER('NEW')} BEGIN
      ${MARK_DAY('NEW')}
    END;
    CREATE TRIGGER recon_dirty_ledger_delete AFTER DELETE ON transactions WHEN ${LEDGER('OLD')} BEGIN
      ${MARK_DAY('OLD')}
      ${MARK_WEEK_BEFORE}
    END;
    CREATE TRIGGER recon_dirty_ledger_update AFTER UPDATE ON transactions WHEN ${LEDGER_UPDATE}
    BEGIN
      ${MARK_DAY('OLD')}
      ${MARK_WEEK_BEFORE}
      ${MARK_DAY('NEW')}
    END;
  `,
};
