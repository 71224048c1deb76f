import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { copyFileSync, existsSync, mkdirSync, renameSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import Database from 'better-sqlite3';
import { CONNECTORS } from '../../src-main/core/providers/registry.ts';
import { type SandboxOptions, startSandbox } from '../../src-main/core/sandbox/index.ts';
import { resolveWorldOptions, worldKey } from '../../src-main/core/sandbox/world/options.ts';
import { MIGRATIONS } from '../../src-main/core/store/migrations/index.ts';
import { writeSettings } from '../../src-main/core/store/mutations/settings.ts';
import { applyPragmas, openStore } from '../../src-main/core/store/open-store.ts';
import { type DemoEndpoints, prepareDemoConnections } from '../../src-main/core/sync/demo-connections.ts';
import { runSync } from '../../src-main/core/sync/engine.ts';
import { demoAwareSecretSource } from '../../src-main/core/sync/secret-source.ts';

/**
 * The schema a synced cache is built at: up to 0011. It used to stop before reconciliation (0005),
 * which was then being edited; the sync now reads columns of later migrations (quarantine review,
 * 0009), so a cache at schema 4 can no longer be synced. Later steps only add derived tables and are
 * applied to each work copy (workCopy): a new reconcile or dashboard migration no longer means syncing
 * a 1M-sale world again (the cache's key hashes this schema).
 */
export const SYNC_MIGRATIONS = MIGRATIONS.slice(0, 11);

export interface SyncedCache {
  file: string;
  truthPath: string;
  /** Null when an earlier run's cache was reused. */
  builtMs: number | null;
}

/**
 * A cache holding a sandbox world synced over loopback HTTP by the real sync engine, built once and
 * reused while the world's options and the schema stay the same (a new migration means a new sync).
 * Each run copies the file (and migrates the copy, for a cache from before the latest migration).
 */
export async function syncedCache(world: SandboxOptions, now: Date): Promise<SyncedCache> {
  const schema = SYNC_MIGRATIONS.map((m) => `${m.version}:${m.sql ?? ''}`).join('\n');
  const key = createHash('sha256')
    .update(JSON.stringify({ world: worldKey(resolveWorldOptions(world)), now, v: 1 }))
    .update(schema)
    .digest('hex')
    .slice(0, 12);
  const home = join(tmpdir(), 'posrecon-reconcile-bench', key);
  const file = join(home, 'posrecon.sqlite');
  const truth = join(
    world.dataDir ?? join(tmpdir(), 'posrecon-sandbox'),
    `posrecon-sandbox-${worldKey(resolveWorldOptions(world))}.truth.json`,
  );
  if (existsSync(file) && existsSync(truth)) return { file, truthPath: truth, builtMs: null };
  mkdirSync(home, { recursive: true });
  const building = join(home, 'building.sqlite');
  for (const f of [building, `${building}-wal`, `${building}-shm`]) rmSync(f, { force: true });
  const t0 = performance.now();
  // The sandbox serves from its own process, as in sync-bench.ts.
  const child = spawn(process.execPath, [import.meta.filename, JSON.stringify(world)], {
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  try {
    const first = await new Promise<string>((resolve, reject) => {
      createInterface({ input: child.stdout }).once('line', resolve);
      child.once('exit', (code) => reject(new Error(`sandbox exited ${code}`)));
    });
    const endpoints = JSON.parse(first) as DemoEndpoints;
    const store = await openStore(building, { migrations: SYNC_MIGRATIONS });
    // The shop is the world's: its zone and currency say what the POS's amounts and days mean, as
    // `posrecon demo` builds its world from the shop's settings. Another shop's world needs them too.
    const { timeZone, currency } = resolveWorldOptions(world);
    writeSettings(store.db, { timeZone, currency }, 'bench');
    const connectors = Object.values(CONNECTORS).filter((c) => c !== undefined);
    prepareDemoConnections(store.db, connectors, endpoints, world, 'bench');
    const deps = {
      db: store.db,
      connectors,
      secrets: demoAwareSecretSource(),
      budgetSpeedUp: world.speedUp ?? 1,
      now: () => now,
    };
    // A stream that stops half-way (its 20-minute budget on a loaded machine, a token lapsing under
    // load) is continued by the next pass from its bookmark: up to 8 passes, while each one still
    // brings records in (a 1M world on a busy 2-core machine took more than 3).
    for (let pass = 1; pass <= 8; pass++) {
      const reports = await runSync(deps);
      const bad = reports.filter((r) => r.status !== 'ok');
      console.log(
        `  sync pass ${pass}: ${reports.map((r) => `${r.provider} ${r.status} +${r.inserted}`).join(', ')}`,
      );
      if (!bad.length) break;
      const progress = reports.reduce((n, r) => n + r.inserted, 0);
      if (pass === 8 || progress === 0)
        throw new Error(`sync failed after ${pass} passes: ${bad.map((r) => r.error).join('; ')}`);
    }
    store.db.pragma('wal_checkpoint(TRUNCATE)');
    store.close();
  } finally {
    child.stdin.end();
  }
  renameSync(building, file);
  return { file, truthPath: truth, builtMs: performance.now() - t0 };
}

/**
 * A writable copy of a synced cache, migrated to the current schema. Opened with the app's pragmas
 * (as openStore sets them) but without openStore's full-file check and pre-migration backup, which
 * would copy the 2.5 GB file twice more per run and time nothing the bench is about.
 */
export function workCopy(src: string, dest: string): Database.Database {
  for (const f of [dest, `${dest}-wal`, `${dest}-shm`]) rmSync(f, { force: true });
  copyFileSync(src, dest);
  const db = new Database(dest);
  applyPragmas(db);
  const from = Number(db.pragma('user_version', { simple: true }));
  for (const m of MIGRATIONS) {
    if (m.version <= from) continue;
    db.transaction(() => {
      if (m.sql) db.exec(m.sql);
      m.up?.(db);
      db.pragma(`user_version = ${m.version}`);
    })();
  }
  return db;
}

// Child mode: serve the sandbox world until stdin closes.
if (process.argv[1] === import.meta.filename && process.argv[2]) {
  const sb = await startSandbox(JSON.parse(process.argv[2]) as SandboxOptions);
  process.stdout.write(`${JSON.stringify({ baseUrls: sb.baseUrls, credentials: sb.credentials })}\n`);
  process.stdin.resume();
  process.stdin.on('end', () => void sb.close().then(() => process.exit(0)));
}
