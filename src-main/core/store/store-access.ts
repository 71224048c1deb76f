import { accessSync, constants, existsSync, statSync } from 'node:fs';
import path from 'node:path';
import { StoreError } from './store-error.ts';

function mode(target: string): string {
  try {
    return (statSync(target).mode & 0o777).toString(8).padStart(3, '0');
  } catch {
    return '?';
  }
}

/** The file or folder that stops posrecon writing the cache, named with its permissions. */
export function readOnlyError(file: string, target: string): StoreError {
  const isDir = target !== file;
  const what = isDir
    ? `the folder ${target} is read-only (mode ${mode(target)}), and SQLite must create its journal files (-wal, -shm) there`
    : `the file is read-only (mode ${mode(target)})`;
  return new StoreError(
    'DB_READ_ONLY',
    file,
    `posrecon cannot write to ${file}: ${what}. Give your user write permission to it, or point --home at a folder you can write to. Nothing was changed.`,
  );
}

function isWritable(target: string): boolean {
  try {
    accessSync(target, constants.W_OK);
    return true;
  } catch {
    return false;
  }
}

function firstUnwritable(file: string): string | null {
  return [file, path.dirname(file)].find((t) => existsSync(t) && !isWritable(t)) ?? null;
}

/**
 * Turns SQLite's terse open and write failures ("unable to open database file", "attempt to write
 * a readonly database") into a message that names the file and the cause. Anything else passes
 * through unchanged: it is not about access.
 */
export function describeAccessError(file: string, err: unknown, readonly: boolean): Error {
  const code = String((err as { code?: unknown } | null)?.code ?? '');
  const message = (err as Error)?.message ?? String(err);
  const dir = path.dirname(file);
  if (readonly && (code.startsWith('SQLITE_READONLY') || code.startsWith('SQLITE_CANTOPEN'))) {
    // Reading a WAL cache still needs its -shm file, which SQLite creates beside the cache.
    if (existsSync(file) && !existsSync(`${file}-shm`) && !isWritable(dir)) {
      return new StoreError(
        'DB_READ_ONLY',
        file,
        `Could not read ${file}: its folder ${dir} is read-only (mode ${mode(dir)}), and SQLite must create ${path.basename(file)}-shm there to read a cache in WAL mode. Make the folder writable, or copy the cache to a writable folder and use --home there.`,
        { cause: err },
      );
    }
  }
  if (code.startsWith('SQLITE_READONLY') || code === 'SQLITE_PERM') {
    return readOnlyError(file, firstUnwritable(file) ?? file);
  }
  if (code.startsWith('SQLITE_CANTOPEN')) {
    if (!readonly && firstUnwritable(file)) return readOnlyError(file, firstUnwritable(file) ?? file);
    const cause = !existsSync(dir) ? `the folder ${dir} does not exist` : message;
    return new StoreError('DB_OPEN_FAILED', file, `Could not open ${file}: ${cause}.`, { cause: err });
  }
  if (code.startsWith('SQLITE_')) {
    return new StoreError('DB_OPEN_FAILED', file, `Could not use ${file}: ${message}.`, { cause: err });
  }
  return err as Error;
}
