import Database from 'better-sqlite3';
import type { Database as Db } from 'better-sqlite3';
import { accessSync, closeSync, constants, existsSync, openSync, readSync, statSync } from 'node:fs';
import path from 'node:path';
import { MIGRATIONS, SCHEMA_VERSION } from './migrations/index.ts';
import type { Migration } from './migrations/migration.ts';
import { StoreError, damagedError, isCorruptionError } from './store-error.ts';
import { POSRECON_APPLICATION_ID, classifyStore, type StoreKind } from './store-identity.ts';
import { describeAccessError, readOnlyError } from './store-access.ts';
import { clearStamp, stampMatches, writeStamp } from './check-stamp.ts';

const SQLITE_MAGIC = 'SQLite format 3\0';

export interface Store {
  readonly db: Db;
  readonly file: string;
  /** Set when opening migrated an existing database: where the copy taken beforehand is. */
  readonly backupFile: string | null;
  /** Set once SQLite reported damage: the error every later write gets instead of touching the file. */
  readonly damage: StoreError | null;
  /** Stops every write on this connection (`query_only`) and remembers why; returns the plain error. */
  markDamaged(err: unknown): StoreError;
  close(): void;
}

export interface OpenStoreOptions {
  /** Open read-only and never migrate (used by `db check`). */
  readonly?: boolean;
  /** Clock for backup file names; tests pass a fixed one. */
  now?: () => Date;
  /** The schema steps this build knows; tests pass a longer list to exercise an upgrade. */
  migrations?: readonly Migration[];
}

/** Reads the 16-byte header without opening the file through SQLite, so a foreign file is never touched. */
function hasSqliteHeader(file: string): boolean {
  const fd = openSync(file, 'r');
  try {
    const buf = Buffer.alloc(16);
    const n = readSync(fd, buf, 0, 16, 0);
    return n === 16 && buf.toString('latin1') === SQLITE_MAGIC;
  } finally {
    closeSync(fd);
  }
}

function refuseIfNotSqlite(file: string): void {
  if (!hasSqliteHeader(file)) {
    throw new StoreError(
      'DB_NOT_SQLITE',
      file,
      `${file} is not an SQLite database, so posrecon cannot use it. The file was left untouched; move it away or point --home elsewhere.`,
    );
  }
}

function openDb(file: string, readonly: boolean): Db {
  try {
    return new Database(file, { readonly, fileMustExist: readonly });
  } catch (err) {
    throw describeAccessError(file, err, readonly);
  }
}

interface Inspection {
  kind: StoreKind;
  version: number;
}

/**
 * Looks at an existing file through a read-only connection, so nothing is written (not even the
 * switch to WAL) until we know it is a sound posrecon cache this build can use. `check` adds
 * SQLite's quick_check, which reads every page once: damage anywhere is found before the first write.
 */
function inspect(file: string, latest: number, check: boolean): Inspection {
  const db = openDb(file, true);
  try {
    // Reading the schema touches page 1 and sqlite_master: a damaged file fails here.
    db.pragma('schema_version', { simple: true });
    const kind = classifyStore(db, file);
    const version = Number(db.pragma('user_version', { simple: true }));
    if (version > latest) {
      throw new StoreError(
        'DB_TOO_NEW',
        file,
        `${file} was written by a newer posrecon (schema ${version}; this version knows up to ${latest}). Update posrecon; the file was left untouched.`,
      );
    }
    if (check) {
      const problems = (db.pragma('quick_check') as Record<string, string>[]).map((r) =>
        String(Object.values(r)[0]),
      );
      if (problems.length !== 1 || problems[0] !== 'ok') {
        throw damagedError(file, `SQLite's check found: ${problems.slice(0, 3).join('; ')}`);
      }
    }
    return { kind, version };
  } catch (err) {
    if (err instanceof StoreError) throw err;
    if (isCorruptionError(err)) throw damagedError(file, (err as Error).message, err);
    throw describeAccessError(file, err, true);
  } finally {
    db.close();
  }
}

/** The connection settings every writable store gets (also the reconcile bench's work copies). */
export function applyPragmas(db: Db): void {
  db.pragma('busy_timeout = 5000');
  db.pragma('journal_mode = WAL');
  // Synced data can be fetched again, so NORMAL (durable at checkpoints, never corrupt) is the right trade.
  db.pragma('synchronous = NORMAL');
  // A checkpoint copies the WAL's pages into the database file and syncs both. At SQLite's default of
  // 1,000 pages (4 MiB) every day a reconcile run commits paid one, copying that day's index pages again
  // though the next day rewrites most of them: ~2 s of a full run at 100k sales. 64 MiB lets several
  // days share one; the WAL file is cut back to that size after it.
  db.pragma('wal_autocheckpoint = 16384');
  db.pragma('journal_size_limit = 67108864');
  db.pragma('foreign_keys = ON');
  // Every insert fires triggers (search queue, amounts, rollups), so SQLite keeps a statement journal
  // of the pages each one touches and would spill it to a temp file past 64 KiB: a file per record
  // during a sync. In memory it is a short-lived copy of those pages. Set at open, before any temp
  // table exists (changing it later drops them).
  db.pragma('temp_store = MEMORY');
}

function migrate(db: Db, migrations: readonly Migration[], from: number): void {
  for (const m of migrations) {
    if (m.version <= from) continue;
    db.transaction(() => {
      if (m.sql) db.exec(m.sql);
      m.up?.(db);
      db.pragma(`user_version = ${m.version}`);
      db.pragma(`application_id = ${POSRECON_APPLICATION_ID}`);
    })();
  }
}

function backupName(file: string, from: number, now: Date): string {
  const stamp = now.toISOString().replace(/[:.]/g, '-');
  return path.join(path.dirname(file), `${path.basename(file)}.v${from}-${stamp}.bak`);
}

/** Writing needs the file and its folder (SQLite creates -wal and -shm beside it). */
function refuseIfNotWritable(file: string, existed: boolean): void {
  for (const target of existed ? [file, path.dirname(file)] : [path.dirname(file)]) {
    try {
      accessSync(target, constants.W_OK);
    } catch {
      throw readOnlyError(file, target);
    }
  }
}

function wrap(file: string, db: Db, backupFile: string | null, writable: boolean): Store {
  let damage: StoreError | null = null;
  return {
    db,
    file,
    backupFile,
    get damage() {
      return damage;
    },
    markDamaged(err) {
      if (!damage) {
        damage = damagedError(file, (err as Error)?.message ?? String(err), err);
        // The connection stays open for reads; SQLite itself now refuses every write on it.
        if (db.open) db.pragma('query_only = ON');
      }
      return damage;
    },
    close: () => {
      db.close();
      // Only a sound cache closed cleanly by its writer may skip the next full check.
      if (writable && !damage) writeStamp(file);
    },
  };
}

/**
 * Opens (creating if needed) the cache. Refuses files that are not SQLite, another program's
 * databases, damaged files and files from a newer posrecon, all without changing a byte; backs up
 * an existing cache with SQLite's online backup before migrating it.
 */
export async function openStore(file: string, options: OpenStoreOptions = {}): Promise<Store> {
  const readonly = options.readonly ?? false;
  const existed = existsSync(file) && statSync(file).size > 0;
  if (existed) refuseIfNotSqlite(file);
  const migrations = options.migrations ?? MIGRATIONS;
  const latest = migrations.at(-1)?.version ?? 0;
  if (!readonly) refuseIfNotWritable(file, existed);
  const { kind, version } = existed
    ? inspect(file, latest, !readonly && !stampMatches(file))
    : { kind: 'empty' as const, version: 0 };
  if (readonly) return wrap(file, openDb(file, true), null, false);
  clearStamp(file);
  const db = openDb(file, false);
  let backupFile: string | null = null;
  try {
    applyPragmas(db);
    if (version < latest) {
      if (existed && version > 0) {
        backupFile = backupName(file, version, options.now?.() ?? new Date());
        await db.backup(backupFile);
      }
      migrate(db, migrations, version);
    } else if (kind !== 'posrecon') {
      // A cache from before application_id, already at the latest schema: only the header changes.
      db.pragma(`application_id = ${POSRECON_APPLICATION_ID}`);
    }
  } catch (err) {
    db.close();
    if (isCorruptionError(err)) throw damagedError(file, (err as Error).message, err);
    if (err instanceof StoreError) throw err;
    throw describeAccessError(file, err, false);
  }
  return wrap(file, db, backupFile, true);
}

export { SCHEMA_VERSION };
