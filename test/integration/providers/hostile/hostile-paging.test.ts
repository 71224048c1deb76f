// Every connector against the sandbox's hostile paging modes: each stops with a plain-words message
// after a handful of requests, never a hang. The request counts are the proof (no clock is asserted).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Connector } from '../../../../src-main/core/providers/connector.ts';
import { ConnectorError } from '../../../../src-main/core/providers/connector-error.ts';
import { centsConnector } from '../../../../src-main/core/providers/cents/index.ts';
import { sensepassConnector } from '../../../../src-main/core/providers/sensepass/index.ts';
import { sentryposConnector } from '../../../../src-main/core/providers/sentrypos/index.ts';
import { tgiConnector } from '../../../../src-main/core/providers/tgi/index.ts';
import { vippsConnector } from '../../../../src-main/core/providers/vipps/index.ts';
import type { RunningSandbox } from '../../../../src-main/core/sandbox/index.ts';
import type { FaultKind } from '../../../../src-main/core/sandbox/faults/fault-config.ts';
import { drain, harness, sandbox, streamOf, TODAY } from '../../../support/provider-harness.ts';

let sb: RunningSandbox;
beforeAll(async () => {
  sb = await sandbox();
});
afterAll(() => sb.close());

interface Case {
  connector: Connector;
  stream: string;
  /** The sandbox endpoint whose paging turns hostile. */
  endpoint: string;
  config: () => Record<string, unknown>;
  secrets: () => Record<string, string>;
}

const CASES: Record<string, Case> = {
  sentrypos: {
    connector: sentryposConnector as Connector,
    stream: 'sales',
    endpoint: 'sales',
    config: () => ({ baseUrl: sb.baseUrls.sentrypos, currency: 'NOK', pageLimit: 10 }),
    secrets: () => ({ apiKey: sb.credentials.sentrypos.apiKey ?? '' }),
  },
  vipps: {
    connector: vippsConnector as Connector,
    stream: 'sales',
    endpoint: 'sales-feed',
    config: () => ({ clientId: sb.credentials.vipps.clientId, baseUrl: sb.baseUrls.vipps }),
    secrets: () => ({ clientSecret: sb.credentials.vipps.clientSecret ?? '' }),
  },
  tgi: {
    connector: tgiConnector as Connector,
    stream: 'transactions',
    endpoint: 'list',
    config: () => ({
      baseUrl: sb.baseUrls.tgi,
      authHeaderName: sb.credentials.tgi.headerName,
      currency: 'NOK',
      pageLimit: 7,
      windowDays: 3,
    }),
    secrets: () => ({ key: sb.credentials.tgi.key ?? '' }),
  },
  sensepass: {
    connector: sensepassConnector as Connector,
    stream: 'transactions',
    endpoint: 'list',
    config: () => ({ baseUrl: sb.baseUrls.sensepass, pageLimit: 7, windowDays: 2 }),
    secrets: () => ({ apiKey: sb.credentials.sensepass.apiKey ?? '' }),
  },
  cents: {
    connector: centsConnector as Connector,
    stream: 'transactions',
    endpoint: 'list',
    config: () => ({
      clientId: sb.credentials.cents.clientId,
      tokenUrl: sb.credentials.cents.tokenUrl,
      baseUrl: sb.baseUrls.cents,
    }),
    secrets: () => ({ refreshToken: sb.credentials.cents.refreshToken ?? '' }),
  },
};

/** What each provider's stop says, per mode (SentryPOS has no pointer to repeat: it ignores the range). */
const MESSAGES: Record<string, RegExp> = {
  'page-repeat': /already sent|same records again|ignored the range/,
  'page-oversize': /sent a page of \d+ records when \d+ were asked for/,
  'page-empty-more': /said more records follow but sent an empty page|already sent/,
};

async function run(c: Case, kind: FaultKind | null, budget?: { maxRequests: number }) {
  sb.faults.configure({
    rules: kind ? [{ kind, provider: c.connector.provider, endpoint: c.endpoint, every: 1 }] : [],
  });
  const h = harness(c.connector, {
    config: c.config(),
    secrets: c.secrets(),
    today: TODAY,
    since: '2026-03-08',
  });
  const err = await drain(streamOf(c.connector, c.stream), h.ctx, null, budget).then(
    () => null,
    (e: unknown) => e,
  );
  sb.faults.configure('none');
  return { err, requests: h.attempts.length };
}

describe('hostile paging stops every connector with a clear message, never a hang', () => {
  for (const [provider, c] of Object.entries(CASES)) {
    for (const kind of ['page-repeat', 'page-oversize', 'page-empty-more'] as const) {
      it(`${provider}: ${kind}`, async () => {
        const { err, requests } = await run(c, kind);
        expect(err).toBeInstanceOf(ConnectorError);
        expect((err as ConnectorError).kind).toBe('protocol');
        expect((err as ConnectorError).message).toMatch(MESSAGES[kind] as RegExp);
        expect((err as ConnectorError).message).toMatch(/What was read before is kept/);
        // SentryPOS first splits its days before it can see the range ignored; the rest stop at once.
        expect(requests).toBeLessThan(provider === 'sentrypos' ? 40 : 8);
      });
    }

    it(`${provider}: the stream's request budget stops a run that would go on`, async () => {
      const { err, requests } = await run(c, null, { maxRequests: 1 });
      // A stream this small may finish in one request; one that needs more stops at the budget.
      if (err === null) expect(requests).toBe(1);
      else {
        expect((err as ConnectorError).kind).toBe('transient');
        expect((err as ConnectorError).message).toMatch(/stopped after 1 requests, its limit for one sync/);
        expect(requests).toBe(1);
      }
    });
  }
});

describe('paths the friendly sandbox never reached (issue 16, item 9)', () => {
  it('SentryPOS: a stale summary makes a multi-day window overflow; splitting it misses no day', async () => {
    const c = CASES.sentrypos as Case;
    const ids = async (faulty: boolean) => {
      sb.faults.configure({
        rules: faulty
          ? [{ kind: 'stale-summary', provider: 'sentrypos', endpoint: 'summary', nth: [1] }]
          : [],
      });
      const h = harness(c.connector, { config: c.config(), secrets: c.secrets(), since: '2026-03-06' });
      const run = await drain(streamOf(c.connector, 'sales'), h.ctx);
      sb.faults.configure('none');
      const multiDay = h.urls.some((u) => {
        const q = new URL(u).searchParams;
        return (
          u.includes('/sales?') && q.get('startDate') !== q.get('endDate') && q.get('endDate')?.length === 10
        );
      });
      return { run, multiDay, ids: run.outcomes.map((o) => (o.ok ? o.record.externalId : '')).sort() };
    };
    const plain = await ids(false);
    const split = await ids(true);
    expect(split.multiDay).toBe(true);
    expect(split.ids).toEqual(plain.ids);
    const closed = split.run.completeness.filter((d) => d.date < '2026-03-09');
    expect(closed.length).toBeGreaterThan(0);
    expect(closed.every((d) => d.state === 'complete')).toBe(true);
  });

  it('Vipps: a date answering 404 ("not available yet") stays open and is read again next run', async () => {
    const c = CASES.vipps as Case;
    const ledger = sb.credentials.vipps.ledgerId ?? '';
    const bookmark = JSON.stringify({ v: 1, ledgers: { [ledger]: { cursor: null, open: ['2026-03-08'] } } });
    sb.faults.configure({
      rules: [{ kind: 'http-404', provider: 'vipps', endpoint: 'report-date', nth: [1] }],
    });
    const h = harness(c.connector, { config: { ...c.config(), ledgerId: ledger }, secrets: c.secrets() });
    const run = await drain(streamOf(c.connector, 'funds'), h.ctx, bookmark);
    sb.faults.configure('none');
    expect(run.completeness.find((d) => d.date === '2026-03-08')?.state).toBe('open');
    expect(JSON.parse(run.bookmark ?? '{}').ledgers[ledger].open).toContain('2026-03-08');
  });
});
