import type { Database } from 'better-sqlite3';
import { providerName, CLASS_LABELS } from '../reconcile/describe.ts';
import { type DiscrepancyRow, discrepancyText } from '../reconcile/discrepancy-text.ts';
import { prepare, rawSql, sql, type Sql } from '../store/sql.ts';
import { dateCell, type ShopClock } from './cells.ts';
import { movedMoneyTotals, paidThroughProvider } from './daily.ts';
import type { ExportPeriod } from './period.ts';
import type { Cell, Column } from './sheet-writer.ts';

/**
 * What each streamed sheet holds: its columns and a row iterator over the snapshot. Rows are read
 * with `iterate`, one at a time, so no sheet is ever materialized.
 */
export interface SheetSource {
  id: SheetId;
  name: string;
  columns: Column[];
  currencyColumn?: number;
  currencies: (db: Database, p: ExportPeriod) => string[];
  count: (db: Database, p: ExportPeriod) => number;
  rows: (db: Database, p: ExportPeriod, clock: ShopClock) => Iterable<Cell[]>;
}
export const SHEET_IDS = [
  'summary',
  'sales',
  'payments',
  'daily',
  'payouts',
  'discrepancies',
  'adjustments',
  'journal',
] as const;
export type SheetId = (typeof SHEET_IDS)[number];

function* iterate<T>(db: Database, q: Sql): Generator<T> {
  const { stmt, values } = prepare(db, q);
  yield* stmt.iterate(...values) as Iterable<T>;
}
/** Each day of the period, in order. */
function* daysOf(p: ExportPeriod): Generator<string> {
  const last = Date.parse(`${p.to}T00:00:00Z`);
  for (let t = Date.parse(`${p.from}T00:00:00Z`); t <= last; t += 86_400_000)
    yield new Date(t).toISOString().slice(0, 10);
}
/**
 * A sheet's rows a day at a time, in day order. Each day's query reads that day through a date index
 * and sorts only that day's rows; one query over the whole period sorted every row of it in a
 * temporary B-tree before the first came out (at a million rows, seconds of CPU and memory).
 */
function* byDay<T>(db: Database, p: ExportPeriod, query: (day: string) => Sql): Generator<T> {
  for (const day of daysOf(p)) yield* iterate<T>(db, query(day));
}
const pluck = (db: Database, q: Sql) => {
  const { stmt, values } = prepare(db, q);
  return stmt.pluck().all(...values) as unknown[];
};

const text = (header: string, width = 16): Column => ({ header, type: 'text', width });
const money = (header: string, width = 14): Column => ({ header, type: 'money', width, total: true });
const date = (header: string): Column => ({ header, type: 'date', width: 12 });
const dateTime = (header: string): Column => ({ header, type: 'datetime', width: 20 });

const inDays = (column: string, p: ExportPeriod) => sql`${rawSql(column)} BETWEEN ${p.from} AND ${p.to}`;

const SALES_WHERE = (p: ExportPeriod) => sql`g.anchor_date BETWEEN ${p.from} AND ${p.to}`;
export const salesSheet: SheetSource = {
  id: 'sales',
  name: 'Sales',
  columns: [
    date('Date'),
    dateTime('Time'),
    text('Invoice', 18),
    text('Customer', 22),
    text('Tenders', 14),
    money('Sale amount'),
    money('Paid'),
    text('Currency', 9),
    text('Paid through', 18),
    text('State', 11),
    text('Linked by', 10),
    text('Payments', 36),
    date('Payout date'),
  ],
  currencyColumn: 7,
  currencies: (db, p) =>
    pluck(
      db,
      sql`SELECT DISTINCT currency FROM recon_groups g WHERE ${SALES_WHERE(p)} ORDER BY 1`,
    ) as string[],
  count: (db, p) => pluck(db, sql`SELECT count(*) FROM recon_groups g WHERE ${SALES_WHERE(p)}`)[0] as number,
  *rows(db, p, clock) {
    type R = {
      key: string;
      anchor_date: string;
      state: string;
      method: string;
      providers: string;
      currency: string;
      sale_minor: number;
      paid_minor: number;
      at: string | null;
      customer: string | null;
      tenders: string | null;
      payments: string | null;
      payout: string | null;
    };
    for (const r of byDay<R>(
      db,
      p,
      (
        day,
      ) => sql`SELECT g.key, g.anchor_date, g.state, g.method, g.providers, g.currency, g.sale_minor, g.paid_minor,
                 min(t.occurred_at) AS at, max(t.customer_name) AS customer,
                 group_concat(DISTINCT t.network) AS tenders,
                 (SELECT group_concat(pt.external_id, ', ') FROM recon_members pm
                    JOIN transactions pt ON pt.id = pm.transaction_id
                   WHERE pm.group_id = g.id AND pm.role = 'payment') AS payments,
                 (SELECT max(po.ledger_date) FROM recon_members sm
                    JOIN recon_settlements s ON s.transaction_id = sm.transaction_id
                    JOIN recon_payouts po ON po.transaction_id = s.payout_id
                   WHERE sm.group_id = g.id) AS payout
            FROM recon_groups g
            JOIN recon_members m ON m.group_id = g.id AND m.role = 'sale'
            JOIN transactions t ON t.id = m.transaction_id
           WHERE g.anchor_date = ${day}
           GROUP BY g.id ORDER BY g.id`,
    ))
      yield [
        dateCell(r.anchor_date),
        r.at ? clock.dateTime(r.at) : null,
        r.key.split(':').at(-1) ?? r.key,
        r.customer,
        r.tenders,
        r.sale_minor,
        r.paid_minor,
        r.currency,
        r.providers ? providerName(r.providers) : '',
        r.state,
        r.method,
        r.payments,
        r.payout ? dateCell(r.payout) : null,
      ];
  },
};

const paidTotals = (db: Database, p: ExportPeriod) =>
  movedMoneyTotals(db, p).filter((x) => x.provider !== 'sentrypos');
const PAYMENTS_WHERE = (p: ExportPeriod) =>
  sql`${inDays('t.business_date', p)} AND ${paidThroughProvider('t')}`;
export const paymentsSheet: SheetSource = {
  id: 'payments',
  name: 'Payments',
  columns: [
    date('Date'),
    dateTime('Time'),
    text('Provider', 11),
    text('Connection', 16),
    text('Kind', 8),
    text('Status', 18),
    text('Method', 12),
    text('Payment id', 38),
    text('Customer', 22),
    money('Amount'),
    text('Currency', 9),
    text('Sale', 18),
    text('State', 11),
    date('Payout date'),
  ],
  currencyColumn: 10,
  // From the rollups: reading every payment twice more to count it cost as much as writing it.
  currencies: (db, p) => [...new Set(paidTotals(db, p).map((x) => x.currency))].sort(),
  count: (db, p) => paidTotals(db, p).reduce((n, x) => n + x.n, 0),
  *rows(db, p, clock) {
    type R = {
      business_date: string;
      occurred_at: string;
      provider: string;
      conn: string;
      kind: string;
      status: string;
      method: string | null;
      external_id: string;
      customer_name: string | null;
      amount_minor: number;
      currency: string;
      group_key: string | null;
      state: string | null;
      payout: string | null;
    };
    for (const r of byDay<R>(
      db,
      p,
      (day) => sql`SELECT t.business_date, t.occurred_at, t.provider, c.name AS conn, t.kind, t.status,
                 coalesce(t.method, t.network) AS method, t.external_id, t.customer_name, t.amount_minor,
                 t.currency, g.key AS group_key, g.state,
                 (SELECT max(po.ledger_date) FROM recon_settlements s
                    JOIN recon_payouts po ON po.transaction_id = s.payout_id
                   WHERE s.transaction_id = t.id
                      OR s.transaction_id IN (SELECT v.transaction_id FROM recon_views v WHERE v.primary_id = t.id)) AS payout
            FROM transactions t JOIN connections c ON c.id = t.connection_id
            LEFT JOIN recon_members m ON m.transaction_id = t.id
            LEFT JOIN recon_groups g ON g.id = m.group_id
           WHERE ${PAYMENTS_WHERE({ from: day, to: day })}
           ORDER BY t.id`,
    ))
      yield [
        dateCell(r.business_date),
        clock.dateTime(r.occurred_at),
        providerName(r.provider),
        r.conn,
        r.kind,
        r.status,
        r.method,
        r.external_id,
        r.customer_name,
        r.amount_minor,
        r.currency,
        r.group_key?.split(':').at(-1) ?? null,
        r.state ?? 'no sale',
        r.payout ? dateCell(r.payout) : null,
      ];
  },
};

const PAYOUTS_WHERE = (p: ExportPeriod) => sql`ledger_date BETWEEN ${p.from} AND ${p.to}`;
export const payoutsSheet: SheetSource = {
  id: 'payouts',
  name: 'Payouts',
  columns: [
    date('Payout date'),
    text('Provider', 11),
    text('Ledger', 12),
    date('First day settled'),
    money('Captures'),
    money('Refunds'),
    money('Fees'),
    money('Adjustments'),
    money('Expected net'),
    money('Actual net'),
    money('Difference'),
    { header: 'Items', type: 'int', width: 8, total: true },
    text('Currency', 9),
  ],
  currencyColumn: 12,
  currencies: (db, p) =>
    pluck(
      db,
      sql`SELECT DISTINCT currency FROM recon_payouts WHERE ${PAYOUTS_WHERE(p)} ORDER BY 1`,
    ) as string[],
  count: (db, p) => pluck(db, sql`SELECT count(*) FROM recon_payouts WHERE ${PAYOUTS_WHERE(p)}`)[0] as number,
  *rows(db, p) {
    for (const r of iterate<Record<string, string | number>>(
      db,
      sql`SELECT * FROM recon_payouts WHERE ${PAYOUTS_WHERE(p)} ORDER BY ledger_date, transaction_id`,
    ))
      yield [
        dateCell(r.ledger_date as string),
        'Vipps',
        r.ledger_id as string,
        dateCell(r.first_date as string),
        r.captures_minor as number,
        r.refunds_minor as number,
        -(r.fees_minor as number),
        r.adjustments_minor as number,
        r.expected_minor as number,
        r.actual_minor as number,
        r.difference_minor as number,
        r.items as number,
        r.currency as string,
      ];
  },
};

const DISC_WHERE = (p: ExportPeriod) => sql`d.business_date BETWEEN ${p.from} AND ${p.to}`;
export const discrepanciesSheet: SheetSource = {
  id: 'discrepancies',
  name: 'Discrepancies',
  columns: [
    date('Date'),
    text('What', 34),
    text('Provider', 14),
    money('Amount'),
    text('Currency', 9),
    text('In words', 80),
    text('Sale', 18),
    text('Records', 40),
  ],
  currencyColumn: 4,
  currencies: (db, p) =>
    pluck(
      db,
      sql`SELECT DISTINCT currency FROM recon_discrepancies d WHERE ${DISC_WHERE(p)} ORDER BY 1`,
    ) as string[],
  count: (db, p) =>
    pluck(db, sql`SELECT count(*) FROM recon_discrepancies d WHERE ${DISC_WHERE(p)}`)[0] as number,
  *rows(db, p) {
    type R = DiscrepancyRow & { group_key: string | null; records: string | null };
    for (const d of iterate<R>(
      db,
      sql`SELECT d.*, g.key AS group_key,
                 (SELECT group_concat(t.external_id, ', ') FROM json_each(d.transaction_ids) j
                    JOIN transactions t ON t.id = j.value) AS records
            FROM recon_discrepancies d LEFT JOIN recon_groups g ON g.id = d.group_id
           WHERE ${DISC_WHERE(p)} ORDER BY d.business_date, d.class, d.id`,
    )) {
      const invoice = d.group_key?.split(':').at(-1) ?? null;
      yield [
        dateCell(d.business_date),
        CLASS_LABELS[d.class] ?? d.class,
        providerName(d.provider),
        d.amount_minor,
        d.currency,
        discrepancyText(db, d, invoice),
        invoice,
        d.records,
      ];
    }
  },
};
