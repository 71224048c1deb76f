/** Why a database could not be used. Every message names the file, and none of these overwrite it. */
export type StoreErrorCode = 'DB_NOT_SQLITE' | 'DB_CORRUPT' | 'DB_TOO_NEW' | 'DB_OPEN_FAILED';

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
