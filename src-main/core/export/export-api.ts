import type { Database } from 'better-sqlite3';
import { existsSync, mkdirSync, statSync } from 'node:fs';
import path from 'node:path';
import type { z } from 'zod';
import { AppError } from '../model/app-error.ts';
import type { EventBus } from '../api/event-bus.ts';
import type { ExportEntry } from './export-schemas.ts';
import { type ClosedPeriod, closedPeriods } from '../store/queries/closed-periods.ts';
import { ExportService } from './export-service.ts';
import { ExportCancelled } from './export-workbook.ts';
import { PeriodError, checkPeriod } from './period.ts';
import { SHEET_IDS, type SheetId } from './sheets.ts';

type Entry = z.output<typeof ExportEntry>;

const CONTENT_TYPES = {
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  csv: 'text/csv; charset=utf-8',
} as const;

/** The folder every export made through the contract goes to; nothing is served from anywhere else. */
export function exportsDir(home: string): string {
  return path.join(home, 'exports');
}

/**
 * The contract's side of exports: the renderer never names a path. Files are written into the home's
 * exports folder under a name made here, logged, and later fetched by their log id only.
 */
export class ExportsApi {
  readonly #service: ExportService;
  readonly #dir: string;
  readonly #events: EventBus;
  readonly #db: Database;
  #jobs = 0;

  constructor(o: { db: Database; databaseFile: string; home: string; actor: string; events: EventBus }) {
    this.#db = o.db;
    this.#dir = exportsDir(o.home);
    this.#events = o.events;
    this.#service = new ExportService({ db: o.db, databaseFile: o.databaseFile, actor: o.actor });
  }

  async run(o: {
    from: string;
    to: string;
    format: 'xlsx' | 'csv';
    sheets?: SheetId[];
    locale?: string;
    jobId?: string;
    close?: boolean;
  }): Promise<Entry> {
    let period;
    try {
      period = checkPeriod(o.from, o.to);
    } catch (err) {
      if (err instanceof PeriodError) throw new AppError('BAD_INPUT', err.message);
      throw err;
    }
    const jobId = o.jobId ?? `export-${++this.#jobs}`;
    mkdirSync(this.#dir, { recursive: true });
    const out = this.#freshName(`posrecon-${period.from}-to-${period.to}`, o.format);
    try {
      const r = await this.#service.run(jobId, {
        period,
        format: o.format,
        sheets: o.sheets,
        locale: o.locale,
        out,
        close: o.close,
        onProgress: (p) => this.#events.emit('export:progress', { jobId, ...p }),
      });
      return this.get(r.logId);
    } catch (err) {
      if (err instanceof ExportCancelled)
        throw new AppError('CANCELLED', 'The export was cancelled; no file was left behind.');
      throw err;
    }
  }

  cancel(jobId?: string): number {
    return this.#service.cancel(jobId);
  }

  /** Closes the period with its workbook; answers with the closed period and that export. */
  async close(o: {
    from: string;
    to: string;
    jobId?: string;
  }): Promise<{ period: ClosedPeriod; export: Entry }> {
    const entry = await this.run({ ...o, format: 'xlsx', close: true });
    const period = closedPeriods(this.#db).find((p) => p.exportId === entry.id);
    if (!period)
      throw new AppError('INTERNAL', 'The period was exported but its close could not be read back.');
    return { period, export: entry };
  }

  reopen(id: number, reason: string): ClosedPeriod {
    return this.#service.reopen(id, reason);
  }

  periods(): ClosedPeriod[] {
    return closedPeriods(this.#db);
  }

  list(limit: number): Entry[] {
    return this.#service.log(limit).map((e) => this.#entry(e));
  }

  get(id: number): Entry {
    const e = this.#service.log(1, id)[0];
    if (!e) throw new AppError('NOT_FOUND', `There is no export number ${id}.`);
    return this.#entry(e);
  }

  /** A logged export's file, refused if it is gone or (by a tampered log) outside the exports folder. */
  file(id: number): { file: string; fileName: string; contentType: string; bytes: number } {
    const e = this.get(id);
    const file = this.#pathOf(e.fileName);
    if (!file || !existsSync(file))
      throw new AppError('NOT_FOUND', `The file of export ${id} is no longer in ${this.#dir}.`);
    return { file, fileName: e.fileName, contentType: CONTENT_TYPES[e.format], bytes: statSync(file).size };
  }

  #pathOf(fileName: string): string | null {
    if (path.basename(fileName) !== fileName || fileName.startsWith('.')) return null;
    return path.join(this.#dir, fileName);
  }

  #entry(e: ReturnType<ExportService['log']>[number]): Entry {
    const options = (e.options ?? {}) as {
      sheets?: SheetId[];
      asBookedIn?: number | null;
      closes?: boolean;
      postCloseAdjustments?: number;
    };
    const file = this.#pathOf(e.fileName);
    return {
      id: e.id,
      at: e.at,
      actor: e.actor,
      from: e.from,
      to: e.to,
      format: e.format,
      sheets: (options.sheets ?? [...SHEET_IDS]).filter((s) => SHEET_IDS.includes(s)),
      fileName: e.fileName,
      bytes: e.bytes,
      rows: e.rows,
      sha256: e.sha256,
      // A CSV of several sheets (the CLI's) is several files; the contract only makes single files.
      available: file !== null && existsSync(file) && statSync(file).isFile(),
      asBookedIn: options.asBookedIn ?? null,
      closes: options.closes ?? false,
      postCloseAdjustments: options.postCloseAdjustments ?? 0,
    };
  }

  /** A name not yet used: two exports of one period in the same second must not overwrite each other. */
  #freshName(stem: string, ext: string): string {
    const stamp = new Date().toISOString().slice(0, 19).replace(/[-:]/g, '').replace('T', '-');
    for (let n = 1; ; n++) {
      const name = `${stem}-made-${stamp}${n > 1 ? `-${n}` : ''}.${ext}`;
      const file = path.join(this.#dir, name);
      if (!existsSync(file)) return file;
    }
  }
}
