// The Vipps connector against a mock that knows only the official specs: every request it makes is
// validated (path, query, headers), answered first with the specs' own examples, then with data
// generated from their schemas. The sync engine runs it for real, into a real SQLite file.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createVippsConnector } from '../../../../src-main/core/providers/vipps/index.ts';
import { openStore, type Store } from '../../../../src-main/core/store/open-store.ts';
import { addConnection } from '../../../../src-main/core/store/mutations/connections.ts';
import { runSync } from '../../../../src-main/core/sync/engine.ts';
import { exitCodeFor } from '../../../../src-main/cli/commands/sync.ts';
import {
  exampleOf,
  okSchema,
  startSpecMock,
  type Operation,
  type Responder,
  type Spec,
} from '../../../support/official-spec-mock.ts';
import { arbitraryOf } from '../../../support/schema-arbitrary.ts';

const TODAY = '2026-03-10';
const figures = { requests: 0, responses: 0, runs: 0, hangs: 0 };

async function syncAgainst(respond: Responder, budget = { maxRequests: 200 }) {
  const mock = await startSpecMock(respond);
  const store: Store = await openStore(join(mkdtempSync(join(tmpdir(), 'vipps-spec-')), 'cache.sqlite'));
  const warnings: string[] = [];
  try {
    addConnection(
      store.db,
      {
        id: 'v1',
        provider: 'vipps',
        name: 'Vipps',
        config: { clientId: 'fb492b5e-7907-4d83-ba20-c7fb60ca35de', baseUrl: mock.url },
        isDemo: false,
      },
      'test',
    );
    const reports = await runSync(
      {
        db: store.db,
        connectors: [createVippsConnector()],
        secrets: async () => ({ clientSecret: 'Y8Kteew6GE2ZmeycEt6egg==' }),
        http: { backoffBaseMs: 1, backoffLimitMs: 5, retries: 1, timeoutMs: 5_000 },
        streamBudget: budget,
        now: () => new Date(`${TODAY}T11:00:00Z`),
        onWarning: (_c, m) => warnings.push(m),
      },
      { since: '2026-03-09' },
    );
    const db = store.db;
    const stored = db.prepare('SELECT raw_json AS raw FROM transactions').all() as { raw: string }[];
    const quarantined = db.prepare('SELECT raw_json AS raw, error FROM quarantine').all() as {
      raw: string;
      error: string;
    }[];
    const streams = db.prepare('SELECT stream, last_error AS error FROM sync_state ORDER BY stream').all();
    figures.requests += mock.requests.length;
    return { report: reports[0], requests: mock.requests, stored, quarantined, streams, warnings };
  } finally {
    store.close();
    await mock.close();
  }
}

describe('Vipps connector against the official specs', () => {
  it('serving the examples for every request: validated requests, the feed ends, fees are reached', async () => {
    const run = await syncAgainst((op) => {
      figures.responses++;
      if (op.spec === 'sales')
        return { status: 404, body: { type: 'about:blank', title: 'Not Found', status: 404 } };
      return { status: 200, body: exampleOf(opSpec(op), okSchema(opSpec(op), op)) };
    });
    expect(run.requests.flatMap((r) => r.problems.map((p) => `${r.method} ${r.path}: ${p}`))).toEqual([]);
    const feeds = run.requests.filter((r) => r.path.endsWith('/feed'));
    // Each feed: the first page, then its cursor once more, which comes back unchanged: caught up.
    expect(feeds.filter((r) => r.path.includes('/funds/'))).toHaveLength(2);
    expect(feeds.filter((r) => r.path.includes('/fees/'))).toHaveLength(2);
    // The ledger list repeats its cursor for ever: its one ledger is read once per stream.
    expect(run.requests.filter((r) => r.path === '/settlement/v1/ledgers')).toHaveLength(2 * 3);
    // The Sales API is not in the official specs (404 here): that stream fails alone, funds and fees are stored.
    expect(run.report?.error).toMatch(/404/);
    expect(run.stored.length).toBeGreaterThanOrEqual(2);
  });
});

describe('Vipps connector fed responses generated from the official schemas (property)', () => {
  it('stores or quarantines every record, within its budget, and ends with exit 0 or 3', async () => {
    const reportItem = () =>
      arbitraryOf(opSpecs.report as Spec, { $ref: '#/components/schemas/Transaction' });
    const salesItem = () => arbitraryOf(opSpecs.sales as Spec, { $ref: '#/components/schemas/SalesEntry' });
    const tokenBody = () =>
      arbitraryOf(opSpecs.token as Spec, { $ref: '#/components/schemas/TokenResponse' });
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.array(reportItem(), { maxLength: 5 }), { minLength: 1, maxLength: 4 }),
        fc.array(reportItem(), { maxLength: 5 }),
        fc.array(salesItem(), { maxLength: 5 }),
        tokenBody(),
        async (feedPages, dateItems, salesItems, token) => {
          figures.runs++;
          let n = 0;
          // Unique pspReferences keep distinct records distinct (the spec allows any string there).
          const unique = <T>(xs: T[]) =>
            xs.map((x) =>
              x && typeof x === 'object' && 'pspReference' in x ? { ...x, pspReference: `p${n++}` } : x,
            );
          const pages = feedPages.map(unique);
          const dates = unique(dateItems);
          const sales = unique(salesItems);
          const served = new Set<string>();
          const serve = (xs: unknown[]) => {
            for (const x of xs) served.add(JSON.stringify(x));
            return xs;
          };
          const run = await syncAgainst((op, req) => {
            figures.responses++;
            if (op.template === '/miami/v1/token')
              return { status: 200, body: { ...(token as object), access_token: 'tok' } };
            if (op.template === '/settlement/v1/ledgers')
              return { status: 200, body: { items: [{ ledgerId: 'L1' }] } };
            if (op.template.endsWith('/feed')) {
              const i = Number(req.query.get('cursor') ?? 0);
              const last = i >= pages.length - 1;
              return {
                status: 200,
                body: { cursor: String(last ? i : i + 1), tryLater: last, items: serve(pages[i] ?? []) },
              };
            }
            if (op.spec === 'report') return { status: 200, body: { hasMore: false, items: serve(dates) } };
            return { status: 200, body: { items: serve(sales), hasMore: false, cursor: 'end' } };
          });
          expect(run.requests.flatMap((r) => r.problems)).toEqual([]);
          const kept = new Set([...run.stored, ...run.quarantined].map((r) => r.raw));
          for (const raw of served) expect(kept.has(raw)).toBe(true);
          expect(run.quarantined.every((q) => q.error.length > 10)).toBe(true);
          expect([0, 3]).toContain(exitCodeFor(run.report ? [run.report] : []));
        },
      ),
      { numRuns: 25, seed: 16 },
    );
  });
});

let opSpecs: Record<string, Spec> = {};
const opSpec = (op: Operation): Spec => opSpecs[op.spec] as Spec;
beforeAll(async () => {
  const m = await startSpecMock(() => ({ status: 500, body: {} }));
  opSpecs = m.specs;
  await m.close();
});
afterAll(() => {
  console.log(`official-spec contract: ${JSON.stringify(figures)}`);
});
