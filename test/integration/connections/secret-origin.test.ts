import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningSandbox, startSandbox } from '../../../src-main/core/sandbox/index.ts';
import {
  type SecretServiceSession,
  secretServiceSkipNote,
  startSecretService,
} from '../../support/secret-service.ts';
import { dispatchInChild, filesContaining, posrecon } from './cli-child.ts';

const skip = secretServiceSkipNote();
// The sandbox's own key (so the first address accepts it), set once the sandbox runs.
let KEY = '';
const NEW_KEY = 'sntr_entered_for_the_new_address_9a8b7c6d5e4f3a2b';

/** A listener on 127.0.0.1 that records every request (method, URL and headers) and answers 401. */
async function startTrap(): Promise<{ url: string; seen: string[]; close: () => Promise<void> }> {
  const seen: string[] = [];
  const server: Server = createServer((req: IncomingMessage, res) => {
    seen.push(JSON.stringify({ method: req.method, url: req.url, headers: req.headers }));
    res.writeHead(401, { 'content-type': 'application/json' }).end('{"message":"who are you"}');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/api`,
    seen,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

function readDb<T>(home: string, work: (db: Database.Database) => T): T {
  const db = new Database(path.join(home, 'posrecon.sqlite'), { readonly: true });
  try {
    return work(db);
  } finally {
    db.close();
  }
}

describe.skipIf(skip !== undefined)('a stored secret goes only to the origin it was entered for', () => {
  let session: SecretServiceSession;
  let sandbox: RunningSandbox;
  let trap: Awaited<ReturnType<typeof startTrap>>;
  let home: string;
  let id: string;

  beforeAll(async () => {
    session = await startSecretService();
    sandbox = await startSandbox({ seed: 7, days: 2, salesPerDay: 5 });
    KEY = sandbox.credentials.sentrypos.apiKey ?? '';
    expect(KEY).toMatch(/^sntr_\w{16,}/);
    trap = await startTrap();
    home = path.join(session.env.HOME ?? session.dir, 'origin');
    const add = await posrecon(
      session.env,
      home,
      ['connections', 'add', 'sentrypos', '--name', 'Till', '--base-url', sandbox.baseUrls.sentrypos],
      '',
    );
    // Without --secret-stdin and without a terminal the CLI asks for the flag: nothing was added.
    expect(add.status).toBe(2);
    const added = await posrecon(
      session.env,
      home,
      [
        'connections',
        'add',
        'sentrypos',
        '--name',
        'Till',
        '--base-url',
        sandbox.baseUrls.sentrypos,
        '--secret-stdin',
        '--json',
      ],
      `${KEY}\n`,
    );
    expect(added.status, added.stderr).toBe(0);
    id = (JSON.parse(added.stdout) as { connection: { id: string } }).connection.id;
  });
  afterAll(async () => {
    await trap?.close();
    await sandbox?.close();
    await session?.stop();
  });

  const baseUrlInDb = () =>
    readDb(home, (db) => {
      const row = db.prepare('SELECT config FROM connections WHERE id = ?').get(id) as { config: string };
      return (JSON.parse(row.config) as { baseUrl: string }).baseUrl;
    });

  it('binds the keychain entry to the origin it was entered for', async () => {
    const entry = await session.secretTool(['lookup', 'service', 'posrecon', 'username', id]);
    expect(JSON.parse(entry.stdout)).toEqual({
      apiKey: KEY,
      '@origins': new URL(sandbox.baseUrls.sentrypos).origin,
    });
  });

  it('refuses a new origin without the secret, in the CLI and through the contract, and changes nothing', async () => {
    const cli = await posrecon(session.env, home, ['connections', 'update', 'Till', '--base-url', trap.url]);
    expect(cli.status).toBe(1);
    expect(cli.stderr).toMatch(/The address changed to http:\/\/127\.0\.0\.1:\d+: enter the API key .*again/);
    expect(cli.stderr).toMatch(/--secret-stdin/);

    const [api] = await dispatchInChild(session.env, home, [
      { op: 'connections:update', input: { id, config: { baseUrl: trap.url } } },
    ]);
    expect(api).toMatchObject({ ok: false, error: { code: 'BAD_INPUT' } });
    expect(baseUrlInDb()).toBe(sandbox.baseUrls.sentrypos);

    const test = await posrecon(session.env, home, ['connections', 'test', 'Till']);
    expect(test.status, test.stderr).toBe(0);
    expect(trap.seen).toEqual([]);
  });

  it('never sends the saved secret to an origin written into the cache behind its back', async () => {
    const db = new Database(path.join(home, 'posrecon.sqlite'));
    try {
      db.prepare("UPDATE connections SET config = json_set(config, '$.baseUrl', ?) WHERE id = ?").run(
        trap.url,
        id,
      );
    } finally {
      db.close();
    }
    const test = await posrecon(session.env, home, ['connections', 'test', 'Till']);
    expect(test.status).toBe(1);
    expect(test.stderr).toMatch(/was entered for http:\/\/127\.0\.0\.1:\d+, but its settings now point to/);
    expect(test.stderr).toMatch(/It was not sent\. Enter the secret again/);
    const sync = await posrecon(session.env, home, ['sync', '--connection', 'Till']);
    expect(sync.status).toBe(1);
    expect(trap.seen).toEqual([]);
  });

  it('sends only the secret entered with the new address to it', async () => {
    const update = await posrecon(
      session.env,
      home,
      ['connections', 'update', 'Till', '--base-url', trap.url, '--secret-stdin'],
      `${NEW_KEY}\n`,
    );
    expect(update.status, update.stderr).toBe(0);
    expect(update.stdout).toMatch(/Updated Till; its new secret is in the OS keychain/);
    const test = await posrecon(session.env, home, ['connections', 'test', 'Till']);
    expect(test.status).toBe(1);
    expect(trap.seen.length).toBeGreaterThan(0);
    expect(trap.seen.join('\n')).toContain(NEW_KEY);
    expect(trap.seen.join('\n')).not.toContain(KEY);
    // The path follows the base's own path, never a query.
    expect(trap.seen.every((r) => (JSON.parse(r) as { url: string }).url.startsWith('/api/'))).toBe(true);
  });

  it('refuses addresses with credentials, a query, a fragment or plain http to another host, and stores none', async () => {
    const bad = [
      ['http://user:pass@127.0.0.1:9/api', /must not contain a user name or password/],
      [`${trap.url}?api_key=leaked_query_key`, /must not contain a query/],
      [`${trap.url}#frag`, /must not contain a # part/],
      [
        'http://pos.example.com/api',
        /must start with https:\/\/ \(plain http:\/\/ is only for this computer/,
      ],
    ] as const;
    for (const [url, message] of bad) {
      const add = await posrecon(
        session.env,
        home,
        ['connections', 'add', 'sentrypos', '--name', 'Bad', '--base-url', url, '--secret-stdin'],
        `${KEY}\n`,
      );
      expect(add.status, url).toBe(1);
      expect(add.stderr).toMatch(message);
    }
    // The contract refuses them too, secret or not (one child process for all four).
    const updates = await dispatchInChild(
      session.env,
      home,
      bad.map(([url]) => ({
        op: 'connections:update',
        input: { id, config: { baseUrl: url }, secret: { apiKey: NEW_KEY } },
      })),
    );
    for (const [i, result] of updates.entries()) {
      expect(result).toMatchObject({ ok: false, error: { code: 'BAD_INPUT' } });
      expect(JSON.stringify(result)).toMatch(bad[i]?.[1] ?? /never/);
    }
    const list = await posrecon(session.env, home, ['connections', 'list']);
    expect(list.stdout).not.toMatch(/user:pass@|api_key=|Bad/);
    const audit = readDb(home, (db) => JSON.stringify(db.prepare('SELECT * FROM audit_log').all()));
    expect(audit).not.toMatch(/user:pass@|api_key=/);
    expect(filesContaining(home, 'user:pass@')).toEqual([]);
    expect(filesContaining(home, 'leaked_query_key')).toEqual([]);
  });

  it('refuses a stored address with a query (from before the check) without sending anything', async () => {
    const before = trap.seen.length;
    const db = new Database(path.join(home, 'posrecon.sqlite'));
    try {
      db.prepare("UPDATE connections SET config = json_set(config, '$.baseUrl', ?) WHERE id = ?").run(
        `${trap.url}?api_key=old`,
        id,
      );
    } finally {
      db.close();
    }
    const test = await posrecon(session.env, home, ['connections', 'test', 'Till']);
    expect(test.status).toBe(1);
    expect(test.stderr).toMatch(
      /settings of Till are not valid \(baseUrl: The address must not contain a query/,
    );
    expect(trap.seen.length).toBe(before);
  });
});
