import type { Database } from 'better-sqlite3';
import { get, sql } from '../store/sql.ts';
import { describeDiscrepancy } from './describe.ts';
import type { DiscrepancyClass } from './discrepancies.ts';

/** A recon_discrepancies row as stored. */
export interface DiscrepancyRow {
  class: DiscrepancyClass;
  business_date: string;
  provider: string;
  currency: string;
  amount_minor: number;
  transaction_ids: string;
  detail: string | null;
}

/** The POS reference a payment carries, for sentences about mistyped references. */
export function paymentReference(db: Database, id: number): string | null {
  return (
    get<{ value: string }>(
      db,
      sql`SELECT value FROM transaction_refs WHERE transaction_id = ${id}
            AND kind IN ('reference', 'order_id', 'invoiceId') ORDER BY kind LIMIT 1`,
    )?.value ?? null
  );
}

/** The sentence for a stored discrepancy; `invoice` is its sale's, when it has one. */
export function discrepancyText(db: Database, d: DiscrepancyRow, invoice: string | null): string {
  const ids = JSON.parse(d.transaction_ids) as number[];
  const detail = (d.detail ? JSON.parse(d.detail) : {}) as {
    expected?: number;
    actual?: number;
    days?: number;
  };
  return describeDiscrepancy({
    class: d.class,
    date: d.business_date,
    provider: d.provider,
    currency: d.currency,
    amountMinor: d.amount_minor,
    invoice,
    reference: d.class === 'mistyped_reference' ? paymentReference(db, ids.at(-1) ?? 0) : null,
    expectedMinor: detail.expected ?? null,
    actualMinor: detail.actual ?? null,
    pendingDays: detail.days ?? null,
  });
}
