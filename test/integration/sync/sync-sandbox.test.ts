import path from 'node:path';
import type { Database } from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CONNECTORS } from '../../../src-main/core/providers/registry.ts';
import { type RunningSandbox, startSandbox } from '../../../src-main/core/sandbox/index.ts';
import { type Store, openStore } from '../../../src-main/core/store/open-store.ts';
import { addConnection } from '../../../src-main/core/store/mutations/connections.ts';
import { prepareDemoConnections } from '../../../src-main/core/sync/demo-connections.ts';
import { type SyncRequest, runSync } from '../../../src-main/core/sync/engine.ts';
import { type SecretSource, demoAwareSecretSource } from '../../../src-main/core/sync/secret-source.ts';
import { useTempHome } from '../../support/temp-home.ts';

const tempHome = useTempHome();
const connectors = Object.values(CONNECTORS).filter((c) => c !== undefined);
const SPEED_UP = 50;
// A past "today": every record of the world is already visible, so runs minutes apart see the same data.
const TODAY = '2024-03-15';
const NOW = new Date('2024-03-15T11:00:00Z');

async function freshHome(sandbox: RunningSandbox): Promise<Store> {
  const store = await openStore(path.join(tempHome(), 'posrecon.sqlite'));
  prepareDemoConnections(store.db, connectors, sandbox, 'test world', 'test');
  return store;
}

function sync(db: Database, request: SyncRequest = {}, secrets: SecretSource = demoAwareSecretSource()) {
  return runSync(
    {
      db,
      connectors,
      secrets,
      // Fast retries: the fault profiles' 429s, 5xx, resets and stalls resolve in milliseconds.
      http: { backoffBaseMs: 2, backoffLimitMs: 20, maxRetryAfterMs: 100, timeoutMs: 3_000 },
      budgetSpeedUp: SPEED_UP,
      now: () => NOW,
    },
    request,
  );
}

/** Synced content by provider and external id: what a resumed or faulted run must end up equal to. */
function snapshot(db: Database): unknown[] {
  return db
    .prepare(
      `SELECT provider, external_id, kind, amount_minor, currency, status, business_date, raw_json,
              (SELECT group_concat(kind || '=' || value, ';') FROM (SELECT kind, value FROM transaction_refs r
                WHERE r.transaction_id = t.id ORDER BY kind, value)) AS refs,
              (SELECT count(*) FROM transaction_lines l WHERE l.transaction_id = t.id) AS lines
         FROM transactions t ORDER BY provider, external_id`,
    )
    .all();
}

async function openSandbox(faults: string): Promise<RunningSandbox> {
  return startSandbox({
    seed: 7,
    days: 6,
    salesPerDay: 25,
    today: TODAY,
    speedUp: SPEED_UP,
    faults,
    dataDir: tempHome(),
  });
}

describe('sync engine against the sandbox (real connectors over HTTP)', () => {
  let sandbox: RunningSandbox;
  beforeAll(async () => {
    sandbox = await openSandbox('none');
  });
  afterAll(() => sandbox.close());

  it('syncs every provider cleanly, and a second run changes nothing', async () => {
    const store = await freshHome(sandbox);
    const reports = await sync(store.db);
    expect(reports.map((r) => r.provider).sort()).toEqual(connectors.map((c) => c.provider).sort());
    for (const r of reports) expect([r.provider, r.status, r.error]).toEqual([r.provider, 'ok', null]);
    for (const r of reports) expect(r.inserted, r.provider).toBeGreaterThan(0);
    const again = await sync(store.db, { since: '2024-03-01' });
    for (const r of again)
      expect([r.provider, r.status, r.inserted, r.updated, r.quarantinedTotal]).toEqual([
        r.provider,
        'ok',
        0,
        0,
        0,
      ]);
    store.close();
  });

  it('cancelled mid-run keeps what it committed; resuming ends equal to a clean run', async () => {
    const clean = await freshHome(sandbox);
    await sync(clean.db);
    const store = await freshHome(sandbox);
    const controller = new AbortController();
    const first = await sync(store.db, {
      signal: controller.signal,
      onProgress: (p) => p.records > 0 && controller.abort(),
    });
    expect(first.some((r) => r.status === 'cancelled')).toBe(true);
    for (const r of first) expect(['cancelled', 'ok']).toContain(r.status);
    const partial = snapshot(store.db).length;
    expect(partial).toBeLessThan(snapshot(clean.db).length);
    const resumed = await sync(store.db);
    for (const r of resumed) expect(r.status, `${r.provider}: ${r.error}`).toBe('ok');
    expect(snapshot(store.db)).toEqual(snapshot(clean.db));
    clean.close();
    store.close();
  });

  it('a rejected key stops only that connection, with the plain message', async () => {
    const store = await freshHome(sandbox);
    addConnection(
      store.db,
      { provider: 'sentrypos', name: 'Real till', config: { baseUrl: sandbox.baseUrls.sentrypos } },
      'test',
    );
    const wrongKey: SecretSource = async () => ({ apiKey: 'sntr_wrong_key_000000000000000000' });
    const reports = await sync(store.db, {}, demoAwareSecretSource(wrongKey));
    const real = reports.find((r) => r.connectionName === 'Real till');
    expect(real?.status).toBe('failed');
    expect(real?.error).toMatch(/^SentryPOS rejected the credentials \(401\).*Check them in Connections\.$/);
    expect(real?.error).not.toContain('sntr_wrong');
    for (const r of reports.filter((x) => x !== real)) expect(r.status, r.connectionName).toBe('ok');
    store.close();
  });
});

describe('sync engine under every fault the sandbox can throw', () => {
  let sandbox: RunningSandbox;
  beforeAll(async () => {
    sandbox = await openSandbox('all');
  });
  afterAll(() => sandbox.close());

  it('survives retries, quarantines broken records, clears them on re-sync, and matches a clean sync', async () => {
    const store = await freshHome(sandbox);
    const faulted = await sync(store.db);
    for (const r of faulted) expect(['ok', 'partial'], `${r.provider}: ${r.error}`).toContain(r.status);
    const quarantined = faulted.reduce((n, r) => n + r.quarantinedTotal, 0);
    expect(quarantined).toBeGreaterThan(0);
    expect(sandbox.faults.log.map((f) => f.kind)).toEqual(
      expect.arrayContaining(['http-503', 'reset', 'truncate', 'malformed-record']),
    );

    sandbox.faults.configure('none');
    const healed = await sync(store.db, { since: '2024-03-01' });
    for (const r of healed) expect([r.provider, r.status, r.quarantinedTotal]).toEqual([r.provider, 'ok', 0]);
    expect(store.db.prepare('SELECT count(*) FROM quarantine').pluck().get()).toBe(0);

    // The 'mutate' fault changed the world while we read it: a clean sync of the world as it is now
    // must hold exactly what the faulted-then-healed cache holds.
    const clean = await freshHome(sandbox);
    await sync(clean.db);
    expect(snapshot(store.db)).toEqual(snapshot(clean.db));
    clean.close();
    store.close();
  });
});
