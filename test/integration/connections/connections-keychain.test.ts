import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, rm } from 'node:fs/promises';
import path from 'node:path';
import { inflateRawSync } from 'node:zlib';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { lastFullMonth } from '../../../src-main/core/export/period.ts';
import { type RunningSandbox, startSandbox } from '../../../src-main/core/sandbox/index.ts';
import { shopToday } from '../../../src-main/core/sync/engine.ts';
import {
  type SecretServiceSession,
  makeIsolatedDir,
  secretServiceSkipNote,
  startSecretService,
  unreachableBusEnv,
} from '../../support/secret-service.ts';
import { captured, dispatchInChild, filesContaining, posrecon } from './cli-child.ts';

const skip = secretServiceSkipNote();
// Distinctive, so a hit anywhere is this test's secret and nothing else.
const CANARY = 'sntr_CANARY_7f3e9b1d5a2c8e4f6a0b3d7c9e1f5a2b';

interface ConnectionJson {
  id: string;
  name: string;
  hasSecret: boolean | null;
  state: string;
  transactions: number;
}

function json<T>(stdout: string): T {
  return JSON.parse(stdout) as T;
}

describe.skipIf(skip !== undefined)('connections with a real Secret Service', () => {
  let session: SecretServiceSession;
  let sandbox: RunningSandbox;
  let home: string;

  beforeAll(async () => {
    session = await startSecretService();
    sandbox = await startSandbox({ seed: 5, days: 4, salesPerDay: 12 });
    home = path.join(session.env.HOME ?? session.dir, 'posrecon');
  });
  afterAll(async () => {
    await sandbox?.close();
    await session?.stop();
  });

  const lookup = (id: string) => session.secretTool(['lookup', 'service', 'posrecon', 'username', id]);

  it('adds, lists, tests, syncs and removes a SentryPOS connection; the secret lives only in the keychain', async () => {
    const { env } = session;
    const key = sandbox.credentials.sentrypos.apiKey ?? '';
    const add = await posrecon(
      env,
      home,
      [
        'connections',
        'add',
        'sentrypos',
        '--name',
        'Till 1',
        '--base-url',
        sandbox.baseUrls.sentrypos,
        '--secret-stdin',
        '--json',
      ],
      `${key}\n`,
    );
    expect(add.stderr).toBe('');
    expect(add.status).toBe(0);
    const added = json<{ connection: ConnectionJson }>(add.stdout).connection;
    expect(added).toMatchObject({ name: 'Till 1', hasSecret: true, state: 'untested', transactions: 0 });

    // The entry exists outside the app, under the connection's id, bound to the origin it was entered for.
    const origin = new URL(sandbox.baseUrls.sentrypos).origin;
    expect((await lookup(added.id)).stdout).toBe(JSON.stringify({ apiKey: key, '@origins': origin }));

    const list = await posrecon(env, home, ['connections', 'list']);
    expect(list.stdout).toMatch(/Till 1 \(SentryPOS\): untested, secret saved, never synced/);

    const test = await posrecon(env, home, ['connections', 'test', 'Till 1']);
    expect([test.status, test.stdout.trim()]).toEqual([
      0,
      'Connected to SentryPOS: the credentials were accepted.',
    ]);

    const sync = await posrecon(env, home, ['sync', '--connection', 'Till 1']);
    expect(sync.status).toBe(0);
    expect(sync.stdout).toMatch(/Till 1 \(sentrypos\): ok, \d+ records/);

    // Every read operation answers without the secret; hasSecret says only that one exists.
    const reads = await dispatchInChild(env, home, [
      { op: 'connections:hasSecret', input: { id: added.id } },
      { op: 'connections:overview', input: {} },
      { op: 'connections:list', input: {} },
      { op: 'connections:providers', input: {} },
      { op: 'sync:status', input: {} },
      { op: 'transactions:list', input: { limit: 500 } },
      { op: 'app:info', input: {} },
    ]);
    expect(reads[0]).toEqual({ ok: true, value: { hasSecret: true } });
    for (const r of reads) expect(r.ok).toBe(true);
    expect(JSON.stringify(reads)).not.toContain(key);
    const overview = reads[1] as { value: { connections: ConnectionJson[] } };
    expect(overview.value.connections[0]).toMatchObject({ state: 'connected', hasSecret: true });
    expect(overview.value.connections[0]?.transactions).toBeGreaterThan(0);

    // Rotating the key replaces the entry in place.
    const rotated = await dispatchInChild(env, home, [
      {
        op: 'connections:setSecret',
        input: { id: added.id, secret: { apiKey: 'sntr_rotated0000000000000000000000' } },
      },
    ]);
    expect(rotated).toEqual([{ ok: true, value: { hasSecret: true } }]);
    expect((await lookup(added.id)).stdout).toBe(
      JSON.stringify({ apiKey: 'sntr_rotated0000000000000000000000', '@origins': origin }),
    );

    // Cached records make removal ask for confirmation; nothing goes until it is given.
    const refused = await posrecon(env, home, ['connections', 'remove', 'Till 1']);
    expect(refused.status).toBe(2);
    expect(refused.stderr).toMatch(/cached records, deleted with it: pass --yes to remove both/);
    expect((await lookup(added.id)).status).toBe(0);

    const removed = await posrecon(env, home, ['connections', 'remove', 'Till 1', '--yes']);
    expect(removed.status).toBe(0);
    expect(removed.stdout).toMatch(/Removed Till 1, its keychain entry and \d+ cached records\./);
    expect((await lookup(added.id)).stdout).toBe('');
    const db = new Database(path.join(home, 'posrecon.sqlite'), { readonly: true });
    try {
      expect(db.prepare('SELECT count(*) AS n FROM transactions').get()).toEqual({ n: 0 });
      expect(db.prepare('SELECT count(*) AS n FROM connections').get()).toEqual({ n: 0 });
    } finally {
      db.close();
    }
  });

  it('never lets a secret show up in files, logs or output, even when the provider rejects it (canary)', async () => {
    const { env } = session;
    const canaryHome = path.join(session.env.HOME ?? session.dir, 'canary');
    const add = await posrecon(
      env,
      canaryHome,
      [
        'connections',
        'add',
        'sentrypos',
        '--name',
        'Canary till',
        '--base-url',
        sandbox.baseUrls.sentrypos,
        '--secret-stdin',
      ],
      CANARY,
    );
    expect(add.status).toBe(0);

    const test = await posrecon(env, canaryHome, ['connections', 'test', 'Canary till']);
    expect(test.status).toBe(1);
    expect(test.stderr).toMatch(/SentryPOS rejected the credentials \(401\).*Check them in Connections/);

    const sync = await posrecon(env, canaryHome, ['sync', '--connection', 'Canary till', '--json']);
    expect(sync.status).toBe(1);
    const report = json<{ reports: { status: string; error: string }[] }>(sync.stdout).reports[0];
    expect(report?.status).toBe('failed');
    expect(report?.error).toMatch(/rejected the credentials \(401\)/);

    const list = await posrecon(env, canaryHome, ['connections', 'list', '--json']);
    expect(json<{ connections: ConnectionJson[] }>(list.stdout).connections[0]?.state).toBe('auth_failed');
    await dispatchInChild(env, canaryHome, [
      { op: 'connections:overview', input: {} },
      { op: 'sync:status', input: {} },
    ]);
    // The accountant's files and what a close keeps join the search: the workbook's zip entries read
    // out whole (deflated inside the .xlsx, where a byte search would never see the canary), a CSV as
    // written, the export log (in the SQLite file, searched below) and the booked rows, inflated.
    const month = lastFullMonth(shopToday('Europe/Oslo'));
    const made = await dispatchInChild(env, canaryHome, [
      { op: 'export:close', input: month },
      { op: 'export:csv', input: { ...month, sheet: 'payments' } },
      { op: 'export:list', input: {} },
    ]);
    expect(made.map((r) => r.ok)).toEqual([true, true, true]);
    const workbook = (made[0] as { value: { export: { fileName: string } } }).value.export.fileName;
    const unzipped = execFileSync('/usr/bin/python3', [
      '-c',
      'import sys, zipfile\nz = zipfile.ZipFile(sys.argv[1])\nfor n in z.namelist(): sys.stdout.buffer.write(z.read(n))',
      path.join(canaryHome, 'exports', workbook),
    ]);
    expect(unzipped.includes(Buffer.from('<worksheet'))).toBe(true);
    expect(unzipped.includes(Buffer.from(CANARY))).toBe(false);
    const store = new Database(path.join(canaryHome, 'posrecon.sqlite'), { readonly: true });
    const bodies = store.prepare('SELECT body FROM closed_period_rows').pluck().all() as Buffer[];
    store.close();
    expect(bodies.length).toBeGreaterThan(0);
    for (const b of bodies) expect(inflateRawSync(b).toString('utf8')).not.toContain(CANARY);
    expect(JSON.stringify(made)).not.toContain(CANARY);

    // The keychain holds it (encrypted, in the keyring dir); nothing else may. The sandbox saw it in
    // the request, which is where a real provider sees it too, and is not searched.
    const keyrings = path.join(env.XDG_DATA_HOME ?? '', 'keyrings');
    const hits = filesContaining(session.dir, CANARY).filter((f) => !f.startsWith(keyrings));
    expect(hits).toEqual([]);
    expect(captured.join('\n')).not.toContain(CANARY);
    if (existsSync('test-results')) expect(filesContaining('test-results', CANARY)).toEqual([]);
  });
});

describe('connections without a reachable Secret Service', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await makeIsolatedDir();
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('refuses to add a connection with the clear keychain error, and writes nothing', async () => {
    const env = unreachableBusEnv(dir);
    const home = path.join(dir, 'home', 'posrecon');
    await mkdir(home, { recursive: true });
    const add = await posrecon(
      env,
      home,
      [
        'connections',
        'add',
        'sentrypos',
        '--name',
        'Till',
        '--base-url',
        'http://127.0.0.1:9/sentrypos',
        '--secret-stdin',
      ],
      CANARY,
    );
    expect(add.status).toBe(1);
    expect(add.stderr).toMatch(/^posrecon: No OS keychain is available: install and unlock GNOME Keyring/);
    expect(add.stderr).not.toContain(CANARY);

    const list = await posrecon(env, home, ['connections', 'list', '--json']);
    expect(json<{ connections: unknown[] }>(list.stdout).connections).toEqual([]);
    expect(filesContaining(dir, CANARY)).toEqual([]);
  });

  it('still runs the demo: demo connections use the published sandbox credentials', async () => {
    const env = unreachableBusEnv(dir);
    const home = path.join(dir, 'home', 'demo');
    const demo = await posrecon(env, home, ['demo', '--days', '2', '--sales-per-day', '5', '--json']);
    expect(demo.status, demo.stderr).toBe(0);
    const list = await posrecon(env, home, ['connections', 'list', '--json']);
    const body = json<{
      connections: { isDemo: boolean; hasSecret: boolean; state: string }[];
      keychainError: null;
    }>(list.stdout);
    expect(body.connections).toHaveLength(5);
    for (const c of body.connections)
      expect(c).toMatchObject({ isDemo: true, hasSecret: true, state: 'connected' });
    expect(body.keychainError).toBeNull();
  });
});
