import type { Database } from 'better-sqlite3';
import { rmSync } from 'node:fs';
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import { AppError } from '../model/app-error.ts';
import type { ClosedPeriod } from '../store/queries/closed-periods.ts';
import { all, run, sql } from '../store/sql.ts';
import type { BookedChunk } from './booked-rows.ts';
import {
  ExportCancelled,
  type ExportOptions,
  type ExportProgress,
  type ExportResult,
  csvFileName,
} from './export-workbook.ts';
import { bookedPeriodFor, checkCanClose, keepClosedPeriod, reopenPeriod } from './period-close.ts';
import { SHEET_IDS } from './sheets.ts';
import type { WorkerJob, WorkerMessage } from './export-worker.ts';

/*
 * The export makes short-lived objects only (a row's cells, its XML), so a small young generation is
 * enough: V8's default let it grow to ~60 MB of semi-spaces, which at a million rows was a third of
 * the export's RSS (measured: --max-semi-space-size=4 took the heap from 95 to 35 MiB and RSS from 258
 * to 180 MiB for 240k Payments rows, at the same CPU time).
 */
const EXPORT_HEAP = { maxYoungGenerationSizeMb: 12 };

const WORKER_FILE = path.join(import.meta.dirname, `export-worker${path.extname(import.meta.filename)}`);

export interface ExportLogEntry {
  id: number;
  at: string;
  actor: string;
  from: string;
  to: string;
  format: 'xlsx' | 'csv';
  options: unknown;
  fileName: string;
  bytes: number;
  rows: number;
  sha256: string;
}

/**
 * Runs exports on a worker thread (never the thread that serves requests), one at a time per job id,
 * and logs each finished one with a hash of its content. Cancelling stops the worker between rows and
 * removes the half-written file.
 */
export class ExportService {
  readonly #db: Database;
  readonly #file: string;
  readonly #actor: string;
  readonly #running = new Map<string, { worker: Worker; flag: Int32Array }>();

  constructor(o: { db: Database; databaseFile: string; actor: string }) {
    this.#db = o.db;
    this.#file = o.databaseFile;
    this.#actor = o.actor;
  }

  /**
   * Exports a period. A closed period is re-exported from what was booked at its close; a period that
   * only partly overlaps a closed one is refused. With `close`, the period is closed once its
   * workbook is written: its rows and figures are kept, and its decisions frozen.
   */
  run(
    jobId: string,
    o: Omit<ExportOptions, 'databaseFile' | 'signal' | 'booked' | 'onBooked'> & {
      signal?: AbortSignal;
      close?: boolean;
    },
  ): Promise<ExportResult & { logId: number; closedPeriodId: number | null }> {
    const { signal, onProgress, now, close, ...rest } = o;
    const booked = close ? checkCanClose(this.#db, o.period, now) : bookedPeriodFor(this.#db, o.period);
    if (close && o.format !== 'xlsx')
      throw new AppError(
        'BAD_INPUT',
        'A period is closed with its workbook (xlsx), which keeps every sheet.',
      );
    const cancelFlag = new SharedArrayBuffer(4);
    const job: WorkerJob = {
      ...rest,
      // Closing keeps every sheet, whatever was asked.
      sheets: close ? undefined : rest.sheets,
      databaseFile: this.#file,
      now: (now ?? new Date()).toISOString(),
      cancelFlag,
      booked: booked ?? undefined,
      close,
    };
    const chunks: BookedChunk[] = [];
    const worker = new Worker(WORKER_FILE, { workerData: job, resourceLimits: EXPORT_HEAP });
    const running = { worker, flag: new Int32Array(cancelFlag) };
    this.#running.set(jobId, running);
    const cancel = () => stop(running);
    signal?.addEventListener('abort', cancel, { once: true });
    return new Promise((resolve, reject) => {
      let settled = false;
      const finish = (
        err: Error | null,
        result?: ExportResult & { logId: number; closedPeriodId: number | null },
      ) => {
        if (settled) return;
        settled = true;
        this.#running.delete(jobId);
        signal?.removeEventListener('abort', cancel);
        void worker.terminate();
        if (err) {
          for (const f of expectedFiles(o)) rmSync(f, { force: true });
          reject(err);
        } else resolve(result!);
      };
      worker.on('message', (m: WorkerMessage) => {
        if (m.type === 'progress') onProgress?.(m satisfies ExportProgress);
        else if (m.type === 'booked') chunks.push(m.chunk);
        else if (m.type === 'done') {
          try {
            finish(null, this.#finished(o, m.result, booked, close ? chunks : null));
          } catch (err) {
            finish(err as Error);
          }
        } else
          finish(
            m.cancelled
              ? new ExportCancelled()
              : m.code
                ? new AppError(m.code, m.message)
                : new Error(m.message),
          );
      });
      worker.on('error', (err) => finish(err));
      worker.on('exit', (code) => finish(new Error(`The export stopped unexpectedly (exit ${code}).`)));
    });
  }

  cancel(jobId?: string): number {
    const targets = jobId
      ? [this.#running.get(jobId)].filter((w) => w !== undefined)
      : [...this.#running.values()];
    for (const r of targets) stop(r);
    return targets.length;
  }

  /** Logs the export and, when closing, keeps what was booked, in one transaction. */
  #finished(
    o: Pick<ExportOptions, 'period' | 'format' | 'locale' | 'out'>,
    r: ExportResult,
    booked: number | null,
    chunks: BookedChunk[] | null,
  ): ExportResult & { logId: number; closedPeriodId: number | null } {
    return this.#db.transaction(() => {
      const options = {
        sheets: r.sheets,
        locale: o.locale ?? null,
        // What the figures are: as booked at a close (that period's id), or the cache's now.
        asBookedIn: booked,
        closes: chunks !== null,
        postCloseAdjustments: r.adjustments,
      };
      const logId = Number(
        run(
          this.#db,
          sql`INSERT INTO export_log (at, actor, period_from, period_to, format, options, file_name, bytes, rows, sha256)
              VALUES (${new Date().toISOString()}, ${this.#actor}, ${o.period.from}, ${o.period.to}, ${o.format},
                      ${JSON.stringify(options)}, ${path.basename(o.out)}, ${r.bytes}, ${r.rows}, ${r.sha256})`,
        ).lastInsertRowid,
      );
      let closedPeriodId: number | null = null;
      if (chunks && r.booked) {
        // Checked again: another close may have landed while the workbook was written.
        checkCanClose(this.#db, o.period);
        closedPeriodId = keepClosedPeriod(this.#db, {
          period: o.period,
          actor: this.#actor,
          exportId: logId,
          booked: r.booked,
          chunks,
        });
      }
      const { booked: _kept, ...result } = r;
      return { ...result, logId, closedPeriodId };
    })();
  }

  /** Reopens the latest closed period (audited, with a reason); its booked rows are let go. */
  reopen(id: number, reason: string): ClosedPeriod {
    return reopenPeriod(this.#db, id, reason, this.#actor);
  }

  /** Newest first; with `id`, that one entry (or none). */
  log(limit = 50, id?: number): ExportLogEntry[] {
    return all<ExportLogEntry & { options: string }>(
      this.#db,
      sql`SELECT id, at, actor, period_from AS "from", period_to AS "to", format, options, file_name AS fileName,
                 bytes, rows, sha256 FROM export_log WHERE ${id ?? null} IS NULL OR id = ${id ?? null}
          ORDER BY id DESC LIMIT ${limit}`,
    ).map((e) => ({ ...e, options: JSON.parse(e.options) as unknown }));
  }
}

function stop(r: { worker: Worker; flag: Int32Array }): void {
  Atomics.store(r.flag, 0, 1);
  r.worker.postMessage({ type: 'cancel' });
}

/** What a failed run may have left: the workbook, or every per-sheet CSV beside `out`. */
function expectedFiles(o: Pick<ExportOptions, 'out' | 'format' | 'sheets'>): string[] {
  const ids = o.sheets?.length ? o.sheets : SHEET_IDS;
  if (o.format === 'xlsx' || ids.length === 1) return [o.out];
  return ids.map((id) => csvFileName(o.out, id, true));
}
