import Database from 'better-sqlite3';
import type { Database as Db } from 'better-sqlite3';
import { closeSync, existsSync, openSync, readSync, statSync } from 'node:fs';
import path from 'node:path';
import { MIGRATIONS, SCHEMA_VERSION } from './migrations/index.ts';
import type { Migration } from './migrations/migration.ts';
import { StoreError, isCorruptionError } from './store-error.ts';

const SQLITE_MAGIC = 'SQLite format 3\0';

export interface Store {
  readonly db: Db;
  readonly file: string;
  /** Set when opening migrated an existing database: where the copy taken beforehand is. */
  readonly backupFile: string | null;
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

function refuseIfForeign(file: string): void {
  if (!existsSync(file) || statSync(file).size === 0) return;
  if (!hasSqliteHeader(file)) {
    throw new StoreError(
      'DB_NOT_SQLITE',
      file,
      `${file} is not an SQLite database, so posrecon cannot use it. The file was left untouched; move it away or point --home elsewhere.`,
    );
  }
}

function readUserVersion(db: Db, file: string): number {
  try {
    // Reading the schema touches page 1 and sqlite_master: a damaged file fails here, before any write.
    db.pragma('schema_version', { simple: true });
    return Number(db.pragma('user_version', { simple: true }));
  } catch (err) {
    db.close();
    if (isCorruptionError(err)) {
      throw new StoreError(
        'DB_CORRUPT',
        file,
        `${file} is damaged (${(err as Error).message}). It was left untouched; restore a backup or move it away.`,
        { cause: err },
      );
    }
    throw new StoreError('DB_OPEN_FAILED', file, `Could not open ${file}: ${(err as Error).message}`, {
      cause: err,
    });
  }
}

function applyPragmas(db: Db): void {
  db.pragma('busy_timeout = 5000');
  db.pragma('journal_mode = WAL');
  // Synced data can be fetched again, so NORMAL (durable at checkpoints, never corrupt) is the right trade.
  db.pragma('synchronous = NORMAL');
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
    })();
  }
}

function backupName(file: string, from: number, now: Date): string {
  const stamp = now.toISOString().replace(/[:.]/g, '-');
  return path.join(path.dirname(file), `${path.basename(file)}.v${from}-${stamp}.bak`);
}

/**
 * Opens (creating if needed) the cache, refusing foreign, damaged or too-new files with a clear error,
 * backing up an existing database with SQLite's online backup before migrating it.
 */
export async function openStore(file: string, options: OpenStoreOptions = {}): Promise<Store> {
  refuseIfForeign(file);
  const existed = existsSync(file) && statSync(file).size > 0;
  let db: Db;
  try {
    db = new Database(file, {
      readonly: options.readonly ?? false,
      fileMustExist: options.readonly ?? false,
    });
  } catch (err) {
    throw new StoreError('DB_OPEN_FAILED', file, `Could not open ${file}: ${(err as Error).message}`, {
      cause: err,
    });
  }
  const migrations = options.migrations ?? MIGRATIONS;
  const latest = migrations.at(-1)?.version ?? 0;
  const version = readUserVersion(db, file);
  if (version > latest) {
    db.close();
    throw new StoreError(
      'DB_TOO_NEW',
      file,
      `${file} was written by a newer posrecon (schema ${version}; this version knows up to ${latest}). Update posrecon; the file was left untouched.`,
    );
  }
  let backupFile: string | null = null;
  if (options.readonly) {
    db.pragma('busy_timeout = 5000');
  } else {
    try {
      applyPragmas(db);
      if (version < latest) {
        if (existed && version > 0) {
          backupFile = backupName(file, version, options.now?.() ?? new Date());
          await db.backup(backupFile);
        }
        migrate(db, migrations, version);
      }
    } catch (err) {
      db.close();
      if (isCorruptionError(err)) {
        throw new StoreError('DB_CORRUPT', file, `${file} is damaged (${(err as Error).message}).`, {
          cause: err,
        });
      }
      throw err;
    }
  }
  return { db, file, backupFile, close: () => db.close() };
}

export { SCHEMA_VERSION };
