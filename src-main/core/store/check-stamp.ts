import { readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';

/**
 * SQLite's quick_check reads every page: about 6 s for a 1M-row (1.2 GB) cache. So a cache is
 * checked in full only when it may have changed outside posrecon's hands since posrecon last closed
 * it cleanly: the stamp written at a clean close (inode, size, ctime, which no tool can set back)
 * no longer matches, or there is none (first open, a crash, an older posrecon). The common open
 * then costs one stat. Damage that appears without touching the file's metadata is still caught the
 * moment SQLite reads it (SQLITE_CORRUPT stops every write).
 */
function stampFile(file: string): string {
  return `${file}.checked`;
}

function fingerprint(file: string): string {
  const s = statSync(file, { bigint: true });
  return JSON.stringify({ ino: String(s.ino), size: String(s.size), ctimeNs: String(s.ctimeNs) });
}

export function stampMatches(file: string): boolean {
  try {
    return readFileSync(stampFile(file), 'utf8') === fingerprint(file);
  } catch {
    return false;
  }
}

/** Opening for writes: until a clean close says otherwise, the file must be checked again. */
export function clearStamp(file: string): void {
  rmSync(stampFile(file), { force: true });
}

export function writeStamp(file: string): void {
  try {
    writeFileSync(stampFile(file), fingerprint(file));
  } catch {
    // No stamp only means a full check next time.
  }
}
