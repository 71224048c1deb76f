import path from 'node:path';
import type { Database } from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CONNECTORS } from '../../../src-main/core/providers/registry.ts';
import { type RunningSandbox, startSandbox } from '../../../src-main/core/sandbox/index.ts';
import { type Store, openStore } from '../../../src-main/core/store/open-store.ts';
import { prepareDemoConnections } from '../../../src-main/core/sync/demo-connections.ts';
import { type SyncRequest, runSync } from '../../../src-main/core/sync/engine.ts';
import { demoAwareSecretSource } from '../../../src-main/core/sync/secret-source.ts';
import { retryWindow } from '../../../src-main/core/sync/quarantine-retry.ts';
import { dismissQuarantined } from '../../../src-main/core/store/mutations/quarantine.ts';
import { listQuarantine } from '../../../src-main/core/store/queries/quarantine.ts';
import { canonicalDump, duplicateKeys } from '../../support/canonical-dump.ts';
import { useTempHome } from '../../support/temp-home.ts';

const tempHome = useTempHome();
const connectors = Object.values(CONNECTORS).filter((c) => c !== undefined);
// A past "today": every record is visible, and 2024-03-13 is a closed ledger date no run reads again
// on its own account (only open dates are re-read by the Vipps streams).
const NOW = new Date('2024-03-15T11:00:00Z');
// The second Report API feed request is the fees feed's first page: its middle record, a
// capture-fee entry of 2024-03-13 (in the sandbox's world version 5), loses its pspReference and
// gets an unreadable amount.
const BROKEN_FEE = {
  kind: 'malformed-record' as const,
  provider: 'vipps' as const,
  endpoint: 'report-feed',
  nth: [2],
};

async function freshStore(sandbox: RunningSandbox): Promise<Store> {
  const store = await openStore(path.join(tempHome(), 'posrecon.sqlite'));
  prepareDemoConnections(store.db, connectors, sandbox, 'quarantine world', 'test');
  return store;
}

function vippsId(db: Database): string {
  return db.prepare("SELECT id FROM connections WHERE provider = 'vipps'").pluck().get() as string;
}

function syncVipps(db: Database, request: SyncRequest = {}) {
  return runSync(
    { db, connectors, secrets: demoAwareSecretSource(), budgetSpeedUp: 50, now: () => NOW },
    { connectionIds: [vippsId(db)], ...request },
  );
}

const vippsDump = (db: Database) => canonicalDump(db).filter((r) => r.key.startsWith('vipps/'));

describe('a record quarantined by one bad delivery is retried by the next incremental sync', () => {
  let sandbox: RunningSandbox;
  let clean: ReturnType<typeof canonicalDump>;
  beforeAll(async () => {
    sandbox = await startSandbox({
      seed: 5,
      days: 6,
      salesPerDay: 20,
      today: '2024-03-15',
      speedUp: 50,
      dataDir: tempHome(),
    });
    const store = await freshStore(sandbox);
    await syncVipps(store.db);
    clean = vippsDump(store.db);
    store.close();
  });
  afterAll(() => sandbox.close());

  it('stores the Vipps fee once the fault is lifted, without --since, and empties the quarantine', async () => {
    const store = await freshStore(sandbox);
    sandbox.faults.configure({ rules: [BROKEN_FEE] });
    const [faulted] = await syncVipps(store.db);
    sandbox.faults.configure('none');
    expect(faulted).toMatchObject({ status: 'partial', quarantinedTotal: 1 });
    const row = store.db.prepare('SELECT stream, external_id, day, raw_json FROM quarantine').get() as {
      stream: string;
      external_id: string | null;
      day: string;
      raw_json: string;
    };
    expect(row).toMatchObject({ stream: 'fees', external_id: null, day: '2024-03-13' });
    expect(JSON.parse(row.raw_json)).toMatchObject({ entryType: 'capture-fee', amount: '12,5O kr' });
    const missing = clean.filter((r) => !vippsDump(store.db).some((g) => g.key === r.key));
    expect(missing).toHaveLength(1);
    expect(missing[0]?.key).toMatch(/^vipps\/.*\/fees:/);

    // The fix: the next plain incremental sync reads the fee's day again. (Before it, the fee stayed
    // out through any number of incremental syncs: the feed cursor and the closed date had moved on.)
    const [healed] = await syncVipps(store.db);
    expect(healed).toMatchObject({ status: 'ok', quarantinedTotal: 0, error: null });
    expect(store.db.prepare('SELECT count(*) FROM quarantine').pluck().get()).toBe(0);
    expect(duplicateKeys(store.db)).toEqual([]);
    expect(vippsDump(store.db)).toEqual(clean);

    // And with nothing left in quarantine, the next sync is back to its usual window.
    const [quiet] = await syncVipps(store.db);
    expect(quiet).toMatchObject({ status: 'ok', inserted: 0, quarantinedTotal: 0 });
    store.close();
  });

  it('a dismissed record is not retried and no longer makes the sync partial; the audit log has the reason', async () => {
    const store = await freshStore(sandbox);
    sandbox.faults.configure({ rules: [BROKEN_FEE] });
    await syncVipps(store.db);
    sandbox.faults.configure('none');
    const id = store.db.prepare('SELECT id FROM quarantine').pluck().get() as number;
    const scope = { provider: 'vipps', connectionId: vippsId(store.db), stream: 'fees' };
    const window = { since: null, lookbackDays: 7, today: '2024-03-15' };
    expect(retryWindow(store.db, scope, window).since).toBe('2024-03-13');
    dismissQuarantined(
      store.db,
      listQuarantine(store.db, { ids: [id] }),
      'Vipps support says it is a test fee',
      'test',
      NOW.toISOString(),
    );
    // Dismissed: the fees stream keeps its usual window, and the run is no longer partial.
    expect(retryWindow(store.db, scope, window)).toBe(window);
    const [after] = await syncVipps(store.db);
    expect(after).toMatchObject({ status: 'ok', quarantinedTotal: 0 });
    expect(store.db.prepare('SELECT dismissed_reason FROM quarantine WHERE id = ?').pluck().get(id)).toBe(
      'Vipps support says it is a test fee',
    );
    const audit = store.db
      .prepare("SELECT actor, details FROM audit_log WHERE action = 'quarantine:dismiss'")
      .get() as { actor: string; details: string };
    expect(audit.actor).toBe('test');
    expect(JSON.parse(audit.details)).toMatchObject({ reason: 'Vipps support says it is a test fee' });
    store.close();
  });
});
