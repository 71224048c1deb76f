import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  DATASETS,
  FAULT_PROFILES,
  startSandbox,
  type FaultKind,
  type RunningSandbox,
} from '../../../src-main/core/sandbox/index.ts';
import { TEST_WORLDS_DIR } from '../../unit/sandbox/test-worlds-dir.ts';

let sb: RunningSandbox;
const dataDir = TEST_WORLDS_DIR;
const world = { seed: 21, days: 3, salesPerDay: 50, today: '2026-05-20', dataDir, speedUp: 100 };

beforeAll(async () => {
  sb = await startSandbox(world);
});
afterAll(() => sb.close());
beforeEach(() => sb.faults.configure('none'));

const tgiHeaders = () => ({ [sb.credentials.tgi.headerName ?? '']: sb.credentials.tgi.key ?? '' });
const tgiList = (q = 'limit=20') => fetch(`${sb.baseUrls.tgi}/transactions?${q}`, { headers: tgiHeaders() });
const sentry = () =>
  fetch(`${sb.baseUrls.sentrypos}/public/api/v1/sales?limit=5`, {
    headers: { authorization: `Bearer ${sb.credentials.sentrypos.apiKey}` },
  });
const only = (kind: FaultKind, extra: object = {}) =>
  sb.faults.configure({ rules: [{ kind, provider: 'tgi', endpoint: 'list', nth: [2], ...extra }] });

describe('faults fire exactly as configured', () => {
  it('fires only on the configured ordinal of the configured endpoint', async () => {
    only('http-503');
    const statuses = [];
    for (let i = 0; i < 4; i++) statuses.push((await tgiList()).status);
    expect(statuses).toEqual([200, 503, 200, 200]);
    expect((await sentry()).status).toBe(200);
    expect(sb.faults.log).toEqual([{ provider: 'tgi', endpoint: 'list', ordinal: 2, kind: 'http-503' }]);
  });

  it("429 with Retry-After in seconds and as an HTTP-date, in the provider's error body", async () => {
    sb.faults.configure({
      rules: [
        { kind: 'rate-limit', provider: 'sentrypos', nth: [1], retryAfterSeconds: 7 },
        { kind: 'rate-limit-date', provider: 'sentrypos', nth: [2], retryAfterSeconds: 30 },
      ],
    });
    const a = await sentry();
    expect(a.status).toBe(429);
    expect(a.headers.get('retry-after')).toBe('7');
    expect(await a.json()).toEqual({ error: 'RATE_LIMITED', message: expect.any(String) });
    const b = await sentry();
    expect(b.status).toBe(429);
    const when = Date.parse(b.headers.get('retry-after') ?? '');
    expect(when - Date.now()).toBeGreaterThan(20_000);
    expect(b.headers.get('retry-after')).toMatch(/GMT$/);
  });

  it("500 in Vipps's shape, 502 as an HTML gateway page", async () => {
    sb.faults.configure({
      rules: [
        { kind: 'http-500', provider: 'vipps', endpoint: 'ledgers', nth: [1] },
        { kind: 'http-502', provider: 'tgi', nth: [1] },
      ],
    });
    const v = await fetch(`${sb.baseUrls.vipps}/settlement/v1/ledgers`);
    expect(v.status).toBe(500);
    expect(Object.keys((await v.json()) as object).sort()).toEqual([
      'contextId',
      'errorCode',
      'errorMessage',
    ]);
    const t = await tgiList();
    expect(t.status).toBe(502);
    expect(t.headers.get('content-type')).toContain('text/html');
  });

  it('connection reset', async () => {
    only('reset');
    await tgiList();
    await expect(tgiList()).rejects.toThrow();
    expect((await tgiList()).status).toBe(200);
  });

  it('stalled response (stallMs scaled by speedUp), then served', async () => {
    only('stall', { stallMs: 3000 });
    await tgiList();
    const t0 = performance.now();
    const res = await tgiList();
    expect(res.status).toBe(200);
    expect(performance.now() - t0).toBeGreaterThanOrEqual(25);
    expect(sb.faults.log.map((f) => f.kind)).toEqual(['stall']);
  });

  it('truncated JSON on a 200', async () => {
    only('truncate');
    await tgiList();
    const res = await tgiList();
    expect(res.status).toBe(200);
    const text = await res.text();
    expect(() => JSON.parse(text)).toThrow();
  });

  it('one malformed record inside an otherwise valid page', async () => {
    only('malformed-record');
    const good = (await (await tgiList()).json()) as { data: Record<string, unknown>[] };
    const bad = (await (await tgiList()).json()) as { data: Record<string, unknown>[] };
    const broken = bad.data.filter((r, i) => JSON.stringify(r) !== JSON.stringify(good.data[i]));
    expect(broken).toHaveLength(1);
    expect(broken[0]?.tid).toBeUndefined();
    expect(typeof broken[0]?.total).toBe('string');
  });

  it('records that change between fetches (the mutate fault)', async () => {
    const snapshot = () =>
      DATASETS.map((d) => [...sb.world.records(d)].map((r) => JSON.stringify(r)).join('\n')).join('\n#\n');
    const before = snapshot();
    sb.faults.configure({ rules: [{ kind: 'mutate', provider: 'tgi', every: 1, limit: 3 }] });
    for (let i = 0; i < 3; i++) expect((await tgiList()).status).toBe(200);
    expect(sb.faults.log.filter((f) => f.kind === 'mutate')).toHaveLength(3);
    expect(snapshot()).not.toBe(before);
  });

  it('the "all" profile fires every kind once per endpoint, on its 2nd to 11th requests', async () => {
    sb.faults.configure('all');
    for (let i = 0; i < 12; i++) await tgiList().catch(() => undefined);
    expect(sb.faults.log.map((f) => [f.ordinal, f.kind])).toEqual(
      FAULT_PROFILES.all?.().rules.map((r, i) => [i + 2, r.kind]),
    );
  });

  it('seeded rates are deterministic: the same requests get the same faults', async () => {
    const run = async () => {
      sb.faults.configure({ seed: 4, rules: [{ kind: 'http-503', rate: 0.3 }] });
      for (let i = 0; i < 30; i++) await tgiList();
      return sb.faults.log.map((f) => f.ordinal);
    };
    const a = await run();
    expect(a.length).toBeGreaterThan(2);
    expect(await run()).toEqual(a);
  });

  it('token endpoints are left alone by "*" rules unless they opt in', async () => {
    sb.faults.configure({ rules: [{ kind: 'http-503', provider: 'cents', every: 1 }] });
    const c = sb.credentials.cents;
    const body = `grant_type=refresh_token&client_id=${c.clientId}&refresh_token=${c.refreshToken}`;
    const post = () =>
      fetch(c.tokenUrl ?? '', {
        method: 'POST',
        body,
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
      });
    expect((await post()).status).toBe(200);
    sb.faults.configure({ rules: [{ kind: 'http-503', provider: 'cents', every: 1, includeAuth: true }] });
    expect((await post()).status).toBe(503);
  });
});

describe('a retrying client still gets exactly the world under the flaky profile', () => {
  it('TGI', async () => {
    sb.faults.configure({
      seed: 2,
      rules: (FAULT_PROFILES.flaky?.().rules ?? []).map((r) => ({
        ...r,
        rate: (r.rate ?? 0) * 10,
        stallMs: 1000,
      })),
    });
    const out: unknown[] = [];
    let next: string | null = '/transactions?limit=3';
    type TgiPage = { data: { tid?: string }[]; cursor: { nextUrl: string | null } };
    while (next) {
      let page: TgiPage | undefined;
      for (let attempt = 0; !page && attempt < 50; attempt++) {
        try {
          const res = await fetch(`${sb.baseUrls.tgi}${next}`, { headers: tgiHeaders() });
          const parsed = res.status === 200 ? (JSON.parse(await res.text()) as TgiPage) : undefined;
          if (parsed?.data.every((r) => typeof r.tid === 'string')) page = parsed;
        } catch {
          // reset or truncated: try again
        }
      }
      if (!page) throw new Error('gave up');
      out.push(...page.data);
      next = page.cursor.nextUrl;
    }
    expect(out.map((r) => JSON.stringify(r))).toEqual(
      [...sb.world.records('tgi:transactions')].map((r) => JSON.stringify(r)),
    );
    expect(new Set(sb.faults.log.map((f) => f.kind)).size).toBeGreaterThan(3);
  });
});
