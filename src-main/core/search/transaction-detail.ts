import type { Database } from 'better-sqlite3';
import { AppError } from '../model/app-error.ts';
import type { TransactionDetail } from '../api/schemas.ts';
import type { ProviderId } from '../model/transaction.ts';
import { paidWith, referenceLabel } from '../providers/describe.ts';
import { type SummaryRow, SUMMARY_COLUMNS } from '../store/queries/transactions.ts';
import { all, get, sql } from '../store/sql.ts';
import { toSummaries } from './summaries.ts';

interface DetailRow extends SummaryRow {
  occurred_at_raw: string;
  ledger_date: string | null;
  customer_email: string | null;
  customer_phone: string | null;
  synced_at: string;
  updated_at: string;
  raw_json: string;
}

interface LineRow {
  line_no: number;
  name: string;
  quantity: number;
  unit: string | null;
  unit_price_gross_minor: number | null;
  line_gross_minor: number;
  line_net_minor: number | null;
  discount_minor: number;
  vat_rate_bp: number | null;
  vat_minor: number | null;
  category: string | null;
}

/** Everything the cache knows about one transaction: the detail pane and `posrecon search --json`. */
export function getTransactionDetail(db: Database, id: number): TransactionDetail {
  const row = get<DetailRow>(
    db,
    sql`SELECT ${SUMMARY_COLUMNS}, t.occurred_at_raw, t.ledger_date, t.customer_email, t.customer_phone,
               t.synced_at, t.updated_at, t.raw_json
          FROM transactions t JOIN connections c ON c.id = t.connection_id WHERE t.id = ${id}`,
  );
  if (!row) throw new AppError('NOT_FOUND', `There is no transaction ${id} in the cache.`);
  const lines = all<LineRow>(
    db,
    sql`SELECT line_no, name, quantity, unit, unit_price_gross_minor, line_gross_minor, line_net_minor,
               discount_minor, vat_rate_bp, vat_minor, category
          FROM transaction_lines WHERE transaction_id = ${id} ORDER BY line_no`,
  );
  const vat = all<{ rate_bp: number | null; net: number; vat: number; gross: number }>(
    db,
    sql`SELECT vat_rate_bp AS rate_bp, sum(coalesce(line_net_minor, line_gross_minor - coalesce(vat_minor, 0))) AS net,
               sum(coalesce(vat_minor, 0)) AS vat, sum(line_gross_minor) AS gross
          FROM transaction_lines WHERE transaction_id = ${id} GROUP BY vat_rate_bp ORDER BY vat_rate_bp DESC`,
  );
  return {
    ...toSummaries(db, [row])[0]!,
    occurredAtRaw: row.occurred_at_raw,
    ledgerDate: row.ledger_date,
    customerEmail: row.customer_email,
    customerPhone: row.customer_phone,
    network: row.network,
    paidWith: paidWith(row.provider as ProviderId, row),
    syncedAt: row.synced_at,
    updatedAt: row.updated_at,
    references: all<{ kind: string; value: string }>(
      db,
      sql`SELECT kind, value FROM transaction_refs WHERE transaction_id = ${id} ORDER BY kind, value`,
    ).map((r) => ({ ...r, label: referenceLabel(row.provider as ProviderId, r.kind) })),
    lines: lines.map((l) => ({
      lineNo: l.line_no,
      name: l.name,
      quantity: l.quantity,
      unit: l.unit,
      unitPriceGrossMinor: l.unit_price_gross_minor,
      lineGrossMinor: l.line_gross_minor,
      lineNetMinor: l.line_net_minor,
      discountMinor: l.discount_minor,
      vatRateBp: l.vat_rate_bp,
      vatMinor: l.vat_minor,
      category: l.category,
    })),
    vat: vat.map((v) => ({ rateBp: v.rate_bp, netMinor: v.net, vatMinor: v.vat, grossMinor: v.gross })),
    rawJson: row.raw_json,
    changes: all<{
      id: number;
      changedAt: string;
      field: string;
      before: string | null;
      after: string | null;
    }>(
      db,
      sql`SELECT id, changed_at AS changedAt, field, before, after FROM change_log
           WHERE transaction_id = ${id} ORDER BY id DESC`,
    ),
  };
}
