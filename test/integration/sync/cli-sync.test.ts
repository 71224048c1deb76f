import Database from 'better-sqlite3';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CONNECTORS } from '../../../src-main/core/providers/registry.ts';
import { type RunningSandbox, startSandbox } from '../../../src-main/core/sandbox/index.ts';
import { databaseFile } from '../../../src-main/core/home.ts';
import { openStore } from '../../../src-main/core/store/open-store.ts';
import { prepareDemoConnections } from '../../../src-main/core/sync/demo-connections.ts';
import { useTempHome } from '../../support/temp-home.ts';
import { cli } from '../../unit/cli/run-cli.ts';

const tempHome = useTempHome();
const connectors = Object.values(CONNECTORS).filter((c) => c !== undefined);

interface Report {
  connectionName: string;
  provider: string;
  status: string;
  inserted: number;
  quarantinedTotal: number;
  error: string | null;
}

describe('posrecon sync against the sandbox', () => {
  let sandbox: RunningSandbox;
  let home: string;
  beforeAll(async () => {
    sandbox = await startSandbox({ seed: 3, days: 4, salesPerDay: 15, speedUp: 50, dataDir: tempHome() });
    home = tempHome();
    const store = await openStore(path.join(home, 'posrecon.sqlite'));
    prepareDemoConnections(store.db, connectors, sandbox, 'cli test world', 'test');
    store.close();
  });
  afterAll(() => sandbox.close());

  it('exits 0 when every connection synced, printing one JSON document', async () => {
    const r = await cli(['sync', '--home', home, '--json']);
    expect(r.code, r.err).toBe(0);
    const { ok, reports } = JSON.parse(r.out) as { ok: boolean; reports: Report[] };
    expect(ok).toBe(true);
    expect(reports).toHaveLength(5);
    for (const rep of reports) expect([rep.provider, rep.status]).toEqual([rep.provider, 'ok']);
    expect(r.err).toBe('');
  });

  it('syncs only the named connection, and prints text with a line per stream off a terminal', async () => {
    const r = await cli(['sync', '--home', home, '--connection', 'Demo LFL TGI']);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/^Demo LFL TGI \(tgi\): ok, \d+ records: 0 new/);
    const lines = r.out.trim().split('\n');
    expect(lines).toHaveLength(2);
    // The line a nightly job's log keeps: what now needs a person after the reconcile that followed.
    expect(lines[1]).toMatch(
      /^Reconciliation: \d+ sales wait for a decision, \d+ have no payment, \d+ payments have no sale; \d+ discrepancies/,
    );
    expect(r.err).toMatch(/^Demo LFL TGI transactions: \d+ records in \d+ pages$/m);
  });

  it('exits 3 while records sit in quarantine', async () => {
    const store = await openStore(path.join(home, 'posrecon.sqlite'));
    const id = store.db
      .prepare("SELECT id FROM connections WHERE provider = 'cents'")
      .pluck()
      .get() as string;
    store.db
      .prepare(
        `INSERT INTO quarantine (provider, connection_id, stream, record_key, external_id, raw_json, error, first_seen_at, last_seen_at)
         VALUES ('cents', ?, 'transactions', 'sha256:x', NULL, '{}', 'no id', 'now', 'now')`,
      )
      .run(id);
    store.close();
    const r = await cli(['sync', '--home', home, '--json']);
    expect(r.code).toBe(3);
    const { reports } = JSON.parse(r.out) as { reports: Report[] };
    expect(reports.find((x) => x.provider === 'cents')).toMatchObject({
      status: 'partial',
      quarantinedTotal: 1,
    });
  });

  it('exits 1 when a connection fails, naming the problem', async () => {
    const store = await openStore(path.join(home, 'posrecon.sqlite'));
    store.db
      .prepare(`UPDATE connections SET config = '{"baseUrl": "not a url"}' WHERE provider = 'tgi'`)
      .run();
    store.close();
    const r = await cli(['sync', '--home', home, '--connection', 'Demo LFL TGI']);
    expect(r.code).toBe(1);
    expect(r.out).toMatch(/Demo LFL TGI \(tgi\): failed/);
    expect(r.out).toMatch(
      /The settings of Demo LFL TGI are not valid \(baseUrl: .*\)\. Fix them in Connections\./,
    );
  });
});

describe('posrecon demo', () => {
  it('syncs the default world from an in-process sandbox: all five providers, nothing quarantined', async () => {
    const home = tempHome();
    const r = await cli(['demo', '--home', home, '--json']);
    expect(r.code, r.out + r.err).toBe(0);
    const result = JSON.parse(r.out) as {
      reports: Report[];
      providers: { provider: string; transactions: number; quarantined: number }[];
    };
    expect(result.providers.map((p) => p.provider).sort()).toEqual([
      'cents',
      'sensepass',
      'sentrypos',
      'tgi',
      'vipps',
    ]);
    for (const p of result.providers) {
      expect(p.transactions, p.provider).toBeGreaterThan(0);
      expect(p.quarantined, p.provider).toBe(0);
    }
    for (const rep of result.reports)
      expect([rep.provider, rep.status, rep.error]).toEqual([rep.provider, 'ok', null]);
    // The cache is left ready: a healthy database at the current schema.
    expect((await cli(['db', 'check', '--home', home])).code).toBe(0);
    // SentryPOS and TGI send bare cents: with no currency set on the connection they are in the
    // shop's default currency (NOK, the demo world's), never some other default.
    const db = new Database(databaseFile(home), { readonly: true });
    const currencies = db
      .prepare(`SELECT provider, group_concat(DISTINCT currency) AS c FROM transactions GROUP BY provider`)
      .all() as { provider: string; c: string }[];
    db.close();
    expect(Object.fromEntries(currencies.map((x) => [x.provider, x.c]))).toMatchObject({
      sentrypos: 'NOK',
      tgi: 'NOK',
      vipps: 'NOK',
    });
  });
});
