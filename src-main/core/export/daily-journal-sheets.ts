import type { Database } from 'better-sqlite3';
import { all, sql } from '../store/sql.ts';
import { type AccountMapping, clearingAccount, revenueAccount, vatCode } from './accounts.ts';
import { dateCell } from './cells.ts';
import { type DailyRow, dailyByTenderAndVat } from './daily.ts';
import { type JournalLine, type PayoutFacts, payoutVoucher, revenueVouchers } from './journal.ts';
import type { ExportPeriod } from './period.ts';
import type { Cell } from './sheet-writer.ts';
import type { SheetSource } from './sheets.ts';

/*
 * The Daily and Journal sheets are aggregates (days × tenders × rates, plus one voucher per payout),
 * small whatever the period's row count, so they are computed whole and then written.
 */
export const TENDERS: Record<string, string> = {
  cash: 'Cash',
  vipps: 'Vipps',
  tgi: 'TGI',
  sensepass: 'SensePass',
  cents: 'Cents',
};

export function payoutFacts(db: Database, p: ExportPeriod): PayoutFacts[] {
  return all<PayoutFacts>(
    db,
    sql`SELECT transaction_id AS id, ledger_id AS ledgerId, ledger_date AS ledgerDate, 'vipps' AS provider,
               currency, captures_minor AS capturesMinor, refunds_minor AS refundsMinor, fees_minor AS feesMinor,
               adjustments_minor AS adjustmentsMinor, expected_minor AS expectedMinor,
               actual_minor AS actualMinor, difference_minor AS differenceMinor
          FROM recon_payouts WHERE ledger_date BETWEEN ${p.from} AND ${p.to}
         ORDER BY ledger_date, transaction_id`,
  );
}

/** Every voucher of the period in date order: the day's takings first, then that day's payouts. */
export function journal(
  db: Database,
  p: ExportPeriod,
  m: AccountMapping,
  daily?: DailyRow[],
  extra: readonly JournalLine[][] = [],
): JournalLine[][] {
  const rev = revenueVouchers(daily ?? dailyByTenderAndVat(db, p, m.defaultVatRateBp), m);
  const pay = payoutFacts(db, p).map((x) => payoutVoucher(x, m));
  return [...rev, ...pay, ...extra].sort((a, b) => {
    const x = a[0]!;
    const y = b[0]!;
    return x.date.localeCompare(y.date) || x.voucher.localeCompare(y.voucher);
  });
}

/** Computed once per period: a sheet's count, currencies and rows all read the same aggregate. */
function perPeriod<T>(compute: (db: Database, p: ExportPeriod) => T): (db: Database, p: ExportPeriod) => T {
  let cache: { key: string; value: T } | null = null;
  return (db, p) => {
    const key = `${p.from}|${p.to}`;
    if (cache?.key !== key) cache = { key, value: compute(db, p) };
    return cache.value;
  };
}

/** A sheet over a list computed whole (an aggregate): currencies, count and rows all read the list. */
export function listSheet<T>(
  head: Pick<SheetSource, 'id' | 'name' | 'columns' | 'currencyColumn'>,
  listOf: (db: Database, p: ExportPeriod) => readonly T[],
  currencyOf: (x: T) => string,
  cells: (x: T) => Cell[],
): SheetSource {
  return {
    ...head,
    currencies: (db, p) => [...new Set(listOf(db, p).map(currencyOf))].sort(),
    count: (db, p) => listOf(db, p).length,
    *rows(db, p) {
      for (const x of listOf(db, p)) yield cells(x);
    },
  };
}

/**
 * The period's Daily rows, computed once: the Daily and Journal sheets (and a close's booked figures)
 * are handed the same one, as each computation reads every record of the period that moved money.
 */
export const dailyRows = (m: AccountMapping) =>
  perPeriod((db, p) => dailyByTenderAndVat(db, p, m.defaultVatRateBp));

export function dailySheet(m: AccountMapping, daily = dailyRows(m)): SheetSource {
  return listSheet(
    {
      id: 'daily',
      name: 'Daily by tender and VAT',
      columns: [
        { header: 'Date', type: 'date', width: 12 },
        { header: 'Tender', type: 'text', width: 12 },
        { header: 'VAT rate', type: 'number', width: 9 },
        { header: 'Gross', type: 'money', width: 15, total: true },
        { header: 'Net', type: 'money', width: 15, total: true },
        { header: 'VAT', type: 'money', width: 14, total: true },
        { header: 'Currency', type: 'text', width: 9 },
        { header: 'VAT code', type: 'text', width: 9 },
        { header: 'Revenue account', type: 'text', width: 10 },
        { header: 'Clearing account', type: 'text', width: 10 },
        { header: 'VAT from', type: 'text', width: 14 },
      ],
      currencyColumn: 6,
    },
    daily,
    (r) => r.currency,
    (r) => [
      dateCell(r.date),
      TENDERS[r.tender] ?? r.tender,
      r.rateBp === null ? null : r.rateBp / 10_000,
      r.grossMinor,
      r.netMinor,
      r.vatMinor,
      r.currency,
      vatCode(m, r.rateBp),
      r.rateBp === null ? m.donations : revenueAccount(m, r.rateBp),
      clearingAccount(m, r.tender),
      r.source,
    ],
  );
}

/** `extra`: vouchers booked in this period for other days (post-close adjustments). */
export function journalSheet(
  m: AccountMapping,
  extra: readonly JournalLine[][] = [],
  daily = dailyRows(m),
): SheetSource {
  return listSheet(
    {
      id: 'journal',
      name: 'Journal',
      columns: [
        { header: 'Voucher', type: 'text', width: 26 },
        { header: 'Date', type: 'date', width: 12 },
        { header: 'Account', type: 'text', width: 9 },
        { header: 'Debit', type: 'money', width: 15, total: true },
        { header: 'Credit', type: 'money', width: 15, total: true },
        { header: 'Currency', type: 'text', width: 9 },
        { header: 'VAT code', type: 'text', width: 9 },
        { header: 'Text', type: 'text', width: 44 },
        { header: 'Reference', type: 'text', width: 30 },
      ],
      currencyColumn: 5,
    },
    perPeriod((db, p) => journal(db, p, m, daily(db, p), extra).flat()),
    (l) => l.currency,
    (l) => [
      l.voucher,
      dateCell(l.date),
      l.account,
      l.debitMinor || null,
      l.creditMinor || null,
      l.currency,
      l.vatCode,
      l.text,
      l.reference,
    ],
  );
}
