import type { Database } from 'better-sqlite3';
import type { z } from 'zod';
import { AppError } from '../model/app-error.ts';
import type { ReconcilePayout } from '../api/reconcile-schemas.ts';
import { all, sql } from '../store/sql.ts';
import { payoutChecks } from './summary.ts';

type Output = z.infer<typeof ReconcilePayout>;

/**
 * One payout and what it settles: its captures, refunds, fees and corrections, each with the sale it
 * belongs to (through the payment the ledger entry is a view of), beside the expected and actual net.
 * Read-only, from what the last run stored.
 */
export function payoutDetail(db: Database, id: number): Output {
  const [check] = payoutChecks(db, sql`transaction_id = ${id}`);
  if (!check) throw new AppError('NOT_FOUND', 'That record is not a payout posrecon has checked.');
  const items = all<Output['items'][number]>(
    db,
    sql`SELECT t.id, t.kind, t.amount_minor AS amountMinor, t.currency, t.business_date AS businessDate,
          t.occurred_at AS occurredAt,
          (SELECT value FROM transaction_refs r WHERE r.transaction_id = t.id AND r.kind = 'pspReference') AS reference,
          coalesce(v.primary_id, t.id) AS paymentId,
          (SELECT g.key FROM recon_members m JOIN recon_groups g ON g.id = m.group_id
            WHERE m.transaction_id = coalesce(v.primary_id, t.id)) AS saleKey
        FROM recon_settlements s JOIN transactions t ON t.id = s.transaction_id
        LEFT JOIN recon_views v ON v.transaction_id = t.id
       WHERE s.payout_id = ${id}
       ORDER BY t.business_date, t.occurred_at, t.id`,
  );
  return { payout: check, items };
}
