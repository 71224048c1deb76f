import { createHash } from 'node:crypto';
import { copyFileSync, existsSync, mkdirSync, readdirSync, renameSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { MIGRATIONS, SCHEMA_VERSION } from '../../src-main/core/store/migrations/index.ts';
import { openStore } from '../../src-main/core/store/open-store.ts';
import { bulkInsert, generateTransactions } from '../support/seed-transactions.ts';

/**
 * A home holding an N-row cache, built once and reused while its parameters and the schema stay the
 * same (the key hashes both, so a changed migration or generator option builds a fresh one).
 *
 * Two records in five are listed in recon_views as second views, as a reconcile run would list the
 * Vipps Report twins (400k at 1M rows): spread over every kind, day and word, so every totals path
 * has its share to leave out.
 */
export async function benchHome(rows: number, seed = 1): Promise<{ home: string; builtMs: number | null }> {
  const schema = MIGRATIONS.map((m) => `${m.version}:${m.sql ?? ''}`).join('\n');
  const key = createHash('sha256')
    .update(JSON.stringify({ rows, seed, v: 2 }))
    .update(schema)
    .digest('hex')
    .slice(0, 12);
  const home = join(tmpdir(), 'posrecon-search-bench', `${rows}-${key}`);
  const file = join(home, 'posrecon.sqlite');
  if (existsSync(file)) return { home, builtMs: null };
  mkdirSync(home, { recursive: true });
  const building = join(home, 'building.sqlite');
  rmSync(building, { force: true });
  const t0 = performance.now();
  const store = await openStore(building);
  store.db.pragma('cache_size = -262144');
  bulkInsert(store.db, generateTransactions({ count: rows, seed }));
  store.db.exec(`INSERT INTO recon_views (transaction_id, primary_id, business_date)
    SELECT id, id, business_date FROM transactions WHERE id % 5 IN (1, 3)`);
  store.db.exec("INSERT OR IGNORE INTO settings (key, value) VALUES ('timeZone', '\"Europe/Oslo\"')");
  store.db.pragma('wal_checkpoint(TRUNCATE)');
  store.close();
  renameSync(building, file);
  return { home, builtMs: performance.now() - t0 };
}

/**
 * A home of `rows` rows that benchHome built for an earlier schema (5 or later), if one is left: a
 * copy migrates in a minute where building anew takes several (every migration changes benchHome's key).
 */
export function reusableCache(rows: number): string | null {
  const dir = join(tmpdir(), 'posrecon-search-bench');
  if (!existsSync(dir)) return null;
  for (const name of readdirSync(dir).filter((n) => n.startsWith(`${rows}-`))) {
    const file = join(dir, name, 'posrecon.sqlite');
    if (!existsSync(file)) continue;
    const db = new Database(file, { readonly: true });
    const version = Number(db.pragma('user_version', { simple: true }));
    db.close();
    if (version >= 5 && version <= SCHEMA_VERSION) return join(dir, name);
  }
  return null;
}

/**
 * A copy of `src`'s cache migrated to the current schema under `dir`, made once per source and
 * schema and reused after (the source is never changed, so another bench's cache stays as it was).
 */
export async function migratedCopy(src: string, dir: string): Promise<string> {
  const schema = MIGRATIONS.map((m) => `${m.version}:${m.sql ?? ''}${m.up?.toString() ?? ''}`).join('\n');
  const key = createHash('sha256').update(src).update(schema).digest('hex').slice(0, 12);
  const home = join(tmpdir(), dir, key);
  const file = join(home, 'posrecon.sqlite');
  if (existsSync(file)) return home;
  mkdirSync(home, { recursive: true });
  const building = join(home, 'building.sqlite');
  copyFileSync(join(src, 'posrecon.sqlite'), building);
  const store = await openStore(building);
  store.db.pragma('wal_checkpoint(TRUNCATE)');
  store.close();
  for (const f of readdirSync(home).filter((n) => n.endsWith('.bak'))) rmSync(join(home, f));
  renameSync(building, file);
  return home;
}
