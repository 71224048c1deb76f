import Database from 'better-sqlite3';
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { databaseFile } from '../../src-main/core/home.ts';
import { writeSettings } from '../../src-main/core/store/mutations/settings.ts';
import { openStore } from '../../src-main/core/store/open-store.ts';
import { cli } from '../unit/cli/run-cli.ts';

export interface DemoWorld {
  home: string;
  dbFile: string;
  truthPath: string;
  /** The CLI's demo output (--json). */
  demo: Record<string, unknown>;
}

/**
 * Syncs a demo world into a fresh home through the real CLI (sandbox over HTTP, every connector, the
 * reconcile run that follows each sync), and says where the world's ground truth is. `shop` sets the
 * home's zone and currency first (the demo builds its world for the shop in Settings); `now` is the
 * CLI's clock, for a world that must not depend on the hour the test runs.
 */
export async function syncDemoWorld(
  seed: number,
  days: number,
  salesPerDay: number,
  { shop, now }: { shop?: { timeZone: string; currency: string }; now?: Date } = {},
): Promise<DemoWorld> {
  const home = mkdtempSync(path.join(os.tmpdir(), 'posrecon-recon-'));
  if (shop) {
    const store = await openStore(databaseFile(home));
    writeSettings(store.db, shop, 'test');
    store.close();
  }
  const r = await demoCli(home, seed, days, salesPerDay, now);
  if (r.code !== 0) throw new Error(`demo failed (${r.code}): ${r.err}`);
  const demo = JSON.parse(r.out) as Record<string, unknown>;
  // The demo says where its world's ground truth is (the embedded sandbox keeps it in the home).
  const truthPath = (demo.world as { groundTruthPath: string }).groundTruthPath;
  return { home, dbFile: databaseFile(home), truthPath, demo };
}

/** `posrecon demo --json` for that shop: the first sync of a home, or a later one that continues it. */
export function demoCli(home: string, seed: number, days: number, salesPerDay: number, now?: Date) {
  return cli(
    [
      'demo',
      '--home',
      home,
      '--json',
      '--seed',
      String(seed),
      '--days',
      String(days),
      '--sales-per-day',
      String(salesPerDay),
    ],
    {},
    now,
  );
}

/**
 * Every group as stable keys: group key → state, method and its members' stable record keys and
 * roles. Two caches holding the same records (whatever their row ids) dump the same.
 */
export function dumpGroups(file: string): Map<string, string> {
  const db = new Database(file, { readonly: true });
  try {
    const rows = db
      .prepare(
        `SELECT g.key, g.state, g.method, group_concat(t.provider || ':' || t.external_id || '=' || m.role, ' ') AS members
           FROM recon_groups g JOIN recon_members m ON m.group_id = g.id JOIN transactions t ON t.id = m.transaction_id
          GROUP BY g.id`,
      )
      .all() as { key: string; state: string; method: string; members: string }[];
    return new Map(
      rows.map((r) => [r.key, `${r.state}/${r.method}: ${r.members.split(' ').sort().join(' ')}`]),
    );
  } finally {
    db.close();
  }
}
