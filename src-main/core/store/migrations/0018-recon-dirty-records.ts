import type { Migration } from './migration.ts';

/*
 * Which records changed since the last reconcile run, beside which days (recon_dirty_days): a nightly
 * sync that only moves some payments' status need not re-match three whole days (at 16,700 sales a day
 * that is ~10 s); re-matching the sales those records can reach gives the same groups
 * (reconcile/record-changes.ts). Filled by triggers, so every writer marks what it changed.
 *
 * `local` says whether re-matching the record's neighbourhood can follow the change: not when it moved
 * what a day's clock-offset estimate or a Vipps twin is made of (kind, amount, currency, time, business
 * day, provider status, failed or not, references). `refs` is the record's references as they were
 * before its first change since the run (the sync deletes and re-inserts them after the UPDATE), compared
 * with the current ones when the run decides. Records added or removed mark one row, id 0: their days
 * are rebuilt whole (a new record can move a day's offsets), so one row says it without a row per insert.
 */
export const migration0018: Migration = {
  version: 18,
  name: 'recon-dirty-records',
  sql: `
    CREATE TABLE recon_dirty_records (
      id    INTEGER PRIMARY KEY,
      local INTEGER NOT NULL,
      refs  TEXT
    ) STRICT;
    CREATE TRIGGER recon_dirty_record_insert AFTER INSERT ON transactions BEGIN
      INSERT OR IGNORE INTO recon_dirty_records (id, local) VALUES (0, 0);
    END;
    CREATE TRIGGER recon_dirty_record_delete AFTER DELETE ON transactions BEGIN
      INSERT OR IGNORE INTO recon_dirty_records (id, local) VALUES (0, 0);
    END;
    CREATE TRIGGER recon_dirty_record_update AFTER UPDATE ON transactions BEGIN
      INSERT INTO recon_dirty_records (id, local, refs) VALUES (NEW.id,
        OLD.kind IS NEW.kind AND OLD.amount_minor IS NEW.amount_minor AND OLD.currency IS NEW.currency
          AND OLD.occurred_at IS NEW.occurred_at AND OLD.business_date IS NEW.business_date
          AND OLD.provider_status IS NEW.provider_status
          AND (OLD.status IN ('failed', 'cancelled')) = (NEW.status IN ('failed', 'cancelled')),
        (SELECT group_concat(kind || char(31) || value, char(30))
           FROM (SELECT kind, value FROM transaction_refs WHERE transaction_id = NEW.id ORDER BY kind, value)))
      ON CONFLICT (id) DO UPDATE SET local = local AND excluded.local;
    END;
  `,
};
