import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConnectorError } from '../../../../src-main/core/providers/connector-error.ts';
import { addDays } from '../../../../src-main/core/providers/shared/days.ts';
import { tgiConnector } from '../../../../src-main/core/providers/tgi/index.ts';
import type { RunningSandbox } from '../../../../src-main/core/sandbox/index.ts';
import { drainAll, harness, lastBookmark, records, sandbox } from '../../../support/provider-harness.ts';

let sb: RunningSandbox;
let since: string;

beforeAll(async () => {
  sb = await sandbox();
  since = addDays(sb.world.options.firstDay, -2);
});
afterAll(() => sb.close());

const h = (
  config: Record<string, unknown> = {},
  key = sb.credentials.tgi.key,
  extra: { since?: string | null } = {},
) =>
  harness(tgiConnector, {
    config: {
      baseUrl: sb.baseUrls.tgi,
      authHeaderName: sb.credentials.tgi.headerName,
      currency: 'NOK',
      pageLimit: 7,
      windowDays: 3,
      ...config,
    },
    lookbackDays: 2,
    secrets: { key: key ?? '' },
    since: extra.since === undefined ? since : extra.since,
  });

function world() {
  const rows = sb.world.all<{ tid: string; json: string }>('SELECT tid, json FROM tgi');
  return new Map(rows.map((r) => [r.tid, JSON.parse(r.json) as { total: number; status: string }]));
}

describe('TGI connector against the sandbox', () => {
  it('follows the relative nextUrl through every window and retrieves exactly the world, each tid once', async () => {
    const { ctx, urls } = h();
    const d = await drainAll(tgiConnector, ctx);
    const got = records(d);
    const expected = world();
    expect(new Set(got.map((r) => r.externalId)).size).toBe(got.length);
    expect(got.map((r) => r.externalId).sort()).toEqual([...expected.keys()].sort());
    for (const r of got) {
      const w = expected.get(r.externalId);
      expect(r.amountMinor).toBe(w?.total);
      expect(r.kind).toBe(w?.status === 'refund' ? 'refund' : 'capture');
    }
    // Several pages per window: page 2 onwards came from nextUrl, carrying the window's dates.
    expect(urls.some((u) => /page=2/.test(u) && /date_after=/.test(u))).toBe(true);
    expect(lastBookmark(d)).toBe(JSON.stringify({ through: '2026-03-08' }));
    const states = new Map(d.completeness.map((c) => [c.date, c.state]));
    for (let day = since; day <= '2026-03-08'; day = addDays(day, 1))
      expect(states.get(day), day).toBe('complete');
    expect(states.get('2026-03-10')).toBe('open');
  });

  it('sends the key as a bearer token when the header is Authorization', async () => {
    const { ctx } = h({ authHeaderName: 'Authorization' });
    await expect(tgiConnector.test(ctx)).resolves.toBeUndefined();
  });

  it('resumes from the bookmark minus the lookback', async () => {
    const { ctx, urls } = h({}, undefined, { since: null });
    await drainAll(tgiConnector, ctx, JSON.stringify({ through: '2026-03-08' }));
    expect(urls[0]).toContain('date_after=2026-03-06');
  });

  it('a wrong key fails the test in plain words, as an auth error', async () => {
    const err = await tgiConnector.test(h({}, 'wrong').ctx).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ConnectorError);
    expect(err).toMatchObject({ kind: 'auth', status: 401 });
    expect((err as Error).message).toMatch(
      /^LFL TGI rejected the credentials \(401\).*Check them in Connections\.$/,
    );
  });

  // Runs last: it changes the world (a late refund dated on an old day shifts the page-number pages).
  it('reads a window again when a late refund lands in it mid-run, and still gets exactly the world', async () => {
    const { ctx, urls } = h();
    const seen: string[] = [];
    let mutated = false;
    for await (const page of tgiConnector.streams[0]!.pages(ctx, null)) {
      for (const o of page.outcomes) seen.push(o.ok ? o.record.externalId : String(o.externalId));
      const first = page.outcomes.find((o) => o.ok && o.record.kind === 'capture');
      if (!mutated && first?.ok) {
        mutated = sb.world.addLateRefund({ provider: 'tgi', id: first.record.externalId }) !== null;
      }
    }
    expect(mutated).toBe(true);
    expect(new Set(seen).size).toBe(seen.length);
    expect(seen.sort()).toEqual([...world().keys()].sort());
    // The first window was read twice: its first page URL appears again.
    expect(urls.filter((u) => u === urls[0]).length).toBe(2);
  });
});
