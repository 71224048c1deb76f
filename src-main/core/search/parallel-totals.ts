import { availableParallelism } from 'node:os';
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import type { Database } from 'better-sqlite3';
import { type Sql, get, sql } from '../store/sql.ts';
import {
  type IdRange,
  type SearchRequest,
  type SearchResult,
  prepareSearch,
  searchPage,
  totalsHere,
  totalsQuery,
} from './search-transactions.ts';
import { type TotalsRow, toTotals } from './search-totals.ts';
import type { TotalsJob, TotalsReply } from './totals-worker.ts';

/**
 * totals-worker.ts beside this file when running from source; in the app bundle, where this code is
 * part of core-host.js, the worker's own entry (TOTALS_WORKER_ENTRY_NAME in build-layout.ts) beside it.
 */
const WORKER_FILE = path.join(import.meta.dirname, `totals-worker${path.extname(import.meta.filename)}`);

/** The slices' bounds: `n` ranges of ids of (about) equal width covering [min, max]. */
export function idSlices(min: number, max: number, n: number): IdRange[] {
  const width = Math.ceil((max - min + 1) / n);
  const out: IdRange[] = [];
  for (let lo = min; lo <= max; lo += width) out.push([lo, Math.min(max, lo + width - 1)]);
  return out;
}

export interface ParallelSearchOptions {
  /** Worker threads (slices per heavy totals query); 1 runs everything on the caller's connection. */
  size?: number;
  /** Told when the pool failed and was given up. */
  onError?: (err: unknown) => void;
}

/**
 * Search whose heavy totals run on several cores. The totals of a text matching tens of thousands of
 * transactions cost one lookup per transaction (measured at 1M rows, 76k matches: 32-37 ms on one
 * connection, the only shape over the 30 ms target), and SQLite runs a query on one core. So the id range
 * is cut into one slice per worker thread, each counting its slice on its own read-only connection,
 * and the slices are summed. Every transaction falls in exactly one slice, so the sum is exact; like
 * the page and totals queries themselves, slices read whatever was committed when each started.
 *
 * Everything else (the page, cheap totals) runs on the caller's connection. Workers start on first
 * use, and are given up for good if one fails.
 */
export class ParallelSearch {
  readonly #file: string;
  #size: number;
  #workers: Worker[] | null = null;
  #next = 1;
  readonly #waiting = new Map<number, { resolve: (rows: unknown[]) => void; reject: (e: Error) => void }>();
  readonly #onError: (err: unknown) => void;

  constructor(
    file: string,
    { size = Math.min(4, availableParallelism()), onError = () => {} }: ParallelSearchOptions = {},
  ) {
    this.#file = file;
    this.#size = size;
    this.#onError = onError;
  }

  async search(db: Database, req: SearchRequest): Promise<SearchResult> {
    const plan = prepareSearch(db, req);
    const page = searchPage(db, plan, req);
    if (!req.totals) return { ...page, totals: null };
    if (plan.match === null || this.#size < 2) return { ...page, totals: totalsHere(db, plan, req) };
    // Two subqueries: SQLite reads a lone min() or max() off the end of the key, but scans for both.
    const ids = get<{ min: number | null; max: number | null }>(
      db,
      sql`SELECT (SELECT min(id) FROM transactions) AS min, (SELECT max(id) FROM transactions) AS max`,
    );
    if (!ids || ids.min === null || ids.max === null) return { ...page, totals: toTotals([]) };
    const slices = idSlices(ids.min, ids.max, this.#size);
    try {
      const parts = await Promise.all(slices.map((s, i) => this.#run(i, totalsQuery(plan, req, s))));
      return { ...page, totals: toTotals(parts.flat() as TotalsRow[]) };
    } catch (err) {
      // Reported, then this request and every later one run on the caller's connection: the same
      // answer, or the same error with the store's own handling.
      this.#onError(err);
      this.#size = 1;
      this.close();
      return { ...page, totals: totalsHere(db, plan, req) };
    }
  }

  #run(slot: number, query: Sql): Promise<unknown[]> {
    const workers = (this.#workers ??= Array.from({ length: this.#size }, () => this.#start()));
    const id = this.#next++;
    const job: TotalsJob = { id, text: query.text, values: query.values };
    return new Promise((resolve, reject) => {
      this.#waiting.set(id, { resolve, reject });
      workers[slot % workers.length]!.postMessage(job);
    });
  }

  #start(): Worker {
    const worker = new Worker(WORKER_FILE, { workerData: { file: this.#file } });
    // A CLI search must be able to exit while the pool idles.
    worker.unref();
    worker.on('message', (reply: TotalsReply) => {
      const waiting = this.#waiting.get(reply.id);
      this.#waiting.delete(reply.id);
      if ('error' in reply) waiting?.reject(new Error(reply.error));
      else waiting?.resolve(reply.rows);
    });
    const fail = (err: Error) => {
      for (const w of this.#waiting.values()) w.reject(err);
      this.#waiting.clear();
    };
    worker.on('error', fail);
    worker.on('exit', (code) => {
      if (code !== 0) fail(new Error(`totals worker exited with ${code}`));
    });
    return worker;
  }

  /** Worker threads running now (0 until the first heavy totals). */
  get threads(): number {
    return this.#workers?.length ?? 0;
  }

  close(): void {
    const workers = this.#workers;
    this.#workers = null;
    for (const w of workers ?? []) void w.terminate();
  }
}
