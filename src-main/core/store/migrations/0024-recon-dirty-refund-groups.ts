import type { Migration } from './migration.ts';

/*
 * The groups that held a refund which changed or went away since the last reconcile run. A refund is
 * often made weeks after its sale, so the group holding it is anchored on a day a run after the
 * refund's sync does not rebuild: without a mark, that group kept the refund (its evidence, member
 * row, state and version) as it was, or named a refund no longer there, until a full run. The refund
 * pass (reconcile/refunds.ts) lets such a group's refunds go and places them again. Any change of a
 * held refund marks (its fingerprint is part of its group's version); a Report entry of a refund (held
 * as a view) is a refund record too. A removal is marked BEFORE the row goes, while its member row
 * (deleted with it, ON DELETE CASCADE) still says which group held it. No foreign key: a run deletes
 * and makes groups, and a mark of a group gone is passed over.
 */
export const migration0024: Migration = {
  version: 24,
  name: 'recon-dirty-refund-groups',
  sql: `
    CREATE TABLE recon_dirty_refund_groups (group_id INTEGER PRIMARY KEY) STRICT;
    CREATE TRIGGER recon_dirty_refund_delete BEFORE DELETE ON transactions WHEN OLD.kind = 'refund' BEGIN
      INSERT OR IGNORE INTO recon_dirty_refund_groups (group_id)
        SELECT group_id FROM recon_members WHERE transaction_id = OLD.id;
    END;
    CREATE TRIGGER recon_dirty_refund_update AFTER UPDATE ON transactions
      WHEN OLD.kind = 'refund' OR NEW.kind = 'refund' BEGIN
      INSERT OR IGNORE INTO recon_dirty_refund_groups (group_id)
        SELECT group_id FROM recon_members WHERE transaction_id = NEW.id;
    END;
  `,
};
