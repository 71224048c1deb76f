import type { Migration } from './migration.ts';
import { DIMS, viewOf } from './0006-search-views.ts';

/*
 * Vipps fees counted once. The Report API's fees ledger is a balance of what the merchant owes Vipps:
 * a charge (capture-fee, service-fee) raises it, and a settlement lowers it, either kept back from the
 * takings (fees-retained, which the funds ledger shows as money leaving) or invoiced (fees-invoiced).
 * Only the settlement moves money. 0006 left the fees ledger's copy of a fees-retained out of the
 * totals but counted every charge, so "Fees" added the charges (positive) to the fees kept back
 * (negative) and showed their small difference. A charge is now a second view of the fee its
 * settlement counts: listed, never counted, whether or not reconciliation has run (it is a rule of the
 * ledger, not a match), and the Dashboard's fees (the entries that took money) agree with it.
 *
 * The trigger is on search_amounts, not transactions: search_views_insert flags the record's
 * search_amounts row, which must exist by then, and 0006's insert trigger on transactions writes it.
 */
const CHARGE = (t: string) =>
  `${t}.provider = 'vipps' AND ${t}.external_id LIKE 'fees:%' AND ${t}.provider_status IN ('capture-fee', 'service-fee')`;

export const migration0011: Migration = {
  version: 11,
  name: 'fee-charges',
  sql: `
    CREATE TRIGGER search_fee_charge_insert AFTER INSERT ON search_amounts WHEN NEW.kind = 'fee' BEGIN
      INSERT INTO search_views (id, business_date, ${DIMS}, amount_minor)
        SELECT ${viewOf('t')} FROM transactions t WHERE t.id = NEW.id AND ${CHARGE('t')}
          AND NOT EXISTS (SELECT 1 FROM search_views WHERE id = NEW.id);
    END;

    INSERT INTO search_views (id, business_date, ${DIMS}, amount_minor)
      SELECT ${viewOf('t')} FROM transactions t
       WHERE ${CHARGE('t')} AND NOT EXISTS (SELECT 1 FROM search_views v WHERE v.id = t.id)
       ORDER BY t.id;
  `,
};
