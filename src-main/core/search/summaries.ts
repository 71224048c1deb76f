import type { Database } from 'better-sqlite3';
import { moneyDirection } from '../model/money-direction.ts';
import type { ReconState } from '../model/recon-state.ts';
import type { ProviderId } from '../model/transaction.ts';
import type { TransactionSummary } from '../model/transaction-summary.ts';
import { describeRecord, productProviders } from '../providers/describe.ts';
import type { LineFact } from '../providers/shared/words.ts';
import type { SummaryRow } from '../store/queries/transactions.ts';
import { all, rawSql, sql, type Sql } from '../store/sql.ts';

/**
 * A record's reconciliation state, for the transactions row `t` (the SQL is shared so that a filter on
 * the state reads exactly what the column shows). The group a record belongs to gives it; a failed
 * attempt and a card check before the payment are explained by the sale they precede, and a duplicate
 * charge needs a person. A second view (a Vipps Report entry of a Sales API payment) reads as its
 * primary; a payout is linked when it equals what it settles, and what a payout settles is linked.
 */
export const RECON_STATE: Sql = rawSql(`coalesce(
    (SELECT CASE m.role WHEN 'attempt' THEN 'explained' WHEN 'pre-transaction' THEN 'explained'
                        WHEN 'duplicate' THEN 'review' ELSE g.state END
       FROM recon_members m JOIN recon_groups g ON g.id = m.group_id WHERE m.transaction_id = t.id),
    (SELECT g.state FROM recon_views v JOIN recon_members m ON m.transaction_id = v.primary_id
       JOIN recon_groups g ON g.id = m.group_id WHERE v.transaction_id = t.id),
    (SELECT CASE WHEN p.difference_minor = 0 THEN 'linked' ELSE 'review' END
       FROM recon_payouts p WHERE p.transaction_id = t.id),
    (SELECT 'linked' FROM recon_settlements s WHERE s.transaction_id = t.id),
    (SELECT 'linked' FROM recon_views v JOIN recon_settlements s ON s.transaction_id = v.primary_id
      WHERE v.transaction_id = t.id),
    CASE WHEN t.kind IN ('sale', 'capture', 'refund') THEN 'unmatched' ELSE 'not_applicable' END)`);

interface Extra {
  id: number;
  refs: string | null;
  recon_state: ReconState;
  /** Whose lines describe it: its own, or for a sale without any, the linked payment's. */
  lines_id: number | null;
}

/**
 * The references and reconciliation state of a page of rows, and whose lines describe each: one
 * query over the page's ids (each a primary-key look-up), not a round trip per row. Exported for the
 * query-plan test.
 */
export function extrasQuery(ids: readonly number[]): Sql {
  const products = productProviders();
  return sql`SELECT t.id, (SELECT json_group_object(r.kind, r.value) FROM transaction_refs r WHERE r.transaction_id = t.id) AS refs,
          ${RECON_STATE} AS recon_state,
          CASE WHEN EXISTS (SELECT 1 FROM transaction_lines l WHERE l.transaction_id = t.id) THEN t.id
               WHEN t.kind = 'sale' THEN (
                 SELECT p.transaction_id FROM recon_members m
                   JOIN recon_members p ON p.group_id = m.group_id AND p.role = 'payment'
                   JOIN transactions pt ON pt.id = p.transaction_id
                  WHERE m.transaction_id = t.id AND m.role = 'sale'
                    AND pt.provider IN (SELECT value FROM json_each(${JSON.stringify(products)}))
                    AND EXISTS (SELECT 1 FROM transaction_lines l WHERE l.transaction_id = p.transaction_id)
                  ORDER BY p.transaction_id LIMIT 1)
          END AS lines_id
        FROM json_each(${JSON.stringify(ids)}) j CROSS JOIN transactions t ON t.id = j.value`;
}

/** Lines of the given records, in order. Exported for the query-plan test. */
export function linesQuery(ids: readonly number[]): Sql {
  return sql`SELECT l.transaction_id AS id, l.quantity, l.name, l.category
    FROM json_each(${JSON.stringify(ids)}) j CROSS JOIN transaction_lines l ON l.transaction_id = j.value
   ORDER BY l.transaction_id, l.line_no`;
}

function linesOf(db: Database, ids: number[]): Map<number, LineFact[]> {
  const byId = new Map<number, LineFact[]>();
  if (!ids.length) return byId;
  const rows = all<LineFact & { id: number }>(db, linesQuery(ids));
  for (const { id, ...line } of rows) {
    const list = byId.get(id);
    if (list) list.push(line);
    else byId.set(id, [line]);
  }
  return byId;
}

/** Rows as the contract lists them: described in plain words, with their direction and reconciliation state. */
export function toSummaries(db: Database, rows: readonly SummaryRow[]): TransactionSummary[] {
  if (!rows.length) return [];
  const extra = new Map(all<Extra>(db, extrasQuery(rows.map((r) => r.id))).map((e) => [e.id, e]));
  const lines = linesOf(db, [
    ...new Set([...extra.values()].flatMap((e) => (e.lines_id === null ? [] : [e.lines_id]))),
  ]);
  return rows.map((r) => {
    const e = extra.get(r.id);
    const kind = r.kind as TransactionSummary['kind'];
    const status = r.status as TransactionSummary['status'];
    const provider = r.provider as ProviderId;
    return {
      id: r.id,
      provider,
      connectionId: r.connection_id,
      connectionName: r.connection_name,
      externalId: r.external_id,
      kind,
      amountMinor: r.amount_minor,
      currency: r.currency,
      status,
      providerStatus: r.provider_status,
      occurredAt: r.occurred_at,
      businessDate: r.business_date,
      customerName: r.customer_name,
      method: r.method,
      description: describeRecord(provider, {
        kind,
        status,
        providerStatus: r.provider_status,
        externalId: r.external_id,
        amountMinor: r.amount_minor,
        method: r.method,
        network: r.network,
        customerName: r.customer_name,
        providerText: r.provider_text,
        references: e?.refs ? (JSON.parse(e.refs) as Record<string, string>) : {},
        lines: (e?.lines_id != null && lines.get(e.lines_id)) || [],
      }),
      direction: moneyDirection(kind, r.amount_minor),
      reconState: e?.recon_state ?? 'not_applicable',
    };
  });
}
