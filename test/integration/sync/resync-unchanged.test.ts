import path from 'node:path';
import type { Database } from 'better-sqlite3';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { CONNECTORS } from '../../../src-main/core/providers/registry.ts';
import { type RunningSandbox, startSandbox } from '../../../src-main/core/sandbox/index.ts';
import { openStore } from '../../../src-main/core/store/open-store.ts';
import { prepareDemoConnections } from '../../../src-main/core/sync/demo-connections.ts';
import { type SyncRequest, runSync } from '../../../src-main/core/sync/engine.ts';
import { demoAwareSecretSource } from '../../../src-main/core/sync/secret-source.ts';
import { useTempHome } from '../../support/temp-home.ts';

const tempHome = useTempHome();
const connectors = Object.values(CONNECTORS).filter((c) => c !== undefined);
const SPEED_UP = 50;
const TODAY = '2024-03-15';
const NOW = new Date('2024-03-15T11:00:00Z');
const SYNCED_TABLES = ['transactions', 'transaction_refs', 'transaction_lines', 'change_log'];

let sandbox: RunningSandbox;
beforeAll(async () => {
  sandbox = await startSandbox({
    seed: 11,
    days: 10,
    salesPerDay: 30,
    today: TODAY,
    speedUp: SPEED_UP,
    faults: 'none',
    dataDir: tempHome(),
  });
});
afterAll(() => sandbox.close());

/** Temp triggers count every row written to the synced tables, whatever statement wrote it. */
function countWrites(db: Database): () => Record<string, number> {
  db.exec('CREATE TEMP TABLE IF NOT EXISTS writes (tbl TEXT NOT NULL)');
  for (const t of SYNCED_TABLES) {
    for (const op of ['INSERT', 'UPDATE', 'DELETE'])
      db.exec(`CREATE TEMP TRIGGER IF NOT EXISTS w_${t}_${op} AFTER ${op} ON main.${t}
               BEGIN INSERT INTO writes (tbl) VALUES ('${t}.${op}'); END`);
  }
  db.exec('DELETE FROM writes');
  return () =>
    Object.fromEntries(
      (
        db.prepare('SELECT tbl, count(*) AS n FROM writes GROUP BY tbl').all() as { tbl: string; n: number }[]
      ).map((r) => [r.tbl, r.n]),
    );
}

it('re-syncing the same unchanged sandbox world writes zero synced rows and zero change_log entries', async () => {
  const store = await openStore(path.join(tempHome(), 'posrecon.sqlite'));
  prepareDemoConnections(store.db, connectors, sandbox, 'test world', 'test');
  const sync = (request: SyncRequest = {}) =>
    runSync(
      { db: store.db, connectors, secrets: demoAwareSecretSource(), budgetSpeedUp: SPEED_UP, now: () => NOW },
      request,
    );
  const first = await sync();
  for (const r of first) expect([r.provider, r.status, r.error]).toEqual([r.provider, 'ok', null]);
  const synced = store.db.prepare('SELECT count(*) FROM transactions').pluck().get() as number;
  expect(synced).toBeGreaterThan(500);

  // Default lookback (records re-read), then the whole window again from an explicit date.
  for (const request of [{}, { since: '2024-03-01' }] as SyncRequest[]) {
    const writes = countWrites(store.db);
    const again = await sync(request);
    for (const r of again) {
      expect([r.provider, r.status, r.inserted, r.updated, r.changes]).toEqual([r.provider, 'ok', 0, 0, 0]);
    }
    expect(again.reduce((n, r) => n + r.records, 0)).toBeGreaterThan(0);
    expect(writes()).toEqual({});
  }
  expect(store.db.prepare('SELECT count(*) FROM transactions').pluck().get()).toBe(synced);
  store.close();
});
