import type { Database as Db } from 'better-sqlite3';
import { StoreError } from './store-error.ts';

/**
 * `PRAGMA application_id` of every posrecon cache ("PRCN"): four bytes in the file header that tell
 * a posrecon cache from any other SQLite file without reading its tables.
 */
export const POSRECON_APPLICATION_ID = 0x5052434e;

/** Tables migration 0001 created; a cache from before application_id had all of them. */
const LEGACY_TABLES = [
  'settings',
  'connections',
  'sync_state',
  'transactions',
  'transaction_refs',
  'transaction_lines',
  'change_log',
  'audit_log',
];

/** Other programs' ids that SQLite's own magic.txt lists, so the refusal can say what the file is. */
const KNOWN_IDS: Record<number, string> = {
  0x47504b47: 'a GeoPackage',
  0x47503130: 'a GeoPackage',
  0x4d504258: 'an MBTiles map',
  0x0f055112: 'a Fossil checkout',
  0x0f055113: 'a Fossil global configuration',
  0x0f05511a: 'a Fossil repository',
};

export type StoreKind = 'posrecon' | 'legacy-posrecon' | 'empty';

/**
 * Says whose file this is, reading only the header and the schema: ours (by application_id), ours
 * from before the id existed (by its tables), an empty database we may initialise, or someone else's,
 * which is refused with a description of what it seems to be.
 */
export function classifyStore(db: Db, file: string): StoreKind {
  const appId = Number(db.pragma('application_id', { simple: true })) >>> 0;
  if (appId === POSRECON_APPLICATION_ID) return 'posrecon';
  const tables = db
    .prepare(`SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\'`)
    .pluck()
    .all() as string[];
  const userVersion = Number(db.pragma('user_version', { simple: true }));
  if (appId === 0 && tables.length === 0 && userVersion === 0) return 'empty';
  if (appId === 0 && userVersion > 0 && LEGACY_TABLES.every((t) => tables.includes(t))) {
    return 'legacy-posrecon';
  }
  const what =
    KNOWN_IDS[appId] ??
    (appId === 0
      ? "another program's SQLite database"
      : `another program's SQLite database (application id 0x${appId.toString(16).padStart(8, '0')})`);
  const shown = tables.slice(0, 8).join(', ') + (tables.length > 8 ? `, … (${tables.length} tables)` : '');
  throw new StoreError(
    'DB_FOREIGN',
    file,
    `${file} is not a posrecon cache: it seems to be ${what}` +
      (tables.length ? ` with tables ${shown}` : ', with no tables') +
      '. posrecon left it untouched. Move it away, or point --home at another folder.',
  );
}
