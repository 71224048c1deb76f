import Database from 'better-sqlite3';
import { createHash } from 'node:crypto';
import { createReadStream, statSync } from 'node:fs';
import path from 'node:path';
import { readSettings } from '../store/queries/settings.ts';
import { countRows } from '../store/queries/transactions.ts';
import { get, sql } from '../store/sql.ts';
import { readAccountMapping } from './accounts.ts';
import {
  type BookedChunk,
  type BookedRow,
  BookedRowsWriter,
  bookedCount,
  bookedRows,
  changedBookedSheets,
} from './booked-rows.ts';
import { DATE_TIME_FORMAT, ShopClock, csvLocale } from './cells.ts';
import { CsvSheet } from './csv-sheet.ts';
import { dailyRows, dailySheet, journalSheet, payoutFacts } from './daily-journal-sheets.ts';
import type { ExportPeriod } from './period.ts';
import {
  type BookedFigures,
  adjustmentVouchers,
  adjustmentsSheet,
  bookedAdjustments,
  postCloseAdjustments,
  readFigures,
} from './post-close.ts';
import { EXCEL_MAX_ROWS, XlsxSheet, openWorkbook } from './sheet-writer.ts';
import {
  SHEET_IDS,
  type SheetId,
  type SheetSource,
  discrepanciesSheet,
  paymentsSheet,
  payoutsSheet,
  salesSheet,
} from './sheets.ts';
import { summaryRows, writeSummary } from './summary-sheet.ts';

export interface ExportOptions {
  /** The cache file; the export opens its own read-only connection to it. */
  databaseFile: string;
  period: ExportPeriod;
  format: 'xlsx' | 'csv';
  /** Default: all. */
  sheets?: readonly SheetId[];
  /** The workbook, or for CSV the first file's path (one file per sheet: NAME-sheet.csv). */
  out: string;
  /** CSV delimiter and decimal mark by locale (nb-NO: `;` and `,`). */
  locale?: string;
  signal?: AbortSignal;
  onProgress?: (p: ExportProgress) => void;
  /** Tests: continue a sheet on a new one after this many rows. */
  maxRowsPerSheet?: number;
  now?: Date;
  /** Re-export of a closed period: every row comes from what was booked at its close (this id). */
  booked?: number;
  /** Closing the period: every row written is also handed here, with the figures the close keeps. */
  onBooked?: (c: BookedChunk) => void;
}
export interface ExportProgress {
  sheet: string;
  rows: number;
  totalRows: number;
}
export interface ExportResult {
  files: string[];
  rows: number;
  bytes: number;
  sha256: string;
  sheets: SheetId[];
  /** How many post-close adjustments to closed days the export books. */
  adjustments: number;
  /** When closing: what the close keeps (rows went to `onBooked`). */
  booked?: { rows: number; sha256: string; figures: BookedFigures };
}

export class ExportCancelled extends Error {
  constructor() {
    super('The export was cancelled.');
  }
}

/** A closed period's kept rows no longer match their hash: the file was edited outside posrecon. */
export class BookedRowsChanged extends Error {
  readonly code = 'BOOKED_ROWS_CHANGED';
}

/** One file per sheet when there are several: NAME-sheet.csv beside `out`. */
export const csvFileName = (out: string, id: SheetId, many: boolean): string => {
  if (!many) return out;
  const ext = path.extname(out) || '.csv';
  return `${out.slice(0, out.length - path.extname(out).length)}-${id}${ext}`;
};

async function sha256(files: string[]): Promise<string> {
  const h = createHash('sha256');
  for (const f of files) for await (const chunk of createReadStream(f)) h.update(chunk as Buffer);
  return h.digest('hex');
}

/**
 * Writes the period's workbook (or CSVs) from one read transaction on a connection of its own: WAL
 * keeps that snapshot whole while a sync writes, and every sheet agrees with every other. Rows are
 * streamed; the only things held whole are the small aggregates (Daily, Journal, adjustments).
 *
 * A closed period's export replays the rows booked at its close (and checks them against their hash);
 * an open period's export after a closed one adds what changed on closed days since, as post-close
 * adjustments (their own sheet and Journal vouchers dated the period's first day).
 */
export async function exportWorkbook(o: ExportOptions): Promise<ExportResult> {
  const db = new Database(o.databaseFile, { readonly: true, fileMustExist: true });
  db.pragma('busy_timeout = 5000');
  const files: string[] = [];
  let rows = 0;
  let adjustments: number | undefined;
  let sheetIds: SheetId[] | undefined;
  let booked: ExportResult['booked'];
  try {
    db.exec('BEGIN');
    // The snapshot starts at the first read, not at BEGIN: read now so every sheet sees the same data.
    const settings = readSettings(db);
    const mapping = readAccountMapping(db);
    const clock = new ShopClock(settings.timeZone);
    const wanted = new Set<SheetId>(o.sheets?.length ? o.sheets : SHEET_IDS);
    const replay = o.booked === undefined ? null : { id: o.booked, figures: readFigures(db, o.booked) };
    const adj = replay ? null : postCloseAdjustments(db, o.period);
    adjustments = adj?.length ?? 0;
    const daily = dailyRows(mapping);
    let sources: SheetSource[] = [
      salesSheet,
      paymentsSheet,
      dailySheet(mapping, daily),
      payoutsSheet,
      discrepanciesSheet,
      ...(adj ? [adjustmentsSheet(adj, o.period.from)] : []),
      journalSheet(mapping, adj ? adjustmentVouchers(adj, mapping, o.period.from) : [], daily),
    ];
    if (replay) sources = sources.map((s) => bookedSource(s, replay.id, replay.figures));
    sources = sources.filter((s) => wanted.has(s.id) && (!replay || s.id in replay.figures.sheets));
    const withSummary =
      o.format === 'xlsx' && wanted.has('summary') && (!replay || 'summary' in replay.figures.sheets);
    sheetIds = [...(withSummary ? (['summary'] as const) : []), ...sources.map((s) => s.id)];
    if (replay) {
      // Checked before a row is written: a changed booked row is never passed on to the accountant.
      const changed = changedBookedSheets(db, replay.id, replay.figures.sheets, sheetIds);
      if (changed.length)
        throw new BookedRowsChanged(
          `The rows booked when ${o.period.from} to ${o.period.to} was closed do not match their hash (${changed.join(', ')}): the cache file was changed outside posrecon. Restore it from a backup, or reopen and close the period again.`,
        );
    }
    const counts = sources.map((s) => s.count(db, o.period));
    const totalRows = counts.reduce((a, b) => a + b, 0);
    const progress = (sheet: string) => o.onProgress?.({ sheet, rows, totalRows });
    const check = () => {
      if (o.signal?.aborted) throw new ExportCancelled();
    };
    const created = o.now ?? new Date();
    // Closing: every row is kept as written (and hashed per sheet).
    const keep = o.onBooked ? new BookedRowsWriter(o.onBooked) : null;
    const written = (id: string, row: BookedRow) => keep?.add(id, row);
    const writeSheet = async (s: SheetSource, sheet: XlsxSheet | CsvSheet) => {
      keep?.hashes.open(s.id);
      progress(s.name);
      for (const r of s.rows(db, o.period, clock)) {
        await sheet.add(r);
        written(s.id, { cells: r });
        rows += 1;
        if (rows % 5000 === 0) {
          check();
          progress(s.name);
        }
      }
      check();
      await sheet.end();
    };

    if (o.format === 'xlsx') {
      const wb = openWorkbook(o.out, created);
      files.push(o.out);
      if (withSummary) {
        const summary = replay
          ? [...bookedRows(db, replay.id, 'summary')]
          : summaryRows(db, {
              shopName: settings.shopName,
              timeZone: settings.timeZone,
              currency: settings.currency,
              period: o.period,
              created,
              createdCell: clock.dateTime(created.toISOString())!,
              dataAsOf:
                get<{ at: string | null }>(db, sql`SELECT max(last_finished_at) AS at FROM sync_state`)?.at ??
                null,
              transactions: countRows(db).transactions,
              sheets: ['Summary', ...sources.map((s) => s.name)],
              adjustments: adj?.length ?? 0,
            });
        for (const r of summary) written('summary', r);
        const closedNote: BookedRow[] = replay
          ? [
              { cells: [] },
              { cells: ['This period is closed: every figure is as booked when it was closed.'], bold: true },
              {
                cells: ['Re-exported at (shop time)', clock.dateTime(created.toISOString())],
                formats: [null, DATE_TIME_FORMAT],
              },
            ]
          : [];
        await writeSummary(wb, [...summary, ...closedNote]);
      }
      for (const s of sources)
        await writeSheet(
          s,
          new XlsxSheet(
            wb,
            {
              name: s.name,
              columns: s.columns,
              currencyColumn: s.currencyColumn,
              currencies: s.currencies(db, o.period),
            },
            o.maxRowsPerSheet ?? EXCEL_MAX_ROWS,
          ),
        );
      check();
      await wb.commit();
    } else {
      const locale = csvLocale(o.locale ?? 'en-GB');
      const many = sources.length > 1;
      for (const s of sources) {
        const file = csvFileName(o.out, s.id, many);
        files.push(file);
        await writeSheet(
          s,
          new CsvSheet(file, { name: s.name, columns: s.columns, currencyColumn: s.currencyColumn }, locale),
        );
      }
    }
    if (keep) {
      const sheets = keep.end();
      const figures: BookedFigures = {
        defaultVatRateBp: mapping.defaultVatRateBp,
        daily: daily(db, o.period),
        payouts: payoutFacts(db, o.period),
        adjustments: bookedAdjustments(adj),
        sheets: Object.fromEntries(
          Object.entries(sheets).map(([id, x]) => [
            id,
            { ...x, currencies: sources.find((s) => s.id === id)?.currencies(db, o.period) ?? [] },
          ]),
        ),
      };
      booked = { rows: keep.rows, sha256: bookedHash(figures, Object.keys(sheets)), figures };
    }
    o.onProgress?.({ sheet: 'done', rows, totalRows });
    db.exec('COMMIT');
  } finally {
    if (db.inTransaction) db.exec('ROLLBACK');
    db.close();
  }
  const bytes = files.reduce((s, f) => s + statSync(f).size, 0);
  return {
    files,
    rows,
    bytes,
    sha256: await sha256(files),
    sheets: sheetIds ?? [],
    adjustments: adjustments ?? 0,
    booked,
  };
}

/** One hash for a set of sheets: over each sheet's own row hash, in order. */
function bookedHash(f: BookedFigures, ids: readonly string[]): string {
  const h = createHash('sha256');
  for (const id of ids) h.update(`${id}\t${f.sheets[id]?.sha256 ?? ''}\n`);
  return h.digest('hex');
}

/** A sheet as booked at close: same columns, rows and currencies from the closed period's keeping. */
function bookedSource(s: SheetSource, id: number, f: BookedFigures): SheetSource {
  return {
    ...s,
    currencies: () => f.sheets[s.id]?.currencies ?? [],
    count: (db) => bookedCount(db, id, s.id),
    *rows(db) {
      for (const r of bookedRows(db, id, s.id)) yield r.cells;
    },
  };
}
