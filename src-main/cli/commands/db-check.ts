import { SCHEMA_VERSION, openStore } from '../../core/store/open-store.ts';
import { StoreError } from '../../core/store/store-error.ts';
import { type CliIo, EXIT, printError, printJson, printLine } from '../output.ts';
import { existingCache } from './cache-file.ts';

/**
 * `posrecon db check`: opens the cache read-only (so it never migrates or writes), runs SQLite's own
 * consistency check, and reports the schema version against this build's.
 */
export async function runDbCheck(
  home: string,
  opts: { json: boolean; full: boolean },
  io: CliIo,
): Promise<number> {
  const file = existingCache(home, opts.json, io);
  if (!file) return EXIT.FAILURE;
  let store;
  try {
    store = await openStore(file, { readonly: true });
  } catch (err) {
    if (err instanceof StoreError) {
      printError(io, opts.json, err.code, err.message);
      return EXIT.FAILURE;
    }
    throw err;
  }
  try {
    const check = opts.full ? 'integrity_check' : 'quick_check';
    let problems: string[];
    try {
      problems = (store.db.pragma(check) as Record<string, string>[]).map((r) => Object.values(r)[0] ?? '');
    } catch (err) {
      problems = [(err as Error).message];
    }
    const ok = problems.length === 1 && problems[0] === 'ok';
    const schemaVersion = Number(store.db.pragma('user_version', { simple: true }));
    const report = {
      file,
      check,
      ok,
      problems: ok ? [] : problems,
      schemaVersion,
      appSchemaVersion: SCHEMA_VERSION,
    };
    if (opts.json) printJson(io, report);
    else {
      printLine(io, `Database: ${file}`);
      printLine(io, `Schema:   version ${schemaVersion} (this posrecon knows up to ${SCHEMA_VERSION})`);
      printLine(io, ok ? `Check:    ${check} ok` : `Check:    ${check} found problems:`);
      for (const p of ok ? [] : problems.slice(0, 20)) printLine(io, `  - ${p}`);
    }
    return ok ? EXIT.OK : EXIT.FAILURE;
  } finally {
    store.close();
  }
}
