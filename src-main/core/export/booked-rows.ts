import type { Database } from 'better-sqlite3';
import { createHash, type Hash } from 'node:crypto';
import { deflateRawSync, inflateRawSync } from 'node:zlib';
import { prepare, sql } from '../store/sql.ts';
import type { Cell } from './sheet-writer.ts';

/**
 * The rows of a closed period as they were written at close, kept so a re-export gives the same
 * values. A row is a JSON array (a date cell as {"d": epoch ms}, a summary row's formats beside its
 * cells); rows are deflated in chunks, so a month of a busy shop stays a few MB and is read back one
 * chunk at a time.
 */
export interface BookedRow {
  cells: Cell[];
  /** Summary rows only: a number format per cell, and bold. */
  formats?: (string | null)[];
  bold?: boolean;
}
export interface BookedChunk {
  sheet: string;
  chunk: number;
  rows: number;
  body: Uint8Array;
}

const ROWS_PER_CHUNK = 5000;

const encodeCell = (v: Cell): unknown => (v instanceof Date ? { d: v.getTime() } : v);
const decodeCell = (v: unknown): Cell =>
  v !== null && typeof v === 'object' ? new Date((v as { d: number }).d) : (v as Cell);

export function encodeRow(r: BookedRow): string {
  const cells = r.cells.map(encodeCell);
  return JSON.stringify(r.formats || r.bold ? [cells, r.formats ?? null, r.bold ?? false] : cells);
}
export function decodeRow(line: string): BookedRow {
  const v = JSON.parse(line) as unknown[];
  if (Array.isArray(v[0]))
    return {
      cells: (v[0] as unknown[]).map(decodeCell),
      formats: (v[1] as (string | null)[] | null) ?? undefined,
      bold: v[2] === true,
    };
  return { cells: v.map(decodeCell) };
}

/** A hash per sheet over its rows in order: how a re-export proves it equals what was booked. */
export class SheetHashes {
  readonly #hashes = new Map<string, { hash: Hash; rows: number }>();

  /** Registers a sheet, so an empty one has its (empty) hash too. */
  open(sheet: string): void {
    if (!this.#hashes.has(sheet)) this.#hashes.set(sheet, { hash: createHash('sha256'), rows: 0 });
  }

  add(sheet: string, line: string): void {
    this.open(sheet);
    const x = this.#hashes.get(sheet)!;
    x.hash.update(line).update('\n');
    x.rows += 1;
  }

  digest(): Record<string, { rows: number; sha256: string }> {
    return Object.fromEntries(
      [...this.#hashes].map(([k, v]) => [k, { rows: v.rows, sha256: v.hash.digest('hex') }]),
    );
  }
}

/** Collects rows per sheet into deflated chunks (handed to `onChunk`) and their hashes. */
export class BookedRowsWriter {
  readonly hashes = new SheetHashes();
  readonly #onChunk: (c: BookedChunk) => void;
  #sheet = '';
  #lines: string[] = [];
  #chunk = 0;
  rows = 0;

  constructor(onChunk: (c: BookedChunk) => void) {
    this.#onChunk = onChunk;
  }

  add(sheet: string, row: BookedRow): void {
    if (sheet !== this.#sheet) {
      this.#flush();
      this.#sheet = sheet;
      this.#chunk = 0;
    }
    const line = encodeRow(row);
    this.hashes.add(sheet, line);
    this.#lines.push(line);
    this.rows += 1;
    if (this.#lines.length >= ROWS_PER_CHUNK) this.#flush();
  }

  #flush(): void {
    if (!this.#lines.length) return;
    // A buffer of its own (not a slice of a pool), so it can be moved to another thread.
    const body = new Uint8Array(deflateRawSync(this.#lines.join('\n')));
    this.#onChunk({ sheet: this.#sheet, chunk: this.#chunk++, rows: this.#lines.length, body });
    this.#lines = [];
  }

  /** Flushes the last chunk; each sheet's rows and hash. */
  end(): Record<string, { rows: number; sha256: string }> {
    this.#flush();
    return this.hashes.digest();
  }
}

function* bookedLines(db: Database, periodId: number, sheet: string): Generator<string> {
  const { stmt, values } = prepare(
    db,
    sql`SELECT body FROM closed_period_rows WHERE period_id = ${periodId} AND sheet = ${sheet} ORDER BY chunk`,
  );
  for (const body of stmt.pluck().iterate(...values) as Iterable<Buffer>)
    yield* inflateRawSync(body).toString('utf8').split('\n');
}

/** A closed period's rows of one sheet, in order, one chunk in memory at a time. */
export function* bookedRows(db: Database, periodId: number, sheet: string): Generator<BookedRow> {
  for (const line of bookedLines(db, periodId, sheet)) yield decodeRow(line);
}

/** The sheets whose kept rows no longer hash to what the close recorded (none: all intact). */
export function changedBookedSheets(
  db: Database,
  periodId: number,
  recorded: Record<string, { sha256: string }>,
  sheets: readonly string[],
): string[] {
  const h = new SheetHashes();
  for (const id of sheets) {
    h.open(id);
    for (const line of bookedLines(db, periodId, id)) h.add(id, line);
  }
  return Object.entries(h.digest())
    .filter(([id, x]) => x.sha256 !== recorded[id]?.sha256)
    .map(([id]) => id);
}

export function bookedCount(db: Database, periodId: number, sheet: string): number {
  const { stmt, values } = prepare(
    db,
    sql`SELECT coalesce(sum(rows), 0) FROM closed_period_rows WHERE period_id = ${periodId} AND sheet = ${sheet}`,
  );
  return stmt.pluck().get(...values) as number;
}
