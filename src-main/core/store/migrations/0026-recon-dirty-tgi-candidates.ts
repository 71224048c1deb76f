import type { Migration } from './migration.ts';

/*
 * The records that may have changed how a held TGI refund ranks its candidate payments since the last
 * reconcile run (reconcile/refunds.ts, bestTgiOriginal): a TGI capture that arrived or whose amount,
 * time or connection changed, and a POS row that arrived refunded or whose refunded mark came or went
 * (the mark lifts the score of its sale's TGI payments). A refund is often held by a sale weeks before
 * it, on a day a run after such a change does not rebuild: without a mark it stayed where an earlier
 * ranking put it, though a full run would move it to the new or newly refunded payment, or give it
 * another status. The refund pass ranks again the held TGI refunds that can rank these payments and
 * lets go the groups whose refund's best original changed. A status change of a payment itself moves
 * no ranking, so a status sync marks only POS rows whose refunded mark changed.
 */
export const migration0026: Migration = {
  version: 26,
  name: 'recon-dirty-tgi-candidates',
  sql: `
    CREATE TABLE recon_dirty_tgi_candidates (id INTEGER PRIMARY KEY) STRICT;
    CREATE TRIGGER recon_dirty_tgi_candidate_insert AFTER INSERT ON transactions
      WHEN (NEW.provider = 'tgi' AND NEW.kind = 'capture') OR (NEW.provider = 'sentrypos' AND NEW.status = 'refunded') BEGIN
      INSERT OR IGNORE INTO recon_dirty_tgi_candidates (id) VALUES (NEW.id);
    END;
    CREATE TRIGGER recon_dirty_tgi_candidate_update AFTER UPDATE ON transactions
      WHEN (NEW.provider = 'tgi' AND NEW.kind = 'capture'
             AND (OLD.provider IS NOT NEW.provider OR OLD.kind IS NOT NEW.kind OR OLD.amount_minor IS NOT NEW.amount_minor
                  OR OLD.occurred_at IS NOT NEW.occurred_at OR OLD.connection_id IS NOT NEW.connection_id))
        OR (NEW.provider = 'sentrypos' AND (OLD.status = 'refunded') IS NOT (NEW.status = 'refunded')) BEGIN
      INSERT OR IGNORE INTO recon_dirty_tgi_candidates (id) VALUES (NEW.id);
    END;
  `,
};
