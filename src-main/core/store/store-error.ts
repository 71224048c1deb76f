import { readdirSync, statSync } from 'node:fs';
import path from 'node:path';

/** Why a database could not be used. Every message names the file, and none of these overwrite it. */
export type StoreErrorCode =
  'DB_NOT_SQLITE' | 'DB_FOREIGN' | 'DB_CORRUPT' | 'DB_TOO_NEW' | 'DB_READ_ONLY' | 'DB_OPEN_FAILED';

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
