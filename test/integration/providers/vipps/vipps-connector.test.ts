import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConnectorError } from '../../../../src-main/core/providers/connector-error.ts';
import type { CanonicalTransaction } from '../../../../src-main/core/model/transaction.ts';
import { createVippsConnector, vippsConnector } from '../../../../src-main/core/providers/vipps/index.ts';
import {
  DEMO_CREDENTIALS,
  startSandbox,
  type RunningSandbox,
} from '../../../../src-main/core/sandbox/index.ts';
import { distinctJson, drain, harness, streamOf } from '../../../support/provider-harness.ts';

const TODAY = '2026-03-10';
const SPEED_UP = 600; // a 15-minute token lives 1.5 s
const demo = DEMO_CREDENTIALS.vipps;
const secrets = { clientSecret: demo.clientSecret, subscriptionKey: demo.subscriptionKey };

let sb: RunningSandbox;
const partner = () => ({ clientId: demo.clientId, baseUrl: sb.baseUrls.vipps, keyFlow: 'partner' });
const records = (outcomes: { ok: boolean }[]): CanonicalTransaction[] =>
  outcomes.flatMap((o) => ('record' in o ? [o.record as CanonicalTransaction] : []));

beforeAll(async () => {
  sb = await startSandbox({
    seed: 11,
    days: 4,
    salesPerDay: 25,
    today: TODAY,
    speedUp: SPEED_UP,
    rates: { cash: 0.4 },
    dataDir: mkdtempSync(join(tmpdir(), 'vipps-conn-')),
  });
});
afterAll(() => sb.close());

describe('Vipps connector against the sandbox', () => {
  it('sales: the feed gives exactly the world, once each, cash entries included', async () => {
    const h = harness(vippsConnector, { config: partner(), secrets, today: TODAY });
    const run = await drain(streamOf(vippsConnector, 'sales'), h.ctx);
    expect(run.outcomes.every((o) => o.ok)).toBe(true);
    const recs = records(run.outcomes);
    expect(distinctJson(recs.map((r) => r.raw as Record<string, unknown>))).toEqual(
      distinctJson(sb.world.records('vipps:sales')),
    );
    expect(new Set(recs.map((r) => r.externalId)).size).toBe(recs.length);
    const worldGross = distinctJson(sb.world.records('vipps:sales'))
      .map((j) => JSON.parse(j) as { amounts: { gross: number } })
      .reduce((s, e) => s + e.amounts.gross, 0);
    expect(recs.reduce((s, r) => s + r.amountMinor, 0)).toBe(worldGross);
    const cash = recs.filter((r) => r.method === 'CASH');
    expect(cash.length).toBeGreaterThan(0);
    expect(cash.every((r) => !r.references.some((x) => x.kind === 'pspReference'))).toBe(true);
    for (const r of recs.filter((x) => x.lines.length > 0)) {
      expect(r.lines.reduce((s, l) => s + l.lineGrossMinor, 0)).toBe(r.amountMinor);
    }

    // The next run resumes at the bookmarked cursor and finds nothing new.
    const again = await drain(streamOf(vippsConnector, 'sales'), h.ctx, run.bookmark);
    expect(again.outcomes).toHaveLength(0);
  });

  for (const topic of ['funds', 'fees'] as const) {
    it(`${topic}: the feed gives exactly the world; today is open, closed dates complete`, async () => {
      const h = harness(vippsConnector, { config: partner(), secrets, today: TODAY });
      const run = await drain(streamOf(vippsConnector, topic), h.ctx);
      const recs = records(run.outcomes);
      expect(recs).toHaveLength(run.outcomes.length);
      expect(distinctJson(recs.map((r) => r.raw as Record<string, unknown>))).toEqual(
        distinctJson(sb.world.records(`vipps:${topic}`)),
      );
      expect(new Set(recs.map((r) => r.externalId)).size).toBe(recs.length);
      const worldSum = [...sb.world.records(`vipps:${topic}`)].reduce((s, e) => s + Number(e.amount), 0);
      expect(recs.reduce((s, r) => s + r.amountMinor, 0)).toBe(worldSum);
      for (const r of recs) expect(r.businessDate).toBe(r.ledgerDate);

      const states = new Map(run.completeness.map((c) => [c.date, c.state]));
      expect(states.get(TODAY)).toBe('open');
      const closed = [...states].filter(([d]) => d < TODAY);
      expect(closed.length).toBeGreaterThan(0);
      expect(closed.every(([, s]) => s === 'complete')).toBe(true);
      expect(JSON.parse(run.bookmark ?? '{}').ledgers[demo.ledgerId].open).toEqual([TODAY]);

      // Next run: the open date is read again through the date endpoint, the feed has nothing new.
      const again = await drain(streamOf(vippsConnector, topic), h.ctx, run.bookmark);
      const todays = recs.filter((r) => r.ledgerDate === TODAY).map((r) => r.externalId);
      expect(
        records(again.outcomes)
          .map((r) => r.externalId)
          .sort(),
      ).toEqual(todays.sort());
      expect(again.completeness.find((c) => c.date === TODAY)?.state).toBe('open');
      expect(JSON.parse(again.bookmark ?? '{}').ledgers[demo.ledgerId].cursor).toBe(
        JSON.parse(run.bookmark ?? '{}').ledgers[demo.ledgerId].cursor,
      );
    });
  }

  it('merchant keys read the Report API (ledger discovered), and skip the partner-only Sales API', async () => {
    const config = {
      clientId: demo.clientId,
      baseUrl: sb.baseUrls.vipps,
      keyFlow: 'merchant',
      merchantSerialNumber: demo.merchantSerialNumber,
    };
    const h = harness(vippsConnector, { config, secrets, today: TODAY });
    const run = await drain(streamOf(vippsConnector, 'fees'), h.ctx);
    expect(records(run.outcomes)).toHaveLength(sb.world.count('vipps:fees'));
    expect((await drain(streamOf(vippsConnector, 'sales'), h.ctx)).outcomes).toHaveLength(0);
    await expect(vippsConnector.test(h.ctx)).resolves.toBeUndefined();
  });

  it('renews the token before it expires: no request is refused', async () => {
    // The connector's clock runs as fast as the sandbox's, so 15 token minutes pass in 1.5 s.
    const t0 = Date.now();
    const connector = createVippsConnector({ now: () => t0 + (Date.now() - t0) * SPEED_UP });
    const h = harness(connector, { config: partner(), secrets, today: TODAY });
    const until = Date.now() + 3_500;
    while (Date.now() < until) {
      await connector.test(h.ctx);
      await new Promise((r) => setTimeout(r, 50));
    }
    expect(new Set(h.authCalls.map((c) => c.bearer)).size).toBeGreaterThanOrEqual(3);
    expect(h.authCalls.some((c) => c.refresh)).toBe(false);
    expect(h.attempts.filter((a) => a.status === 401)).toHaveLength(0);
  });

  it('when a token lapses anyway, the 401 is answered with one fresh token and the sync goes on', async () => {
    const h = harness(vippsConnector, { config: partner(), secrets, today: TODAY });
    await vippsConnector.test(h.ctx);
    await new Promise((r) => setTimeout(r, (900_000 / SPEED_UP) * 1.1));
    await vippsConnector.test(h.ctx);
    expect(h.authCalls.filter((c) => c.refresh)).toHaveLength(1);
    expect(new Set(h.authCalls.map((c) => c.bearer)).size).toBe(2);
  });

  it('a wrong secret is an auth error in plain words', async () => {
    const h = harness(vippsConnector, {
      config: partner(),
      secrets: { ...secrets, clientSecret: 'wrong' },
      today: TODAY,
    });
    const err = await vippsConnector.test(h.ctx).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ConnectorError);
    expect((err as ConnectorError).kind).toBe('auth');
    expect((err as ConnectorError).message).toBe(
      'Vipps MobilePay rejected the client credentials (401). Check them in Connections.',
    );
  });

  it('a broken record is quarantined and the page goes on', async () => {
    sb.faults.configure({
      rules: [{ kind: 'malformed-record', provider: 'vipps', endpoint: 'report-feed', nth: [1] }],
    });
    try {
      const h = harness(vippsConnector, {
        config: { ...partner(), ledgerId: demo.ledgerId },
        secrets,
        today: TODAY,
      });
      const run = await drain(streamOf(vippsConnector, 'funds'), h.ctx);
      const bad = run.outcomes.filter((o) => !o.ok);
      expect(bad).toHaveLength(1);
      expect(bad[0]).toMatchObject({ ok: false, error: expect.stringMatching(/pspReference|amount/) });
      expect(records(run.outcomes)).toHaveLength(sb.world.count('vipps:funds') - 1);
    } finally {
      sb.faults.configure('none');
    }
  });
});
