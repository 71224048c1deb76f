import { copyFileSync, existsSync, mkdirSync, rmSync } from 'node:fs';
import { extname, join } from 'node:path';
import { Worker } from 'node:worker_threads';
import Database from 'better-sqlite3';
import { ShopCalendar } from './calendar.ts';
import { generateWorld } from './generate.ts';
import { dumpGroundTruth } from './ground-truth.ts';
import { applyLateRefund, applyStatus, type LateRefundTarget, type MutableProvider } from './mutations.ts';
import { resolveWorldOptions, worldKey, type ResolvedWorldOptions, type WorldOptions } from './options.ts';
import { Rng } from './prng.ts';
import { VIPPS_IDS } from './record-vipps.ts';
import type { LedgerState } from './vipps-ledger.ts';
import { WorldWriter } from './writer.ts';
import type { GenerateJob } from './generate-worker.ts';

// Beside this file in the sources (`.ts`) and in the build (`out/main/generate-worker.js`).
const GENERATE_WORKER_FILE = join(import.meta.dirname, `generate-worker${extname(import.meta.filename)}`);

export type DatasetId =
  | 'sentrypos:sales'
  | 'vipps:sales'
  | 'vipps:funds'
  | 'vipps:fees'
  | 'tgi:transactions'
  | 'sensepass:transactions'
  | 'cents:transactions';

/** Every dataset's rows in the order its emulator serves them (the order a full paging client sees). */
const DATASET_SQL: Record<DatasetId, string> = {
  'sentrypos:sales': 'SELECT json FROM sentrypos_sales ORDER BY created_ms DESC, seq DESC',
  'vipps:sales': 'SELECT json FROM vipps_sales ORDER BY seq',
  'vipps:funds': "SELECT json FROM vipps_report WHERE topic = 'funds' ORDER BY seq",
  'vipps:fees': "SELECT json FROM vipps_report WHERE topic = 'fees' ORDER BY seq",
  'tgi:transactions': 'SELECT json FROM tgi ORDER BY day, seq',
  'sensepass:transactions': 'SELECT json FROM sensepass ORDER BY date_ms, seq',
  'cents:transactions': 'SELECT json FROM cents ORDER BY created_ms, seq',
};

export const DATASETS = Object.keys(DATASET_SQL) as DatasetId[];

export interface WorldChange {
  kind: 'status' | 'late-refund';
  provider: string;
  id: string;
  detail: unknown;
}

/** The simulated shop: read by the emulators, enumerated and mutated by tests. */
export interface SandboxWorld {
  readonly options: ResolvedWorldOptions;
  readonly key: string;
  readonly dbPath: string;
  readonly groundTruthPath: string;
  readonly calendar: ShopCalendar;
  readonly vipps: typeof VIPPS_IDS & { currency: string };
  records(dataset: DatasetId): Generator<Record<string, unknown>>;
  count(dataset: DatasetId): number;
  all<T>(sql: string, ...params: unknown[]): T[];
  get<T>(sql: string, ...params: unknown[]): T | undefined;
  /** `SELECT count(*) AS n ...`, memoized until the world next changes (paging clients repeat it per page). */
  countOf(sql: string, ...params: unknown[]): number;
  /** Changes a record's status as the provider would between two fetches. */
  setStatus(provider: MutableProvider, id: string, status: string | number): boolean;
  /** A refund that arrives late and lands on an old date (see mutations.ts per provider). */
  addLateRefund(target: LateRefundTarget): WorldChange | null;
  /** A deterministic random change (status change or late refund), as the `mutate` fault applies. */
  randomChange(n: number): WorldChange | null;
  /** Inserts rows through the same writer the generator uses (TGI POST). */
  write<T>(fn: (w: WorldWriter) => T): T;
  close(): void;
}

export class World implements SandboxWorld {
  readonly options: ResolvedWorldOptions;
  readonly key: string;
  readonly calendar: ShopCalendar;
  readonly vipps: typeof VIPPS_IDS & { currency: string };
  dbPath: string;
  groundTruthPath: string;
  private db: Database.Database;
  private stmts = new Map<string, Database.Statement>();
  private copied = false;
  private counts = new Map<string, number>();
  private readonly dataDir: string;
  ledgerState: LedgerState;

  private constructor(
    o: ResolvedWorldOptions,
    key: string,
    dbPath: string,
    truthPath: string,
    dataDir: string,
  ) {
    this.options = o;
    this.key = key;
    this.dbPath = dbPath;
    this.groundTruthPath = truthPath;
    this.dataDir = dataDir;
    this.calendar = new ShopCalendar(o.timeZone, o.firstDay, o.today);
    this.vipps = { ...VIPPS_IDS, currency: o.currency };
    this.db = new Database(dbPath, { readonly: true });
    const meta = this.db.prepare("SELECT value FROM meta WHERE key = 'ledger'").get() as { value: string };
    this.ledgerState = JSON.parse(meta.value) as LedgerState;
  }

  /** Opens the cached world for these options, generating it first if no complete file exists. */
  static open(opts: WorldOptions, dataDir: string): World {
    const w = World.#files(opts, dataDir);
    if (!w.cached) generateWorld(w.o, w.dbPath, w.truthPath);
    return new World(w.o, w.key, w.dbPath, w.truthPath, dataDir);
  }

  /** As `open`, generating on a worker thread, so the caller's thread stays free (the core host). */
  static async openAsync(opts: WorldOptions, dataDir: string): Promise<World> {
    const w = World.#files(opts, dataDir);
    if (!w.cached) {
      const job: GenerateJob = { options: w.o, dbPath: w.dbPath, truthPath: w.truthPath };
      const worker = new Worker(GENERATE_WORKER_FILE, { workerData: job });
      await new Promise<void>((resolve, reject) => {
        worker.once('message', () => resolve());
        worker.once('error', reject);
        worker.once('exit', (code) => reject(new Error(`the world generator stopped (exit ${code})`)));
      });
      await worker.terminate();
    }
    return new World(w.o, w.key, w.dbPath, w.truthPath, dataDir);
  }

  static #files(opts: WorldOptions, dataDir: string) {
    const o = resolveWorldOptions(opts);
    const key = worldKey(o);
    mkdirSync(dataDir, { recursive: true });
    const dbPath = join(dataDir, `posrecon-sandbox-${key}.sqlite`);
    const truthPath = join(dataDir, `posrecon-sandbox-${key}.truth.json`);
    return { o, key, dbPath, truthPath, cached: existsSync(dbPath) && existsSync(truthPath) };
  }

  private stmt(sql: string): Database.Statement {
    let s = this.stmts.get(sql);
    if (!s) this.stmts.set(sql, (s = this.db.prepare(sql)));
    return s;
  }

  *records(dataset: DatasetId): Generator<Record<string, unknown>> {
    for (const row of this.stmt(DATASET_SQL[dataset]).iterate() as IterableIterator<{ json: string }>) {
      yield JSON.parse(row.json) as Record<string, unknown>;
    }
  }

  count(dataset: DatasetId): number {
    const sql = DATASET_SQL[dataset]
      .replace('SELECT json', 'SELECT count(*) AS n')
      .replace(/ ORDER BY .*$/, '');
    return (this.stmt(sql).get() as { n: number }).n;
  }

  all<T>(sql: string, ...params: unknown[]): T[] {
    return this.stmt(sql).all(...params) as T[];
  }

  get<T>(sql: string, ...params: unknown[]): T | undefined {
    return this.stmt(sql).get(...params) as T | undefined;
  }

  countOf(sql: string, ...params: unknown[]): number {
    const key = `${sql}\u0000${JSON.stringify(params)}`;
    let n = this.counts.get(key);
    if (n === undefined) {
      n = this.get<{ n: number }>(sql, ...params)?.n ?? 0;
      if (this.counts.size > 10_000) this.counts.clear();
      this.counts.set(key, n);
    }
    return n;
  }

  /**
   * Copy-on-write: the cached file stays pristine (so the next run with the same seed sees the same
   * world); the first change copies it to a per-run working file.
   */
  write<T>(fn: (w: WorldWriter) => T): T {
    if (!this.copied) {
      const suffix = `${process.pid}-${Date.now().toString(36)}-${Math.floor(Math.random() * 1e6)}`;
      const work = join(this.dataDir, `posrecon-sandbox-${this.key}.work-${suffix}.sqlite`);
      this.db.close();
      copyFileSync(this.dbPath, work);
      this.dbPath = work;
      this.groundTruthPath = work.replace(/\.sqlite$/, '.truth.json');
      this.db = new Database(work);
      this.db.pragma('journal_mode = WAL');
      this.stmts = new Map();
      this.copied = true;
    }
    this.counts.clear();
    const w = new WorldWriter(this.db);
    const result = this.db.transaction(() => fn(w))();
    dumpGroundTruth(this.db, this.groundTruthPath, this.options);
    return result;
  }

  setStatus(provider: MutableProvider, id: string, status: string | number): boolean {
    return this.write((w) => applyStatus(w, provider, id, status, this.options.nowMs));
  }

  addLateRefund(target: LateRefundTarget): WorldChange | null {
    return this.write((w) => applyLateRefund(w, this, target));
  }

  randomChange(n: number): WorldChange | null {
    const rng = new Rng(this.options.seed, `change:${n}`);
    const provider = rng.pick(['vipps', 'tgi', 'sensepass', 'cents', 'sentrypos'] as const);
    const table = {
      vipps: 'vipps_sales',
      tgi: 'tgi',
      sensepass: 'sensepass',
      cents: 'cents',
      sentrypos: 'sentrypos_sales',
    }[provider];
    const max = (this.get<{ m: number }>(`SELECT max(seq) AS m FROM ${table}`)?.m ?? 0) || 1;
    const seq = rng.int(1, Math.max(1, Math.floor(max * 0.8)));
    const idCol = { vipps: 'psp_reference', tgi: 'tid', sensepass: 'number', cents: 'id', sentrypos: 'id' }[
      provider
    ];
    const extra =
      provider === 'vipps' ? ' AND json LIKE \'%"entryType":"capture"%\' AND psp_reference IS NOT NULL' : '';
    const row = this.get<{ id: string }>(
      `SELECT ${idCol} AS id FROM ${table} WHERE seq >= ?${extra} ORDER BY seq LIMIT 1`,
      seq,
    );
    if (!row) return null;
    if (provider === 'sentrypos' || (provider !== 'vipps' && rng.chance(0.3))) {
      const status =
        provider === 'sentrypos'
          ? 'REFUNDED'
          : provider === 'tgi'
            ? 'declined'
            : provider === 'sensepass'
              ? 9
              : 'disputed';
      return this.setStatus(provider, row.id, status)
        ? { kind: 'status', provider, id: row.id, detail: status }
        : null;
    }
    return this.addLateRefund({ provider, id: row.id });
  }

  /** Closes the world; a per-run working copy (and its ground truth) is deleted, the cache is kept. */
  close(): void {
    this.db.close();
    if (this.copied) {
      for (const f of [this.dbPath, `${this.dbPath}-wal`, `${this.dbPath}-shm`, this.groundTruthPath])
        rmSync(f, { force: true });
    }
  }
}
