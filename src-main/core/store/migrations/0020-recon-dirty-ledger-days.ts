import type { Migration } from './migration.ts';

/*
 * The days whose Vipps ledger entries (funds and fees) changed since the last reconcile run. A payout's
 * settlement is made of those entries alone (reconcile/payouts.ts), so a run settles again only the
 * stretches these days reach, not those of every day it re-matched: a sync that changed sales or card
 * payments leaves the payouts as they are, and at 16,700 sales a day one stretch is ~45,000 funds and
 * fee entries (~2 s at 1M sales). Filled by triggers, like recon_dirty_days (0005), so every writer
 * marks what it changed; an update marks only when a column the settlement reads (or the raw entry the
 * others and the opening balance come from) changed, not a status.
 *
 * A fee entry is booked up to a week after the funds entry it belongs to (payouts.ts reads fees that
 * far past a stretch), so it marks the day a week before it too. A cache with days not yet reconciled
 * when it is upgraded marks them as they are (and the week before), so its next run settles them.
 */
/** Whether the row is a Vipps ledger entry (0021 keeps the same test). */
export const LEDGER = (row: 'NEW' | 'OLD') =>
  `(${row}.provider = 'vipps' AND (${row}.external_id LIKE 'funds:%' OR ${row}.external_id LIKE 'fees:%'))`;
/** An update that moves a settlement: a column it reads, or the raw entry (0021 keeps the same test). */
export const LEDGER_UPDATE = `(${LEDGER('OLD')} OR ${LEDGER('NEW')}) AND (
        OLD.connection_id IS NOT NEW.connection_id OR OLD.external_id IS NOT NEW.external_id
        OR OLD.kind IS NOT NEW.kind OR OLD.provider_status IS NOT NEW.provider_status
        OR OLD.amount_minor IS NOT NEW.amount_minor OR OLD.currency IS NOT NEW.currency
        OR OLD.business_date IS NOT NEW.business_date OR OLD.occurred_at IS NOT NEW.occurred_at
        OR OLD.raw_json IS NOT NEW.raw_json)`;
const MARK = (row: 'NEW' | 'OLD') => `INSERT OR IGNORE INTO recon_dirty_ledger_days (date)
      SELECT ${row}.business_date WHERE ${LEDGER(row)}
      UNION ALL SELECT date(${row}.business_date, '-7 days') WHERE ${LEDGER(row)} AND ${row}.external_id LIKE 'fees:%';`;

export const migration0020: Migration = {
  version: 20,
  name: 'recon-dirty-ledger-days',
  sql: `
    CREATE TABLE recon_dirty_ledger_days (date TEXT PRIMARY KEY) STRICT, WITHOUT ROWID;
    CREATE TRIGGER recon_dirty_ledger_insert AFTER INSERT ON transactions WHEN ${LEDGER('NEW')} BEGIN
      ${MARK('NEW')}
    END;
    CREATE TRIGGER recon_dirty_ledger_delete AFTER DELETE ON transactions WHEN ${LEDGER('OLD')} BEGIN
      ${MARK('OLD')}
    END;
    CREATE TRIGGER recon_dirty_ledger_update AFTER UPDATE ON transactions WHEN ${LEDGER_UPDATE}
    BEGIN
      ${MARK('OLD')}
      ${MARK('NEW')}
    END;
    INSERT OR IGNORE INTO recon_dirty_ledger_days (date)
      SELECT date FROM recon_dirty_days UNION ALL SELECT date(date, '-7 days') FROM recon_dirty_days;
  `,
};
