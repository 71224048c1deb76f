import type { Database } from 'better-sqlite3';
import { all, get, run, sql } from '../store/sql.ts';

interface FundsRow {
  id: number;
  connection_id: string;
  external_id: string;
  kind: string;
  provider_status: string | null;
  amount_minor: number;
  currency: string;
  business_date: string;
  psp: string | null;
  balance_before: number | null;
}

interface Span {
  opening: number | null;
  first: string;
  captures: number;
  refunds: number;
  adjustments: number;
  fees: number;
  items: FundsRow[];
}

const emptySpan = (): Span => ({
  opening: null,
  first: '',
  captures: 0,
  refunds: 0,
  adjustments: 0,
  fees: 0,
  items: [],
});

/**
 * Rebuilds each Vipps payout's settlement from `from` on (every payout when null). A payout-scheduled
 * entry settles the funds entries booked since the ledger's previous payout, so its expected net is the
 * opening balance plus the captures, less the refunds and the capture fees Vipps charged for them, plus
 * any corrections. Fees-retained entries are the same fees moved between ledgers and are not counted
 * again. Any difference from the payout's amount is kept for the discrepancy list.
 */
export function rebuildPayouts(db: Database, from: string | null): number {
  const start =
    from === null
      ? ''
      : (get<{ d: string | null }>(
          db,
          sql`SELECT max(ledger_date) AS d FROM recon_payouts WHERE ledger_date < ${from}`,
        )?.d ?? '');
  run(db, sql`DELETE FROM recon_payouts WHERE ledger_date > ${start}`);
  const rows = all<FundsRow>(
    db,
    sql`SELECT t.id, t.connection_id, t.external_id, t.kind, t.provider_status, t.amount_minor, t.currency,
          t.business_date, (SELECT value FROM transaction_refs r WHERE r.transaction_id = t.id AND r.kind = 'pspReference') AS psp,
          json_extract(t.raw_json, '$.balanceBefore') AS balance_before
        FROM transactions t
       WHERE t.business_date > ${start} AND t.provider = 'vipps' AND t.external_id LIKE 'funds:%'
       ORDER BY t.connection_id, t.business_date, t.occurred_at, t.id`,
  );
  const fees = new Map<string, number>();
  for (const f of all<{ connection_id: string; psp: string; amount_minor: number }>(
    db,
    sql`SELECT t.connection_id, (SELECT value FROM transaction_refs r WHERE r.transaction_id = t.id AND r.kind = 'pspReference') AS psp,
          t.amount_minor FROM transactions t
         WHERE t.business_date > ${start} AND t.provider = 'vipps' AND t.kind = 'fee'
           AND t.external_id LIKE 'fees:%' AND t.provider_status = 'capture-fee'`,
  )) {
    const k = `${f.connection_id}:${f.psp}`;
    fees.set(k, (fees.get(k) ?? 0) + f.amount_minor);
  }
  const insertPayout =
    db.prepare(`INSERT INTO recon_payouts (transaction_id, connection_id, ledger_id, ledger_date,
    first_date, currency, actual_minor, captures_minor, refunds_minor, fees_minor, adjustments_minor, expected_minor,
    difference_minor, items) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`);
  const settle = db.prepare(
    'INSERT OR REPLACE INTO recon_settlements (transaction_id, payout_id) VALUES (?, ?)',
  );
  const spans = new Map<string, Span>();
  let count = 0;
  for (const r of rows) {
    const ledger = r.external_id.split(':')[1] ?? '';
    const key = `${r.connection_id}:${ledger}`;
    const span = spans.get(key) ?? spans.set(key, emptySpan()).get(key)!;
    if (r.kind !== 'payout') {
      if (!span.items.length) {
        span.opening = r.balance_before;
        span.first = r.business_date;
      }
      span.items.push(r);
      if (r.kind === 'capture') {
        span.captures += r.amount_minor;
        span.fees += fees.get(`${r.connection_id}:${r.psp}`) ?? 0;
      } else if (r.kind === 'refund') span.refunds += r.amount_minor;
      else if (r.kind === 'adjustment') span.adjustments += r.amount_minor;
      continue;
    }
    const actual = -r.amount_minor;
    const expected = (span.opening ?? 0) + span.captures + span.refunds - span.fees + span.adjustments;
    insertPayout.run(
      r.id,
      r.connection_id,
      ledger,
      r.business_date,
      span.first || r.business_date,
      r.currency,
      actual,
      span.captures,
      span.refunds,
      span.fees,
      span.adjustments + (span.opening ?? 0),
      expected,
      actual - expected,
      span.items.length,
    );
    for (const item of span.items) settle.run(item.id, r.id);
    spans.set(key, emptySpan());
    count++;
  }
  return count;
}
