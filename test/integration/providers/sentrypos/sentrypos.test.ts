import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConnectorError } from '../../../../src-main/core/providers/connector-error.ts';
import { sentryposConnector } from '../../../../src-main/core/providers/sentrypos/index.ts';
import { addDays } from '../../../../src-main/core/providers/shared/days.ts';
import type { RunningSandbox } from '../../../../src-main/core/sandbox/index.ts';
import {
  drainAll,
  harness,
  lastBookmark,
  records,
  sandbox,
  SPEED_UP,
  TODAY,
} from '../../../support/provider-harness.ts';

let sb: RunningSandbox;
let since: string;
// The published budget, scaled like the sandbox's rate-limit window.
const budget = { limit: 60, intervalMs: 60_000 / SPEED_UP };

beforeAll(async () => {
  sb = await sandbox();
  since = addDays(sb.world.options.firstDay, -2);
});
afterAll(() => sb.close());

const h = (config: Record<string, unknown> = {}, apiKey = sb.credentials.sentrypos.apiKey) =>
  harness(sentryposConnector, {
    config: { baseUrl: sb.baseUrls.sentrypos, currency: 'NOK', ...config },
    lookbackDays: 2,
    secrets: { apiKey: apiKey ?? '' },
    since,
    budget,
  });

function world() {
  return sb.world.all<{ id: string; amount: number; created_ms: number }>(
    'SELECT id, amount, created_ms FROM sentrypos_sales',
  );
}

describe('SentryPOS connector against the sandbox', () => {
  it('retrieves exactly the world, each sale once, with few requests when pages are large', async () => {
    const { ctx, urls } = h();
    const d = await drainAll(sentryposConnector, ctx);
    const got = records(d);
    expect(new Set(got.map((r) => r.externalId)).size).toBe(got.length);
    const expected = world();
    expect(got.map((r) => r.externalId).sort()).toEqual(expected.map((r) => r.id).sort());
    const amounts = new Map(expected.map((r) => [r.id, r.amount]));
    for (const r of got) expect(r.amountMinor).toBe(amounts.get(r.externalId));
    // One summary and one list request per summary-sized window: no blind bisection.
    expect(urls.length).toBeLessThanOrEqual(3);
  });

  it('narrows days with more sales than a page by time, and every closed day matches the summary', async () => {
    const { ctx, urls } = h({ pageLimit: 15 });
    const d = await drainAll(sentryposConnector, ctx);
    const got = records(d);
    expect(got.map((r) => r.externalId).sort()).toEqual(
      world()
        .map((r) => r.id)
        .sort(),
    );
    expect(new Set(got.map((r) => r.externalId)).size).toBe(got.length);
    expect(urls.some((u) => /endDate=\d{4}-\d{2}-\d{2}T/.test(decodeURIComponent(u)))).toBe(true);

    const lastClosed = '2026-03-08'; // Oslo's midnight of the 10th is 23:00Z on the 9th
    const byDay = new Map(d.completeness.map((c) => [c.date, c]));
    // In Oslo (east of UTC) the shop's today ends inside the same UTC day: nothing later is reported.
    expect(Math.max(...d.completeness.map((c) => Date.parse(c.date)))).toBe(Date.parse(TODAY));
    for (let day = since; day <= TODAY; day = addDays(day, 1)) {
      expect(byDay.get(day)?.state, `${day}: ${byDay.get(day)?.detail}`).toBe(
        day <= lastClosed ? 'complete' : 'open',
      );
    }
    expect(lastBookmark(d)).toBe(JSON.stringify({ through: lastClosed }));
  });

  it('resumes from the bookmark minus the lookback', async () => {
    const { ctx, urls } = h();
    await drainAll(
      sentryposConnector,
      { ...ctx, window: { ...ctx.window, since: null } },
      JSON.stringify({ through: '2026-03-08' }),
    );
    expect(decodeURIComponent(urls[0] ?? '')).toContain('startDate=2026-03-06');
  });

  it('quarantines a broken record and marks its day partial', async () => {
    sb.faults.configure({
      rules: [{ kind: 'malformed-record', provider: 'sentrypos', endpoint: 'sales', nth: [1], limit: 1 }],
    });
    try {
      const { ctx } = h({ pageLimit: 1000 });
      const d = await drainAll(sentryposConnector, ctx);
      const bad = d.outcomes.filter((o) => !o.ok);
      expect(bad).toHaveLength(1);
      expect(bad[0]).toMatchObject({ ok: false, externalId: null });
      expect(!bad[0]?.ok && bad[0]?.error).toMatch(/id|amountCents/);
      expect(d.completeness.some((c) => c.state === 'partial')).toBe(true);
      expect(lastBookmark(d)).toBeNull();
    } finally {
      sb.faults.configure('none');
    }
  });

  it('a wrong key fails the test in plain words, as an auth error', async () => {
    const { ctx } = h({}, 'sntr_not_a_real_key');
    const err = await sentryposConnector.test(ctx).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ConnectorError);
    expect(err).toMatchObject({ kind: 'auth', status: 401 });
    expect((err as Error).message).toMatch(
      /^SentryPOS rejected the credentials \(401\).*Check them in Connections\.$/,
    );
  });

  it('a key without the sales:read scope is an auth error too; the right key passes', async () => {
    const err = await sentryposConnector
      .test(h({}, sb.credentials.sentrypos.apiKeyNoScope).ctx)
      .catch((e: unknown) => e);
    expect(err).toMatchObject({ kind: 'auth', status: 403 });
    await expect(sentryposConnector.test(h().ctx)).resolves.toBeUndefined();
  });

  it('narrowing by time misses no sale that shares its second with a page edge (createdAt shows whole seconds)', async () => {
    // Busy day, small pages: many page edges fall inside a second that holds more than one sale, and
    // the sandbox (like the service) orders by a finer time than the seconds createdAt shows.
    const busy = await sandbox({ seed: 3, days: 2, salesPerDay: 3000, today: '2026-03-03' });
    try {
      const shared = busy.world.all<{ n: number }>(
        `SELECT count(*) AS n FROM (SELECT created_ms / 1000 FROM sentrypos_sales
          GROUP BY created_ms / 1000 HAVING count(*) > 1)`,
      )[0]?.n;
      expect(shared).toBeGreaterThan(50);
      const { ctx } = harness(sentryposConnector, {
        config: { baseUrl: busy.baseUrls.sentrypos, currency: 'NOK', pageLimit: 40 },
        secrets: { apiKey: busy.credentials.sentrypos.apiKey ?? '' },
        today: '2026-03-03',
        since: '2026-03-01',
        budget: null,
      });
      const d = await drainAll(sentryposConnector, ctx);
      const got = records(d).map((r) => r.externalId);
      const expected = busy.world.all<{ id: string }>('SELECT id FROM sentrypos_sales').map((r) => r.id);
      expect(got.length).toBe(new Set(got).size);
      expect([...got].sort()).toEqual([...expected].sort());
      expect(d.completeness.filter((c) => c.state === 'partial')).toEqual([]);
    } finally {
      await busy.close();
    }
  });
});
