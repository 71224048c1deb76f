import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConnectorError } from '../../../../src-main/core/providers/connector-error.ts';
import { sensepassConnector } from '../../../../src-main/core/providers/sensepass/index.ts';
import { addDays } from '../../../../src-main/core/providers/shared/days.ts';
import type { RunningSandbox } from '../../../../src-main/core/sandbox/index.ts';
import { drainAll, harness, lastBookmark, records, sandbox } from '../../../support/provider-harness.ts';

let sb: RunningSandbox;
let since: string;

beforeAll(async () => {
  // Two currencies; amounts arrive as strings in some records and numbers in others.
  sb = await sandbox({ sensePassCurrencies: ['ILS', 'USD'], salesPerDay: 60 });
  since = addDays(sb.world.options.firstDay, -2);
});
afterAll(() => sb.close());

const h = (
  config: Record<string, unknown> = {},
  secrets: Record<string, string> = { apiKey: sb.credentials.sensepass.apiKey ?? '' },
) =>
  harness(sensepassConnector, {
    config: { baseUrl: sb.baseUrls.sensepass, pageLimit: 7, windowDays: 2, ...config },
    lookbackDays: 2,
    secrets,
    since,
  });

function world() {
  const rows = sb.world.all<{ number: string; amount_minor: number; currency: string; status: number }>(
    'SELECT number, amount_minor, currency, status FROM sensepass',
  );
  return new Map(rows.map((r) => [r.number, r]));
}

describe('SensePass connector against the sandbox', () => {
  it('pages by offset in date order and retrieves exactly the world, each transaction once', async () => {
    const { ctx } = h();
    const d = await drainAll(sensepassConnector, ctx);
    const got = records(d);
    const expected = world();
    expect(new Set(got.map((r) => r.externalId)).size).toBe(got.length);
    expect(got.map((r) => r.externalId).sort()).toEqual([...expected.keys()].sort());
    for (const r of got) {
      const w = expected.get(r.externalId);
      expect([r.amountMinor, r.currency]).toEqual([w?.amount_minor, w?.currency]);
      expect(r.providerStatus?.startsWith(`${w?.status} `)).toBe(true);
    }
    expect(new Set(got.map((r) => typeof (r.raw as { amount: unknown }).amount))).toEqual(
      new Set(['string', 'number']),
    );
    expect(lastBookmark(d)).toBe(JSON.stringify({ through: '2026-03-09' }));
    const states = new Map(d.completeness.map((c) => [c.date, c.state]));
    for (let day = since; day <= '2026-03-09'; day = addDays(day, 1))
      expect(states.get(day), day).toBe('complete');
    expect(states.get('2026-03-10')).toBe('open');
  });

  it('authenticates with a device id in the body as well', async () => {
    const { ctx } = h({ authMode: 'deviceId' }, { deviceId: sb.credentials.sensepass.deviceId ?? '' });
    await expect(sensepassConnector.test(ctx)).resolves.toBeUndefined();
  });

  it('a wrong key fails the test in plain words, as an auth error', async () => {
    const err = await sensepassConnector.test(h({}, { apiKey: 'nope' }).ctx).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ConnectorError);
    expect(err).toMatchObject({ kind: 'auth', status: 401 });
    expect((err as Error).message).toMatch(
      /^SensePass rejected the credentials \(401\).*Check them in Connections\.$/,
    );
  });

  it('a missing secret is a config error before any request', async () => {
    const err = await sensepassConnector.test(h({}, {}).ctx).catch((e: unknown) => e);
    expect(err).toMatchObject({
      kind: 'config',
      message: 'SensePass has no API key yet. Enter it in Connections.',
    });
  });
});
