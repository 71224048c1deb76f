import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, renameSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MIGRATIONS } from '../../src-main/core/store/migrations/index.ts';
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
