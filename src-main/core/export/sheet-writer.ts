import ExcelJS from 'exceljs';
import { type EventEmitter, once } from 'node:events';
import { DATE_FORMAT, DATE_TIME_FORMAT, major, moneyFormat, safeText } from './cells.ts';

/**
 * One sheet, streamed: rows are committed as they come and never held. The header row is frozen and
 * filtered, columns have widths, money cells carry their currency's format, and a totals row per
 * currency sums the rows above with a formula (its cached result lets readers that do not calculate,
 * openpyxl among them, see the figure). Past Excel's row limit the sheet continues on a new one.
 */
export type ColumnType = 'text' | 'date' | 'datetime' | 'money' | 'int' | 'number';
export interface Column {
  header: string;
  type: ColumnType;
  width: number;
  /** Money and counts: sum it in the totals rows. */
  total?: boolean;
}
/** Money cells are minor units; the row's currency sits in the column `currencyColumn` names. */
export type Cell = string | number | Date | null;

export const EXCEL_MAX_ROWS = 1_048_576;

export interface SheetSpec {
  name: string;
  columns: readonly Column[];
  /** Index of the column holding each row's currency (for formats and per-currency totals). */
  currencyColumn?: number;
  /** Every currency the rows can carry, known before the first row (one totals row each). */
  currencies?: readonly string[];
}

const FORMATS: Partial<Record<ColumnType, string>> = {
  date: DATE_FORMAT,
  datetime: DATE_TIME_FORMAT,
  int: '#,##0',
};
const cellFormat = (type: ColumnType, currency: string | null): string =>
  type === 'money' ? (currency ? moneyFormat(currency) : '') : (FORMATS[type] ?? '');

/*
 * One style object per number format, shared by every data cell that has it: ExcelJS gives each new
 * cell a style object of its own and then looks each one up in full when the row is written (a
 * third of the time per row); a shared object is found by identity. Data cells' styles are never
 * changed after this (totals and header rows get their own).
 */
const styles = new Map<string, Partial<ExcelJS.Style>>();
function sharedStyle(numFmt: string): Partial<ExcelJS.Style> {
  let style = styles.get(numFmt);
  if (!style) {
    style = numFmt ? { numFmt } : {};
    styles.set(numFmt, style);
  }
  return style;
}

/** Rows between looks at the zip's backlog (each look also lets the zip and the file write run). */
const DRAIN_EVERY = 500;
/** XML allowed to wait for zlib: enough that zlib always has work while rows are made. */
const MAX_BACKLOG = 4 * 2 ** 20;

/**
 * Backpressure ExcelJS 4.4's streaming writer leaves out. A committed row goes synchronously into the
 * sheet's StreamBuf, which writes each full 64 KB buffer to the entry stream archiver reads (a
 * PassThrough archiver wraps it in) and ignores what write() returns. When rows come faster than
 * zlib compresses, the XML piles up there: a million rows held ~0.5 GB (arrayBuffers 518 MiB). So:
 * past MAX_BACKLOG, wait until the entry has handed everything on; below it, only yield.
 */
async function drained(ws: ExcelJS.Worksheet): Promise<void> {
  const entry = zipEntry(ws);
  if (entry._writableState.length > MAX_BACKLOG) await once(entry, 'drain');
  else await new Promise((r) => setImmediate(r));
}

type Entry = EventEmitter & { _writableState: { length: number } };
/** The stream archiver reads a sheet's XML from; exported so a test notices an ExcelJS that moved it. */
export function zipEntry(ws: ExcelJS.Worksheet): Entry {
  const entry = (ws as unknown as { stream?: { pipes?: Partial<Entry>[] } }).stream?.pipes?.[0];
  if (typeof entry?._writableState?.length !== 'number' || typeof entry.once !== 'function')
    throw new Error('ExcelJS streaming writer: no zip entry stream behind the sheet (was ExcelJS upgraded?)');
  return entry as Entry;
}

const colLetter = (i: number): string =>
  i < 26 ? String.fromCharCode(65 + i) : colLetter(Math.floor(i / 26) - 1) + colLetter(i % 26);

export class XlsxSheet {
  readonly #wb: ExcelJS.stream.xlsx.WorkbookWriter;
  readonly #spec: SheetSpec;
  readonly #maxRows: number;
  #ws: ExcelJS.Worksheet | null = null;
  #part = 0;
  #rows = 0;
  #sums: Map<string, number[]> = new Map();
  rowsWritten = 0;

  constructor(wb: ExcelJS.stream.xlsx.WorkbookWriter, spec: SheetSpec, maxRows = EXCEL_MAX_ROWS) {
    this.#wb = wb;
    this.#spec = spec;
    this.#maxRows = maxRows;
  }

  /** Bytes of this sheet's XML waiting to be zipped (bounded by the backpressure in add()). */
  get backlog(): number {
    return this.#ws ? zipEntry(this.#ws)._writableState.length : 0;
  }

  /** Rows left for data on one sheet: the header, a blank and a totals row per currency stay free. */
  get #room() {
    return this.#maxRows - 2 - Math.max(1, this.#spec.currencies?.length ?? 1);
  }

  #open() {
    this.#part += 1;
    const name = this.#part === 1 ? this.#spec.name : `${this.#spec.name} (${this.#part})`;
    const ws = this.#wb.addWorksheet(name, { views: [{ state: 'frozen', ySplit: 1 }] });
    ws.columns = this.#spec.columns.map((c) => ({
      header: c.header,
      width: c.width,
      style: FORMATS[c.type] ? { numFmt: FORMATS[c.type] } : {},
    }));
    ws.getRow(1).font = { bold: true };
    this.#ws = ws;
    this.#rows = 0;
    this.#sums = new Map();
  }

  async add(values: readonly Cell[]): Promise<void> {
    if (!this.#ws || this.#rows >= this.#room) {
      if (this.#ws) await this.#close();
      this.#open();
    }
    const ws = this.#ws!;
    const cols = this.#spec.columns;
    const cc = this.#spec.currencyColumn;
    const currency = cc === undefined ? null : (values[cc] as string | null);
    const cells: unknown[] = [];
    let sums: number[] | undefined;
    for (let i = 0; i < cols.length; i++) {
      const v = values[i] ?? null;
      const c = cols[i]!;
      // An empty cell is left out (undefined), not written as null: ExcelJS gives a null cell a style
      // object of its own and renders it to XML once per cell to find its style id.
      if (v === null) cells.push(undefined);
      else if (c.type === 'text') cells.push(safeText(String(v)));
      else if (c.type === 'date' || c.type === 'datetime') cells.push(v);
      else if (c.type === 'money' && currency && typeof v === 'number') {
        cells.push(major(v as number, currency));
        if (c.total) {
          sums ??= this.#sums.get(currency) ?? new Array<number>(cols.length).fill(0);
          sums[i]! += v as number;
        }
      } else {
        cells.push(v);
        if (c.total && currency) {
          sums ??= this.#sums.get(currency) ?? new Array<number>(cols.length).fill(0);
          sums[i]! += v as number;
        }
      }
    }
    if (sums && currency) this.#sums.set(currency, sums);
    const row = ws.addRow(cells);
    for (let i = 0; i < cols.length; i++)
      if (cells[i] !== undefined) row.getCell(i + 1).style = sharedStyle(cellFormat(cols[i]!.type, currency));
    row.commit();
    this.#rows += 1;
    this.rowsWritten += 1;
    if (this.rowsWritten % DRAIN_EVERY === 0) await drained(ws);
  }

  async #close(): Promise<void> {
    const ws = this.#ws!;
    const cols = this.#spec.columns;
    const last = this.#rows + 1;
    const currencies = this.#spec.currencies ?? [];
    const cc = this.#spec.currencyColumn;
    if (cols.some((c) => c.total) && cc !== undefined && currencies.length) {
      ws.addRow([]).commit();
      const single = currencies.length === 1;
      for (const cur of currencies) {
        const sums = this.#sums.get(cur) ?? new Array<number>(cols.length).fill(0);
        const cells: unknown[] = cols.map((c, i) => {
          if (i === 0) return 'Total';
          if (i === cc) return cur;
          if (!c.total) return null;
          const range = `${colLetter(i)}2:${colLetter(i)}${last}`;
          const formula = single
            ? `SUM(${range})`
            : `SUMIF(${colLetter(cc)}2:${colLetter(cc)}${last},"${cur}",${range})`;
          const result = c.type === 'money' ? major(sums[i]!, cur) : sums[i]!;
          return { formula, result };
        });
        const row = ws.addRow(cells);
        row.font = { bold: true };
        cols.forEach((c, i) => {
          if (c.type === 'money') row.getCell(i + 1).numFmt = moneyFormat(cur);
        });
        row.commit();
      }
    }
    ws.autoFilter = `A1:${colLetter(cols.length - 1)}${last}`;
    await ws.commit();
  }

  /** Writes the totals and closes the sheet; a sheet with no rows still gets its header. */
  async end(): Promise<void> {
    if (!this.#ws) this.#open();
    await this.#close();
  }
}

/** A workbook streamed to a file; sheets must be written one after another. */
export function openWorkbook(file: string, created: Date): ExcelJS.stream.xlsx.WorkbookWriter {
  const wb = new ExcelJS.stream.xlsx.WorkbookWriter({
    filename: file,
    useStyles: true,
    useSharedStrings: false,
  });
  wb.creator = 'posrecon';
  wb.created = created;
  return wb;
}
