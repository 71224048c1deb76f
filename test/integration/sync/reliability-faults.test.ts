import { type IncomingMessage, type ServerResponse, createServer, request } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import type { Database } from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CONNECTORS } from '../../../src-main/core/providers/registry.ts';
import {
  FAULT_KINDS,
  type FaultKind,
  type FaultRule,
  type RunningSandbox,
  startSandbox,
} from '../../../src-main/core/sandbox/index.ts';
import { type Store, openStore } from '../../../src-main/core/store/open-store.ts';
import { type DemoEndpoints, prepareDemoConnections } from '../../../src-main/core/sync/demo-connections.ts';
import { type HttpOverrides, type SyncRequest, runSync } from '../../../src-main/core/sync/engine.ts';
import { demoAwareSecretSource } from '../../../src-main/core/sync/secret-source.ts';
import { canonicalDump, duplicateKeys } from '../../support/canonical-dump.ts';
import { useTempHome } from '../../support/temp-home.ts';

const tempHome = useTempHome();
const connectors = Object.values(CONNECTORS).filter((c) => c !== undefined);
const SPEED_UP = 50;
// A past "today": every record is already visible, so runs seconds apart see the same world.
const TODAY = '2024-03-15';
const NOW = new Date('2024-03-15T11:00:00Z');
// Fast retries; a 100_000 ms stall (2 s after speedUp) outlasts the 1 s timeout and is abandoned.
const FAST: HttpOverrides = { backoffBaseMs: 2, backoffLimitMs: 20, maxRetryAfterMs: 100, timeoutMs: 1_000 };
const TRANSPORT: FaultKind[] = FAULT_KINDS.filter((k) => k !== 'malformed-record' && k !== 'mutate');

async function freshHome(endpoints: DemoEndpoints): Promise<Store> {
  const store = await openStore(path.join(tempHome(), 'posrecon.sqlite'));
  prepareDemoConnections(store.db, connectors, endpoints, 'reliability world', 'test');
  return store;
}

function sync(db: Database, request: SyncRequest = {}, http: HttpOverrides = FAST) {
  return runSync(
    { db, connectors, secrets: demoAwareSecretSource(), http, budgetSpeedUp: SPEED_UP, now: () => NOW },
    request,
  );
}

/** A fresh cache synced from the sandbox as it is now, with no faults: the reference. */
async function cleanDump(sandbox: RunningSandbox) {
  const saved = sandbox.faults.rules;
  sandbox.faults.configure('none');
  const store = await freshHome(sandbox);
  const reports = await sync(store.db);
  for (const r of reports) expect([r.provider, r.status]).toEqual([r.provider, 'ok']);
  const dump = canonicalDump(store.db);
  store.close();
  sandbox.faults.configure({ rules: [...saved] });
  return dump;
}

/**
 * Each kind once on every provider endpoint (token endpoints too), on its 2nd, 4th, 6th, … request: a
 * clean request between two faults, so no single request meets more faults than the client retries.
 * Cents makes only two requests in a world this small (one token, one list page), so its first list
 * request meets a run of five faults (one short of the retry limit), and its token request three.
 */
function eachOnce(kinds: readonly FaultKind[]): FaultRule[] {
  const common = { includeAuth: true, retryAfterSeconds: 1, stallMs: 100_000 };
  const centsList: FaultKind[] = ['rate-limit', 'http-500', 'reset', 'stall', 'truncate'];
  if (kinds.includes('malformed-record')) centsList.push('malformed-record');
  const centsToken: FaultKind[] = ['rate-limit-date', 'http-502', 'http-503'];
  return [
    ...centsList.map((kind, i) => ({
      ...common,
      kind,
      provider: 'cents' as const,
      endpoint: 'list',
      nth: [i + 1],
    })),
    ...centsToken.map((kind, i) => ({
      ...common,
      kind,
      provider: 'cents' as const,
      endpoint: 'token',
      nth: [i + 1],
    })),
    // SentryPOS's third sales request is the first window with records in it (a record to break).
    ...(kinds.includes('malformed-record')
      ? [
          {
            ...common,
            kind: 'malformed-record' as const,
            provider: 'sentrypos' as const,
            endpoint: 'sales',
            nth: [3],
          },
        ]
      : []),
    ...kinds.map((kind, i) => ({ ...common, kind, provider: '*' as const, endpoint: '*', nth: [2 + 2 * i] })),
  ];
}

describe('(a) a sync under every fault class ends with the canonical data of a fault-free sync', () => {
  let sandbox: RunningSandbox;
  beforeAll(async () => {
    sandbox = await startSandbox({
      seed: 11,
      days: 6,
      salesPerDay: 25,
      today: TODAY,
      speedUp: SPEED_UP,
      dataDir: tempHome(),
    });
  });
  afterAll(() => sandbox.close());

  it('transport faults (429 both forms, 500/502/503, reset, stall, truncate): one sync, equal dump', async () => {
    const clean = await cleanDump(sandbox);
    sandbox.faults.configure({ rules: eachOnce(TRANSPORT) });
    const store = await freshHome(sandbox);
    const reports = await sync(store.db);
    for (const r of reports) expect([r.provider, r.status, r.error]).toEqual([r.provider, 'ok', null]);
    expect(new Set(sandbox.faults.log.map((f) => f.kind))).toEqual(new Set(TRANSPORT));
    // Every provider went through the faults, not just one.
    expect(new Set(sandbox.faults.log.map((f) => f.provider))).toEqual(
      new Set(connectors.map((c) => c.provider)),
    );
    expect(duplicateKeys(store.db)).toEqual([]);
    expect(canonicalDump(store.db)).toEqual(clean);
    store.close();
  });

  it('every class incl. malformed records and a world changing mid-read: the re-sync after heals to a clean sync of the world as it now is', async () => {
    // The data faults first: late ordinals land on empty early windows of some providers.
    sandbox.faults.configure({ rules: eachOnce(['malformed-record', 'mutate', ...TRANSPORT]) });
    const store = await freshHome(sandbox);
    const faulted = await sync(store.db);
    for (const r of faulted) expect(['ok', 'partial'], `${r.provider}: ${r.error}`).toContain(r.status);
    expect(new Set(sandbox.faults.log.map((f) => f.kind))).toEqual(new Set(FAULT_KINDS));
    expect(faulted.reduce((n, r) => n + r.quarantinedTotal, 0)).toBeGreaterThan(0);

    sandbox.faults.configure('none');
    const healed = await sync(store.db, { since: '2024-03-01' });
    for (const r of healed) expect([r.provider, r.status, r.quarantinedTotal]).toEqual([r.provider, 'ok', 0]);
    expect(duplicateKeys(store.db)).toEqual([]);
    expect(canonicalDump(store.db)).toEqual(await cleanDump(sandbox));
    store.close();
  });
});

interface Seen {
  method: string;
  url: string;
  /** Date.now() when the request reached the proxy, and when its response left it. */
  arrived: number;
  answered: number;
  status: number;
  retryAfter: string | null;
}

/**
 * A recording (and optionally rewriting) HTTP proxy in front of the sandbox: it sees what actually
 * went over the wire and when, which is what Retry-After is about.
 */
async function recordingProxy(
  target: string,
  rewrite?: (url: string, body: string) => string,
): Promise<{ url: string; seen: Seen[]; close(): Promise<void> }> {
  const seen: Seen[] = [];
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const arrived = Date.now();
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const up = request(
        `${target}${req.url ?? '/'}`,
        { method: req.method, headers: { ...req.headers, host: new URL(target).host } },
        (upRes) => {
          const body: Buffer[] = [];
          upRes.on('data', (c: Buffer) => body.push(c));
          upRes.on('error', () => res.destroy());
          upRes.on('end', () => {
            let text = Buffer.concat(body).toString('utf8');
            if (rewrite && upRes.statusCode === 200) text = rewrite(req.url ?? '', text);
            const headers = { ...upRes.headers };
            delete headers['content-length'];
            delete headers['transfer-encoding'];
            const retryAfter = upRes.headers['retry-after'] ?? null;
            res.writeHead(upRes.statusCode ?? 502, headers);
            res.end(text);
            seen.push({
              method: req.method ?? '',
              url: req.url ?? '',
              arrived,
              answered: Date.now(),
              status: upRes.statusCode ?? 0,
              retryAfter: Array.isArray(retryAfter) ? (retryAfter[0] ?? null) : retryAfter,
            });
          });
        },
      );
      up.on('error', () => res.destroy());
      up.end(Buffer.concat(chunks));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    seen,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** The sandbox's endpoints with every address pointing at the proxy instead. */
function viaProxy(sandbox: RunningSandbox, proxyUrl: string): DemoEndpoints {
  const swap = <T>(o: T): T => JSON.parse(JSON.stringify(o).split(sandbox.url).join(proxyUrl)) as T;
  return { baseUrls: swap(sandbox.baseUrls), credentials: swap(sandbox.credentials) };
}

describe('(c), (d), (e) against one world', () => {
  let sandbox: RunningSandbox;
  beforeAll(async () => {
    sandbox = await startSandbox({
      seed: 12,
      days: 6,
      salesPerDay: 25,
      today: TODAY,
      speedUp: SPEED_UP,
      dataDir: tempHome(),
    });
  });
  afterAll(() => sandbox.close());

  it('(d) retries wait at least as long as Retry-After says (seconds and HTTP-date), and the sync completes', async () => {
    const clean = await cleanDump(sandbox);
    const proxy = await recordingProxy(sandbox.url);
    sandbox.faults.configure({
      rules: [
        { kind: 'rate-limit', provider: 'tgi', endpoint: 'list', nth: [2], retryAfterSeconds: 1 },
        // Cents reads this small world in one list request: its first.
        { kind: 'rate-limit-date', provider: 'cents', endpoint: 'list', nth: [1], retryAfterSeconds: 2 },
      ],
    });
    try {
      const store = await freshHome(viaProxy(sandbox, proxy.url));
      // Retry-After is obeyed up to 10 s here (the fast test client caps it at 100 ms elsewhere).
      const reports = await sync(store.db, {}, { ...FAST, maxRetryAfterMs: 10_000 });
      for (const r of reports) expect([r.provider, r.status, r.error]).toEqual([r.provider, 'ok', null]);
      expect(canonicalDump(store.db)).toEqual(clean);
      store.close();

      const limited = proxy.seen.filter((s) => s.status === 429);
      expect(limited.map((s) => s.url.split('/')[1])).toEqual(expect.arrayContaining(['tgi', 'cents']));
      expect(limited).toHaveLength(2);
      for (const hit of limited) {
        const retry = proxy.seen.find(
          (s) => s.method === hit.method && s.url === hit.url && s.arrived >= hit.answered && s !== hit,
        );
        expect(retry, `retry of ${hit.url}`).toBeDefined();
        const header = hit.retryAfter ?? '';
        // Seconds count from when the 429 was sent; a date is an absolute instant (1 s resolution).
        const notBefore = /^\d+$/.test(header) ? hit.answered + Number(header) * 1000 : Date.parse(header);
        expect(Number.isNaN(notBefore)).toBe(false);
        // 2 ms: Date.now() and the timer clock round independently; a lower bound, not a speed check.
        expect(retry?.arrived ?? 0, `${hit.url} Retry-After: ${header}`).toBeGreaterThanOrEqual(
          notBefore - 2,
        );
      }
    } finally {
      sandbox.faults.configure('none');
      await proxy.close();
    }
  });

  it('(e) wrong types and missing fields in a page: those records are quarantined with errors, the rest committed', async () => {
    const clean = await cleanDump(sandbox);
    let broken: { tid: string | null; fault: string }[] = [];
    // The first TGI page with enough records gets four broken ones; nothing else changes.
    const proxy = await recordingProxy(sandbox.url, (url, body) => {
      if (broken.length || !url.startsWith('/tgi/transactions')) return body;
      const doc = JSON.parse(body) as { data?: Record<string, unknown>[] };
      const data = doc.data ?? [];
      if (data.length < 8) return body;
      const at = (i: number) => data[i] as Record<string, unknown>;
      at(1).total = '12,50'; // amount as a decimal string
      at(3).date = 20240310; // a date as a number
      delete at(5).status; // a required field missing
      delete at(6).tid; // the id missing
      broken = [
        { tid: String(at(1).tid), fault: 'total' },
        { tid: String(at(3).tid), fault: 'date' },
        { tid: String(at(5).tid), fault: 'status' },
        { tid: null, fault: 'tid' },
      ];
      return JSON.stringify(doc);
    });
    // And the sandbox's own malformed record (id gone, amount unreadable) in SentryPOS's first window
    // with records (its third sales request).
    sandbox.faults.configure({
      rules: [{ kind: 'malformed-record', provider: 'sentrypos', endpoint: 'sales', nth: [3] }],
    });
    try {
      const store = await freshHome(viaProxy(sandbox, proxy.url));
      const reports = await sync(store.db);
      expect(broken).toHaveLength(4);
      const byProvider = Object.fromEntries(reports.map((r) => [r.provider, r]));
      expect(byProvider.tgi).toMatchObject({ status: 'partial', quarantinedTotal: 4 });
      expect(byProvider.sentrypos).toMatchObject({ status: 'partial', quarantinedTotal: 1 });
      for (const p of ['vipps', 'cents', 'sensepass']) expect(byProvider[p]?.status, p).toBe('ok');

      const quarantined = store.db
        .prepare('SELECT provider, external_id AS id, error, raw_json AS raw FROM quarantine ORDER BY id')
        .all() as { provider: string; id: string | null; error: string; raw: string }[];
      expect(quarantined).toHaveLength(5);
      for (const q of quarantined) {
        expect(q.error.length, JSON.stringify(q)).toBeGreaterThan(0);
        expect(() => JSON.parse(q.raw) as unknown).not.toThrow();
      }
      const tgiQ = quarantined.filter((q) => q.provider === 'tgi');
      expect(tgiQ.map((q) => q.id).sort()).toEqual(broken.map((b) => b.tid).sort());
      for (const b of broken.filter((x) => x.tid !== null))
        expect(tgiQ.find((q) => q.id === b.tid)?.error, b.fault).toContain(b.fault);

      // The rest is committed: the cache is the clean one minus exactly the broken records.
      const got = canonicalDump(store.db);
      const gotKeys = new Set(got.map((r) => r.key));
      const missing = clean.filter((r) => !gotKeys.has(r.key));
      expect(missing.filter((r) => r.key.startsWith('tgi/'))).toHaveLength(4);
      expect(missing.filter((r) => r.key.startsWith('sentrypos/'))).toHaveLength(1);
      expect(missing).toHaveLength(5);
      const brokenTids = broken.flatMap((b) => (b.tid ? [b.tid] : []));
      for (const tid of brokenTids)
        expect(
          missing.some((r) => r.key.endsWith(`/${tid}`)),
          tid,
        ).toBe(true);
      expect(got).toEqual(clean.filter((r) => gotKeys.has(r.key)));
      store.close();
    } finally {
      sandbox.faults.configure('none');
      await proxy.close();
    }
  });

  it('(c) a late refund and a status change show up after a re-sync, in the record and in the change log', async () => {
    const store = await freshHome(sandbox);
    await sync(store.db);
    const record = (provider: string, id: string) =>
      store.db
        .prepare(
          'SELECT status, provider_status, amount_minor, raw_json FROM transactions WHERE provider = ? AND external_id = ?',
        )
        .get(provider, id) as
        | { status: string; provider_status: string | null; amount_minor: number; raw_json: string }
        | undefined;
    const changes = (provider: string, id: string) =>
      store.db
        .prepare(
          'SELECT field, before, after FROM change_log WHERE provider = ? AND external_id = ? ORDER BY id',
        )
        .all(provider, id) as { field: string; before: string | null; after: string | null }[];

    const sense = sandbox.world.get<{ id: string }>(
      'SELECT number AS id FROM sensepass WHERE status = 5 ORDER BY seq LIMIT 1',
    );
    const cents = sandbox.world.get<{ id: string }>(
      "SELECT id FROM cents WHERE json ->> '$.transaction_status' = 'paid' ORDER BY seq LIMIT 1",
    );
    const tgi = sandbox.world.get<{ id: string }>(
      "SELECT tid AS id FROM tgi WHERE status = 'complete' AND json ->> '$.total' > 0 ORDER BY seq LIMIT 1",
    );
    expect([sense, cents, tgi].every(Boolean)).toBe(true);
    const senseId = sense?.id ?? '';
    const centsId = cents?.id ?? '';
    const tgiId = tgi?.id ?? '';
    expect(record('sensepass', senseId)?.status).toBe('completed');
    expect(record('cents', centsId)?.status).toBe('completed');
    expect(changes('sensepass', senseId)).toEqual([]);

    expect(sandbox.world.setStatus('sensepass', senseId, 9)).toBe(true); // voided
    expect(sandbox.world.addLateRefund({ provider: 'cents', id: centsId })?.kind).toBe('late-refund');
    const tgiRefund = sandbox.world.addLateRefund({ provider: 'tgi', id: tgiId });
    expect(tgiRefund?.kind).toBe('late-refund');

    const reports = await sync(store.db);
    for (const r of reports) expect([r.provider, r.status]).toEqual([r.provider, 'ok']);
    expect(reports.reduce((n, r) => n + r.changes, 0)).toBeGreaterThan(0);

    expect(record('sensepass', senseId)).toMatchObject({ status: 'cancelled' });
    expect(record('sensepass', senseId)?.provider_status).toMatch(/^9\b/);
    expect(changes('sensepass', senseId)).toEqual(
      expect.arrayContaining([
        { field: 'status', before: 'completed', after: 'cancelled' },
        expect.objectContaining({ field: 'raw' }),
      ]),
    );
    expect(record('cents', centsId)?.status).toBe('refunded');
    expect(changes('cents', centsId)).toEqual(
      expect.arrayContaining([{ field: 'status', before: 'completed', after: 'refunded' }]),
    );
    // TGI shows a late refund as its own record: new, so inserted, not "changed". Nothing in it points
    // at the original (TGI's docs have no such field; only the sandbox's ground truth links the two).
    const refundTid = (tgiRefund?.detail as { tid: string }).tid;
    expect(record('tgi', refundTid)).toMatchObject({ status: 'refunded' });
    expect(record('tgi', refundTid)?.amount_minor).toBeLessThan(0);
    expect(
      store.db
        .prepare(
          `SELECT value FROM transaction_refs r JOIN transactions t ON t.id = r.transaction_id
            WHERE t.provider = 'tgi' AND t.external_id = ?`,
        )
        .pluck()
        .all(refundTid),
    ).not.toContain(tgiId);
    expect(duplicateKeys(store.db)).toEqual([]);
    store.close();
  });
});
