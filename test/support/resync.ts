import type { Database } from 'better-sqlite3';
import type { CanonicalTransaction } from '../../src-main/core/model/transaction.ts';
import { upsertTransactions } from '../../src-main/core/store/mutations/upsert-transactions.ts';

/**
 * Cached records as their provider would deliver them again: every field, reference and line as
 * stored, so a sync's upsert of them changes only what `change` changes.
 */
export function asDelivered(db: Database, ids: readonly number[]): CanonicalTransaction[] {
  const row = db.prepare('SELECT * FROM transactions WHERE id = ?');
  const refs = db.prepare('SELECT kind, value FROM transaction_refs WHERE transaction_id = ?');
  const lines = db.prepare('SELECT * FROM transaction_lines WHERE transaction_id = ? ORDER BY line_no');
  return ids.map((id) => {
    const r = row.get(id) as Record<string, unknown>;
    return {
      provider: r.provider,
      connectionId: r.connection_id,
      externalId: r.external_id,
      kind: r.kind,
      amountMinor: r.amount_minor,
      currency: r.currency,
      status: r.status,
      providerStatus: r.provider_status,
      occurredAt: r.occurred_at,
      occurredAtRaw: r.occurred_at_raw,
      businessDate: r.business_date,
      ledgerDate: r.ledger_date,
      customerName: r.customer_name,
      customerEmail: r.customer_email,
      customerPhone: r.customer_phone,
      method: r.method,
      network: r.network,
      description: r.description,
      references: refs.all(id) as CanonicalTransaction['references'],
      lines: (lines.all(id) as Record<string, unknown>[]).map((l) => ({
        lineNo: l.line_no,
        name: l.name,
        quantity: l.quantity,
        unit: l.unit,
        unitPriceGrossMinor: l.unit_price_gross_minor,
        unitPriceNetMinor: l.unit_price_net_minor,
        lineGrossMinor: l.line_gross_minor,
        lineNetMinor: l.line_net_minor,
        discountMinor: l.discount_minor,
        vatRateBp: l.vat_rate_bp,
        vatMinor: l.vat_minor,
        category: l.category,
      })),
      raw: JSON.parse(r.raw_json as string) as unknown,
    } as CanonicalTransaction;
  });
}

/** A re-sync of these records with `change` applied to each, through the sync's own upsert. */
export function resync(
  db: Database,
  ids: readonly number[],
  change: (r: CanonicalTransaction) => CanonicalTransaction,
  now: string,
) {
  return upsertTransactions(db, asDelivered(db, ids).map(change), now);
}
