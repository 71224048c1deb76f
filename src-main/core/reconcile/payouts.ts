import type { Database } from 'better-sqlite3';
import { all, get, run, sql } from '../store/sql.ts';
import { addDays } from './component.ts';

/** How many days after its payment Vipps books a capture's fee, at most. */
const FEE_DAYS = 7;

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
}

interface Span {
  /** The entry whose balance before it opens the span. */
  openingId: number | null;
  first: string;
  captures: number;
  refunds: number;
  adjustments: number;
  fees: number;
  items: FundsRow[];
}

const emptySpan = (): Span => ({
  openingId: null,
  first: '',
  captures: 0,
  refunds: 0,
  adjustments: 0,
  fees: 0,
  items: [],
});

/** One ledger's stretch to settle again: after its payout `after` ('' = from its start), up to and including `until`. */
interface Stretch {
  connection: string | null;
  ledger: string | null;
  after: string;
  until: string | null;
}

/**
 * The stretches of each ledger a change of the days `from`..`to` reaches: from its last payout before
 * `from` to its first payout after `to`. A payout's expected net starts from the balance its first
 * entry carries (the record's own), so a later payout never depends on an earlier one and the rest of
 * the ledger stays as it is. A ledger with no payout stored yet is read whole.
 */
function stretches(db: Database, from: string, to: string): Stretch[] {
  const known = all<{ connection: string; ledger: string; after: string | null; until: string | null }>(
    db,
    sql`SELECT connection_id AS connection, ledger_id AS ledger,
          max(CASE WHEN ledger_date < ${from} THEN ledger_date END) AS after,
          min(CASE WHEN ledger_date > ${to} THEN ledger_date END) AS until
        FROM recon_payouts GROUP BY 1, 2`,
  ).map((l) => ({ ...l, after: l.after ?? '' }));
  const fresh = all<{ connection: string; ledger: string }>(
    db,
    sql`SELECT DISTINCT connection_id AS connection, substr(external_id, 7, instr(substr(external_id, 7), ':') - 1) AS ledger
          FROM transactions INDEXED BY recon_vipps_ledger
          WHERE business_date BETWEEN ${from} AND ${to} AND provider = 'vipps' AND external_id LIKE 'funds:%'`,
  ).filter((l) => !known.some((k) => k.connection === l.connection && k.ledger === l.ledger));
  return [...known, ...fresh.map((l) => ({ ...l, after: '', until: null }))];
}

/**
 * Rebuilds each Vipps payout's settlement: every payout when `from` is null, else the payouts a change
 * of the days `from`..`to` reaches (see stretches). A payout-scheduled
 * entry settles the funds entries booked since the ledger's previous payout, so its expected net is the
 * opening balance plus the captures, less the refunds and the capture fees Vipps charged for them, plus
 * any corrections. Fees-retained entries are the same fees moved between ledgers and are not counted
 * again. Any difference from the payout's amount is kept for the discrepancy list.
 */
export function rebuildPayouts(db: Database, from: string | null, to: string | null = null): number {
  const parts: Stretch[] =
    from === null
      ? [{ connection: null, ledger: null, after: '', until: null }]
      : stretches(db, from, to ?? from);
  let count = 0;
  for (const s of parts) count += settle(db, s);
  return count;
}

/**
 * The days whose Vipps ledger entries changed since the last run (migrations 0020 and 0021), and the
 * days of the funds entries those days' capture fees may belong to (a fee is booked up to FEE_DAYS
 * after its payment; paired by connection and pspReference, as feeOf pairs them), as spans of days: one
 * span where the days lie within a week of each other, as a payout's stretch of entries usually does,
 * so a payout is seldom settled twice (which is redundant, not wrong). A fee's payment is looked up
 * only outside the changed days, which are taken anyway: reading each same-day payment's ~1 KB row was
 * most of the search (a nightly sync's fees are mostly of its own day's payments).
 */
function ledgerSpans(db: Database): [string, string][] {
  const spans: [string, string][] = [];
  for (const { date } of all<{ date: string }>(
    db,
    sql`SELECT date FROM recon_dirty_ledger_days
        UNION SELECT c.business_date FROM recon_dirty_ledger_days d
          CROSS JOIN transactions f INDEXED BY recon_vipps_ledger
            ON f.business_date = d.date AND f.provider = 'vipps' AND f.kind = 'fee'
          CROSS JOIN transaction_refs fr ON fr.transaction_id = f.id AND fr.kind = 'pspReference'
          CROSS JOIN transaction_refs cr ON cr.value = fr.value AND cr.kind = 'pspReference'
            AND cr.transaction_id NOT IN (SELECT o.id FROM recon_dirty_ledger_days od
              CROSS JOIN transactions o INDEXED BY recon_vipps_ledger ON o.business_date = od.date AND o.provider = 'vipps')
          CROSS JOIN transactions c ON c.id = cr.transaction_id
         WHERE f.external_id LIKE 'fees:%' AND f.provider_status = 'capture-fee' AND c.provider = 'vipps'
           AND c.kind = 'capture' AND c.external_id LIKE 'funds:%' AND c.connection_id = f.connection_id
           AND c.business_date BETWEEN date(f.business_date, ${`-${FEE_DAYS} days`}) AND f.business_date
        ORDER BY 1`,
  )) {
    const last = spans.at(-1);
    if (last && date <= addDays(last[1], 7)) last[1] = date;
    else spans.push([date, date]);
  }
  return spans;
}

/** Settles again the payouts the Vipps ledger entries changed since the last run reach (ledgerSpans). */
export function settleChangedPayouts(db: Database): number {
  return ledgerSpans(db).reduce((sum, [from, to]) => sum + rebuildPayouts(db, from, to), 0);
}

interface Fee {
  id: number;
  business_date: string;
  amount_minor: number;
}

/**
 * A capture's fee: the first capture fee of its connection and pspReference (`fees`, in booking order)
 * booked on the capture's ledger date or within FEE_DAYS after it. pspReferences are meant to be unique,
 * but random ones collide in a large ledger (and one may come back after years): a fee of the same
 * reference weeks away belongs to another payment. The window is the one a stretch reads fees in, so a
 * payout's fees do not depend on which payouts a run settles together. Two captures of one reference
 * whose windows share a fee would both take it (none in the 1M sales world); keeping fees exclusive
 * would tie a capture's fee to its neighbours' in other stretches.
 */
function feeOf(fees: Fee[] | undefined, date: string): number {
  const until = addDays(date, FEE_DAYS);
  return fees?.find((f) => f.business_date >= date && f.business_date <= until)?.amount_minor ?? 0;
}

/*
 * The Vipps ledger index (migration 0022), named: on the unique (provider, connection, external id)
 * index the planner walked all of a connection's records (0.5 s at 100k sales) to find a few days of
 * one ledger; on the day index it read every record of the days, and then each entry's ~1 KB row. This
 * one holds Vipps records only, with the columns read here: the rows are not read.
 */
function settle(db: Database, s: Stretch): number {
  // Column conditions of one stretch (every ledger when connection is null); values are bound.
  const where = (until: string | null) =>
    sql`t.business_date > ${s.after} AND ${until === null ? sql`1` : sql`t.business_date <= ${until}`}
        AND ${s.connection === null ? sql`1` : sql`+t.connection_id = ${s.connection}`}`;
  const funds = s.ledger === null ? 'funds:%' : `funds:${s.ledger}:%`;
  run(
    db,
    sql`DELETE FROM recon_payouts WHERE ledger_date > ${s.after}
          AND ${s.until === null ? sql`1` : sql`ledger_date <= ${s.until}`}
          AND ${s.connection === null ? sql`1` : sql`connection_id = ${s.connection} AND ledger_id = ${s.ledger}`}`,
  );
  // A stretch with no payout entry settles nothing (its stored payouts are gone with the delete): the
  // entries since a ledger's last payout, not paid out yet (a nightly sync's new day), are not read.
  // Looked for from the stretch's end, where a stretch's payout usually is.
  const paidOut = get(
    db,
    sql`SELECT 1 FROM transactions t INDEXED BY recon_vipps_ledger
         WHERE ${where(s.until)} AND t.provider = 'vipps' AND t.kind = 'payout' AND t.external_id LIKE ${funds}
         ORDER BY t.business_date DESC LIMIT 1`,
  );
  if (!paidOut) return 0;
  const rows = all<FundsRow>(
    db,
    sql`SELECT t.id, t.connection_id, t.external_id, t.kind, t.provider_status, t.amount_minor, t.currency,
          t.business_date, (SELECT value FROM transaction_refs r WHERE r.transaction_id = t.id AND r.kind = 'pspReference') AS psp
        FROM transactions t INDEXED BY recon_vipps_ledger
       WHERE ${where(s.until)} AND t.provider = 'vipps'
         AND t.external_id LIKE ${funds}
       ORDER BY t.connection_id, t.business_date, t.occurred_at, t.id`,
  );
  // Each (connection, pspReference)'s capture fees in booking order, for feeOf.
  const fees = new Map<string, Fee[]>();
  for (const f of all<Fee & { connection_id: string; psp: string }>(
    db,
    sql`SELECT t.id, t.connection_id, t.business_date,
          (SELECT value FROM transaction_refs r WHERE r.transaction_id = t.id AND r.kind = 'pspReference') AS psp,
          t.amount_minor FROM transactions t INDEXED BY recon_vipps_ledger
         WHERE ${where(s.until === null ? null : addDays(s.until, FEE_DAYS))} AND t.provider = 'vipps' AND t.kind = 'fee'
           AND t.external_id LIKE 'fees:%' AND t.provider_status = 'capture-fee'`,
  )) {
    const k = `${f.connection_id}:${f.psp}`;
    (fees.get(k) ?? fees.set(k, []).get(k)!).push(f);
  }
  for (const list of fees.values())
    list.sort((a, b) => a.business_date.localeCompare(b.business_date) || a.id - b.id);
  const insertPayout =
    db.prepare(`INSERT INTO recon_payouts (transaction_id, connection_id, ledger_id, ledger_date,
    first_date, currency, actual_minor, captures_minor, refunds_minor, fees_minor, adjustments_minor, expected_minor,
    difference_minor, items) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`);
  // A payout's entries in one statement: one call per entry cost more than SQLite's own work.
  const settleItems = db.prepare(
    'INSERT OR REPLACE INTO recon_settlements (transaction_id, payout_id) SELECT value, ? FROM json_each(?)',
  );
  const spans = new Map<string, Span>();
  const payouts: { r: FundsRow; ledger: string; span: Span }[] = [];
  for (const r of rows) {
    const ledger = r.external_id.split(':')[1] ?? '';
    const key = `${r.connection_id}:${ledger}`;
    const span = spans.get(key) ?? spans.set(key, emptySpan()).get(key)!;
    if (r.kind !== 'payout') {
      if (!span.items.length) {
        span.openingId = r.id;
        span.first = r.business_date;
      }
      span.items.push(r);
      if (r.kind === 'capture') {
        span.captures += r.amount_minor;
        span.fees += feeOf(fees.get(`${r.connection_id}:${r.psp}`), r.business_date);
      } else if (r.kind === 'refund') span.refunds += r.amount_minor;
      else if (r.kind === 'adjustment') span.adjustments += r.amount_minor;
      continue;
    }
    payouts.push({ r, ledger, span });
    spans.set(key, emptySpan());
  }
  // The opening balances, from the raw entries that open a span only: parsing every entry's JSON was
  // a third of the pass.
  const openings = new Map(
    all<{ id: number; balance: number | null }>(
      db,
      sql`SELECT id, json_extract(raw_json, '$.balanceBefore') AS balance FROM transactions
           WHERE id IN (SELECT value FROM json_each(${JSON.stringify(payouts.map((p) => p.span.openingId))}))`,
    ).map((x) => [x.id, x.balance]),
  );
  for (const { r, ledger, span } of payouts) {
    const opening = (span.openingId === null ? null : openings.get(span.openingId)) ?? null;
    const actual = -r.amount_minor;
    const expected = (opening ?? 0) + span.captures + span.refunds - span.fees + span.adjustments;
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
      span.adjustments + (opening ?? 0),
      expected,
      actual - expected,
      span.items.length,
    );
    settleItems.run(r.id, JSON.stringify(span.items.map((item) => item.id)));
  }
  return payouts.length;
}
