import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CanonicalTransaction } from '../../../../src-main/core/model/transaction.ts';
import { createCentsConnector, centsConnector } from '../../../../src-main/core/providers/cents/index.ts';
import { ConnectorError } from '../../../../src-main/core/providers/connector-error.ts';
import { startSandbox, type RunningSandbox } from '../../../../src-main/core/sandbox/index.ts';
import { distinctJson, drain, harness, streamOf } from '../../../support/provider-harness.ts';

const TODAY = '2026-03-10';
const SPEED_UP = 2400; // a one-hour id_token lives 1.5 s

let sb: RunningSandbox;
const config = () => ({
  clientId: sb.credentials.cents.clientId,
  tokenUrl: sb.credentials.cents.tokenUrl,
  baseUrl: sb.baseUrls.cents,
});
const secrets = () => ({ refreshToken: sb.credentials.cents.refreshToken ?? '' });
const records = (outcomes: { ok: boolean }[]): CanonicalTransaction[] =>
  outcomes.flatMap((o) => ('record' in o ? [o.record as CanonicalTransaction] : []));

beforeAll(async () => {
  sb = await startSandbox({
    seed: 5,
    days: 6,
    salesPerDay: 150,
    today: TODAY,
    speedUp: SPEED_UP,
    rates: {
      partialRefund: 0.2,
      fullRefund: 0.1,
      lateRefund: 0,
      duplicateNotification: 0.1,
      failedThenRetry: 0.1,
    },
    dataDir: mkdtempSync(join(tmpdir(), 'cents-conn-')),
  });
});
afterAll(() => sb.close());

describe('Cents connector against the sandbox', () => {
  it('lists exactly the world by keyset paging, once each, with exact amounts', async () => {
    const h = harness(centsConnector, { config: config(), secrets: secrets(), today: TODAY });
    const run = await drain(streamOf(centsConnector, 'transactions'), h.ctx);
    expect(run.outcomes.every((o) => o.ok)).toBe(true);
    const recs = records(run.outcomes);
    const world = distinctJson(sb.world.records('cents:transactions'));
    expect(distinctJson(recs.map((r) => r.raw as Record<string, unknown>))).toEqual(world);
    expect(new Set(recs.map((r) => r.externalId)).size).toBe(recs.length);
    expect(run.pages).toBeGreaterThan(1);

    const byId = new Map(recs.map((r) => [r.externalId, r]));
    for (const w of world.map((j) => JSON.parse(j) as Record<string, number | string>)) {
      const r = byId.get(String(w.id));
      // The world writes floats from integer minor units, so ×100 and rounding recovers them.
      expect(r?.amountMinor).toBe(Math.round(Number(w.total_amount) * 100));
      expect(r?.lines[1]?.lineGrossMinor).toBe(Math.round(Number(w.donation_amount) * 100));
      expect(r?.references).toContainEqual({ kind: 'external_id', value: w.external_id });
    }
    const statuses = new Set(recs.map((r) => r.status));
    for (const s of ['completed', 'refunded', 'partially_refunded', 'failed'] as const)
      expect(statuses).toContain(s);

    // The next run lists from the bookmark minus the lookback, with the date filter alone.
    const before = h.attempts.length;
    const again = await drain(streamOf(centsConnector, 'transactions'), h.ctx, run.bookmark);
    const urls = h.attempts.slice(before).map((a) => new URL(a.url));
    expect(urls.every((u) => u.searchParams.get('start_date') === '2026-03-06')).toBe(true);
    expect(urls.some((u) => u.searchParams.has('company_id') || u.searchParams.has('external_id'))).toBe(
      false,
    );
    const recent = recs.filter((r) => r.occurredAt >= '2026-03-06').map((r) => r.externalId);
    expect(
      records(again.outcomes)
        .map((r) => r.externalId)
        .sort(),
    ).toEqual(recent.sort());
  });

  it('sends the id_token, renews it before expiry, and refreshes once after a 401', async () => {
    const t0 = Date.now();
    const connector = createCentsConnector({ now: () => t0 + (Date.now() - t0) * SPEED_UP });
    const h = harness(connector, { config: config(), secrets: secrets(), today: TODAY });
    const until = Date.now() + 3_500;
    while (Date.now() < until) {
      await connector.test(h.ctx);
      await new Promise((r) => setTimeout(r, 50));
    }
    expect(new Set(h.authCalls.map((c) => c.bearer)).size).toBeGreaterThanOrEqual(3);
    expect(h.attempts.filter((a) => a.status === 401)).toHaveLength(0);

    const plain = harness(centsConnector, { config: config(), secrets: secrets(), today: TODAY });
    await centsConnector.test(plain.ctx);
    await new Promise((r) => setTimeout(r, (3_600_000 / SPEED_UP) * 1.1));
    await centsConnector.test(plain.ctx);
    expect(plain.authCalls.filter((c) => c.refresh)).toHaveLength(1);
  });

  it('a refused refresh token is an auth error in plain words', async () => {
    const h = harness(centsConnector, {
      config: config(),
      secrets: { refreshToken: 'expired' },
      today: TODAY,
    });
    const err = await centsConnector.test(h.ctx).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ConnectorError);
    expect((err as ConnectorError).kind).toBe('auth');
    expect((err as ConnectorError).message).toMatch(
      /^Cents no longer accepts the saved sign-in.*Sign in to Cents again/,
    );
  });

  it('a broken record is quarantined and the listing goes on', async () => {
    sb.faults.configure({
      rules: [{ kind: 'malformed-record', provider: 'cents', endpoint: 'list', nth: [2] }],
    });
    try {
      const h = harness(centsConnector, { config: config(), secrets: secrets(), today: TODAY });
      const run = await drain(streamOf(centsConnector, 'transactions'), h.ctx);
      const bad = run.outcomes.filter((o) => !o.ok);
      expect(bad).toHaveLength(1);
      expect(bad[0]).toMatchObject({
        ok: false,
        externalId: null,
        error: expect.stringMatching(/id|amount/),
      });
    } finally {
      sb.faults.configure('none');
    }
  });
});
