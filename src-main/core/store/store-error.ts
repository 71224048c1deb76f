import { readdirSync, statSync } from 'node:fs';
import path from 'node:path';

/** Why a database could not be used. Every message names the file, and none of these overwrite it. */
export type StoreErrorCode =
  | 'DB_NOT_SQLITE'
  | 'DB_FOREIGN'
  | 'DB_CORRUPT'
  | 'DB_TOO_NEW'
  | 'DB_READ_ONLY'
  | 'DB_OPEN_FAILED'
  | 'DB_DISK_FULL'
  | 'DB_WRITE_FAILED';

export class StoreError extends Error {
  readonly code: StoreErrorCode;
  readonly file: string;
  constructor(code: StoreErrorCode, file: string, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'StoreError';
    this.code = code;
    this.file = file;
  }
}

/** better-sqlite3 reports damage through SqliteError codes; these are the ones that mean "not usable". */
export function isCorruptionError(err: unknown): boolean {
  const code = (err as { code?: unknown } | null)?.code;
  return (
    code === 'SQLITE_NOTADB' ||
    code === 'SQLITE_CORRUPT' ||
    (typeof code === 'string' && code.startsWith('SQLITE_CORRUPT'))
  );
}

/**
 * Errors after which nothing more should be written through this connection: the disk is full, the
 * file is damaged or read-only, or the connection is already closed. One such error stops every sync
 * that shares the store, instead of each failing on its own (and logging a stack) one by one.
 */
export function isFatalStoreError(err: unknown): boolean {
  const code = (err as { code?: unknown } | null)?.code;
  if (isCorruptionError(err)) return true;
  if (typeof code === 'string' && /^SQLITE_(FULL|IOERR|READONLY|CANTOPEN)/.test(code)) return true;
  return err instanceof TypeError && err.message === 'The database connection is not open';
}

/** The newest `posrecon.sqlite.v*.bak` beside the cache, the first thing to restore from. */
export function latestBackup(file: string): string | null {
  const dir = path.dirname(file);
  const prefix = `${path.basename(file)}.v`;
  let best: { file: string; mtime: number } | null = null;
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return null;
  }
  for (const name of names) {
    if (!name.startsWith(prefix) || !name.endsWith('.bak')) continue;
    const full = path.join(dir, name);
    const mtime = statSync(full).mtimeMs;
    if (!best || mtime > best.mtime) best = { file: full, mtime };
  }
  return best?.file ?? null;
}

/** What to tell a user whose cache is damaged: the two ways back, in plain words. */
export function damagedError(file: string, detail: string, cause?: unknown): StoreError {
  const backup = latestBackup(file);
  const restore = backup
    ? `restore the latest backup (copy ${backup} over ${file})`
    : `restore a backup of ${file} if you have one`;
  return new StoreError(
    'DB_CORRUPT',
    file,
    `${file} is damaged (${detail}). posrecon stopped writing to it. To recover, either ${restore}, ` +
      `or move the damaged file away and sync again: posrecon starts a new cache and fetches the records ` +
      `from the providers again (connections must be added again).`,
    { cause },
  );
}

/** A fatal write error (see `isFatalStoreError`) in plain words that name the file and what to do. */
export function storeWriteFailure(file: string, err: unknown): StoreError {
  const code = String((err as { code?: unknown } | null)?.code ?? '');
  const detail = err instanceof Error ? err.message : String(err);
  if (isCorruptionError(err)) return damagedError(file, detail, err);
  if (code.startsWith('SQLITE_FULL')) {
    return new StoreError(
      'DB_DISK_FULL',
      file,
      `The disk holding ${file} is full (${detail}). Every sync stopped; what they saved stays. ` +
        'Free some space, then sync again: it resumes from the last saved page.',
      { cause: err },
    );
  }
  if (code.startsWith('SQLITE_READONLY')) {
    return new StoreError('DB_READ_ONLY', file, `${file} cannot be written (${detail}).`, { cause: err });
  }
  return new StoreError('DB_WRITE_FAILED', file, `posrecon could not write to ${file} (${detail}).`, {
    cause: err,
  });
}
