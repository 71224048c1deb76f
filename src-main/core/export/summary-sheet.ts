import type { Database } from 'better-sqlite3';
import type ExcelJS from 'exceljs';
import { CLASS_LABELS, providerName } from '../reconcile/describe.ts';
import { reconcileSummary } from '../reconcile/summary.ts';
import type { BookedRow } from './booked-rows.ts';
import { DATE_FORMAT, DATE_TIME_FORMAT, dateCell, major, moneyFormat, safeText } from './cells.ts';
import { movedMoneyTotals } from './daily.ts';
import type { ExportPeriod } from './period.ts';
import type { Cell } from './sheet-writer.ts';

export interface SummaryFacts {
  shopName: string;
  timeZone: string;
  currency: string;
  period: ExportPeriod;
  created: Date;
  /** Shop-zone wall clock of `created`, for the cell. */
  createdCell: Date;
  dataAsOf: string | null;
  transactions: number;
  sheets: string[];
  /** How many post-close adjustments the workbook books (none: no line). */
  adjustments?: number;
}

/** The Summary as rows: kept whole when a period closes, so a re-export shows what was booked. */
export function summaryRows(db: Database, f: SummaryFacts): BookedRow[] {
  const rows: BookedRow[] = [];
  const put = (cells: Cell[], formats?: Record<number, string>, bold = false) => {
    const row: BookedRow = { cells };
    if (formats) row.formats = cells.map((_, i) => formats[i + 1] ?? null);
    if (bold) row.bold = true;
    rows.push(row);
  };
  const dateFmt = (col: number, f2 = DATE_FORMAT) => ({ [col]: f2 });
  const moneyFmt = (cols: number[], currency: string) =>
    Object.fromEntries(cols.map((c) => [c, moneyFormat(currency)]));
  put(['Accountant export', f.shopName], undefined, true);
  put(['Period from', dateCell(f.period.from)], dateFmt(2));
  put(['Period to', dateCell(f.period.to)], dateFmt(2));
  put(['Time zone', f.timeZone]);
  put(['Made at (shop time)', f.createdCell], dateFmt(2, DATE_TIME_FORMAT));
  put(['Data synced up to (UTC)', f.dataAsOf ?? 'never synced']);
  put(['Records in the cache', f.transactions]);
  put(['Sheets', f.sheets.join(', ')]);
  if (f.adjustments) put([`Post-close adjustments (changes to closed days; see that sheet)`, f.adjustments]);
  put([]);

  put(['Money moved, per provider', 'Captures', 'Refunds', 'Net', 'Count', 'Currency'], undefined, true);
  // Per provider and currency, from the rollups (each movement once): captures, refunds and a count.
  const moved = new Map<
    string,
    { provider: string; currency: string; cap: number; ref: number; n: number }
  >();
  for (const x of movedMoneyTotals(db, f.period)) {
    const key = `${x.provider}\t${x.currency}`;
    const r = moved.get(key) ?? { provider: x.provider, currency: x.currency, cap: 0, ref: 0, n: 0 };
    if (x.kind === 'refund') r.ref += x.amountMinor;
    else r.cap += x.amountMinor;
    r.n += x.n;
    moved.set(key, r);
  }
  for (const [, r] of [...moved].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    const name = r.provider === 'sentrypos' ? 'Cash (till)' : providerName(r.provider);
    put(
      [
        name,
        major(r.cap, r.currency),
        major(r.ref, r.currency),
        major(r.cap + r.ref, r.currency),
        r.n,
        r.currency,
      ],
      moneyFmt([2, 3, 4], r.currency),
    );
  }
  put([]);

  const s = reconcileSummary(db, f.period, []);
  put(['Reconciliation of sales', 'Sales', 'Money', 'Currency'], undefined, true);
  const byState = new Map<string, Map<string, number>>();
  for (const row of s.rows)
    for (const m of row.money)
      for (const [state, v] of [
        ['linked', m.linkedMinor],
        ['review', m.reviewMinor],
        ['unmatched', m.unmatchedMinor],
      ] as const) {
        const x = byState.get(state) ?? new Map<string, number>();
        x.set(m.currency, (x.get(m.currency) ?? 0) + v);
        byState.set(state, x);
      }
  const counts = {
    linked: s.totals.linked,
    review: s.totals.review,
    unmatched: s.totals.unmatched + s.totals.unmatchedPayments,
  };
  for (const [state, label] of [
    ['linked', 'Linked'],
    ['review', 'In review'],
    ['unmatched', 'Unmatched (sales and payments)'],
  ] as const) {
    const money = [...(byState.get(state) ?? new Map<string, number>())];
    if (!money.length) money.push([f.currency, 0]);
    money.forEach(([cur, v], i) =>
      put([i === 0 ? label : '', i === 0 ? counts[state] : null, major(v, cur), cur], moneyFmt([3], cur)),
    );
  }
  put(['Explained (cash, retried attempts, young pending)', s.totals.explained]);
  put([]);
  put(['Open discrepancies', 'Count', 'Money', 'Currency'], undefined, true);
  for (const c of s.classes) {
    if (!c.count) {
      put([CLASS_LABELS[c.class], 0]);
      continue;
    }
    c.money.forEach((m, i) =>
      put(
        [i === 0 ? c.label : '', i === 0 ? c.count : null, major(m.amountMinor, m.currency), m.currency],
        moneyFmt([3], m.currency),
      ),
    );
  }
  return rows;
}

/** Writes Summary rows (made now, or as booked at close) as the Summary sheet. */
export async function writeSummary(wb: ExcelJS.stream.xlsx.WorkbookWriter, rows: Iterable<BookedRow>) {
  const ws = wb.addWorksheet('Summary', { views: [{ state: 'frozen', ySplit: 1 }] });
  ws.columns = [{ width: 34 }, { width: 18 }, { width: 18 }, { width: 18 }, { width: 18 }, { width: 10 }];
  for (const r of rows) {
    const row = ws.addRow(r.cells.map((c) => (typeof c === 'string' ? safeText(c) : c)));
    if (r.bold) row.font = { bold: true };
    r.formats?.forEach((f, i) => {
      if (f) row.getCell(i + 1).numFmt = f;
    });
    row.commit();
  }
  await ws.commit();
}
