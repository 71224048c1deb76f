import Database from 'better-sqlite3';
import { createHash } from 'node:crypto';
import { createReadStream, statSync } from 'node:fs';
import path from 'node:path';
import { readSettings } from '../store/queries/settings.ts';
import { get, sql } from '../store/sql.ts';
import { readAccountMapping } from './accounts.ts';
import { ShopClock, csvLocale } from './cells.ts';
import { CsvSheet } from './csv-sheet.ts';
import { dailySheet, journalSheet } from './daily-journal-sheets.ts';
import type { ExportPeriod } from './period.ts';
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
import { writeSummary } from './summary-sheet.ts';

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
}

export class ExportCancelled extends Error {
  constructor() {
    super('The export was cancelled.');
  }
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
 * streamed; the only things held whole are the small aggregates (Daily, Journal).
 */
export async function exportWorkbook(o: ExportOptions): Promise<ExportResult> {
  const db = new Database(o.databaseFile, { readonly: true, fileMustExist: true });
  db.pragma('busy_timeout = 5000');
  const files: string[] = [];
  let rows = 0;
  try {
    db.exec('BEGIN');
    // The snapshot starts at the first read, not at BEGIN: read now so every sheet sees the same data.
    const settings = readSettings(db);
    const mapping = readAccountMapping(db);
    const clock = new ShopClock(settings.timeZone);
    const wanted = new Set<SheetId>(o.sheets?.length ? o.sheets : SHEET_IDS);
    const sources: SheetSource[] = [
      salesSheet,
      paymentsSheet,
      dailySheet(mapping),
      payoutsSheet,
      discrepanciesSheet,
      journalSheet(mapping),
    ].filter((s) => wanted.has(s.id));
    const counts = sources.map((s) => s.count(db, o.period));
    const totalRows = counts.reduce((a, b) => a + b, 0);
    const progress = (sheet: string) => o.onProgress?.({ sheet, rows, totalRows });
    const check = () => {
      if (o.signal?.aborted) throw new ExportCancelled();
    };
    const created = o.now ?? new Date();

    if (o.format === 'xlsx') {
      const wb = openWorkbook(o.out, created);
      files.push(o.out);
      if (wanted.has('summary')) {
        const synced = get<{ at: string | null }>(
          db,
          sql`SELECT max(last_finished_at) AS at FROM sync_state`,
        );
        await writeSummary(wb, db, {
          shopName: settings.shopName,
          timeZone: settings.timeZone,
          currency: settings.currency,
          period: o.period,
          created,
          createdCell: clock.dateTime(created.toISOString())!,
          dataAsOf: synced?.at ?? null,
          transactions: get<{ n: number }>(db, sql`SELECT count(*) AS n FROM transactions`)?.n ?? 0,
          sheets: ['Summary', ...sources.map((s) => s.name)],
        });
      }
      for (const s of sources) {
        const sheet = new XlsxSheet(
          wb,
          {
            name: s.name,
            columns: s.columns,
            currencyColumn: s.currencyColumn,
            currencies: s.currencies(db, o.period),
          },
          o.maxRowsPerSheet ?? EXCEL_MAX_ROWS,
        );
        progress(s.name);
        for (const r of s.rows(db, o.period, clock)) {
          await sheet.add(r);
          rows += 1;
          if (rows % 5000 === 0) {
            check();
            progress(s.name);
          }
        }
        check();
        await sheet.end();
      }
      check();
      await wb.commit();
    } else {
      const locale = csvLocale(o.locale ?? 'en-GB');
      const many = sources.length > 1;
      for (const s of sources) {
        const file = csvFileName(o.out, s.id, many);
        files.push(file);
        const sheet = new CsvSheet(
          file,
          { name: s.name, columns: s.columns, currencyColumn: s.currencyColumn },
          locale,
        );
        progress(s.name);
        for (const r of s.rows(db, o.period, clock)) {
          await sheet.add(r);
          rows += 1;
          if (rows % 5000 === 0) {
            check();
            progress(s.name);
          }
        }
        check();
        await sheet.end();
      }
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
    sheets: [...(o.sheets?.length ? o.sheets : SHEET_IDS)],
  };
}
