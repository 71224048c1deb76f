// A hand-built StreamContext for driving one connector's streams against the sandbox over real HTTP,
// the way the sync engine does: the connector's authorizer inside the shared provider HTTP client, with
// an optional (scaled) request budget. Used by every provider's integration test.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type {
  Connector,
  DayCompleteness,
  RecordOutcome,
  StreamContext,
  StreamDefinition,
} from '../../src-main/core/providers/connector.ts';
import { startSandbox, type RunningSandbox, type SandboxOptions } from '../../src-main/core/sandbox/index.ts';
import { createProviderHttp } from '../../src-main/core/providers/shared/provider-http.ts';
import { type StreamBudget, withStreamBudget } from '../../src-main/core/sync/stream-budget.ts';

/** The small world of the SentryPOS, TGI and SensePass tests. */
export const TODAY = '2026-03-10';
export const SPEED_UP = 1000;

export function sandbox(opts: SandboxOptions = {}): Promise<RunningSandbox> {
  return startSandbox({
    seed: 7,
    days: 5,
    salesPerDay: 40,
    today: TODAY,
    speedUp: SPEED_UP,
    dataDir: mkdtempSync(join(tmpdir(), 'posrecon-conn-')),
    ...opts,
  });
}

export interface Harness {
  ctx: StreamContext;
  /** Every HTTP attempt of the main client (token requests have their own client). */
  attempts: { method: string; url: string; status: number | null }[];
  /** The URLs of those attempts. */
  urls: string[];
  /** Every call of the connector's authorizer: whether it was asked to refresh, and the bearer it set. */
  authCalls: { refresh: boolean; bearer: string | null }[];
}

export function harness<C>(
  connector: Connector<C>,
  o: {
    config: unknown;
    secrets: Record<string, string>;
    /** Default: the small world's TODAY. */
    today?: string;
    since?: string | null;
    /** Default 3. */
    lookbackDays?: number;
    shopTimeZone?: string;
    /** Default NOK, the sandbox world's. */
    shopCurrency?: string;
    budget?: { limit: number; intervalMs: number } | null;
  },
): Harness {
  const config = connector.configSchema.parse(o.config);
  const signal = new AbortController().signal;
  const base: Omit<StreamContext, 'http'> = {
    connection: {
      id: `conn-${connector.provider}`,
      name: 'Test',
      provider: connector.provider,
      config,
      isDemo: true,
    },
    secrets: o.secrets,
    shopTimeZone: o.shopTimeZone ?? 'Europe/Oslo',
    shopCurrency: o.shopCurrency ?? 'NOK',
    window: { since: o.since ?? null, lookbackDays: o.lookbackDays ?? 3, today: o.today ?? TODAY },
    signal,
  };
  const attempts: Harness['attempts'] = [];
  const urls: string[] = [];
  const authCalls: Harness['authCalls'] = [];
  const authorize = connector.authorizer(base);
  const http = createProviderHttp({
    providerName: connector.displayName,
    baseUrl: (config as { baseUrl?: string }).baseUrl ?? connector.defaultBaseUrl,
    signal,
    backoffBaseMs: 5,
    backoffLimitMs: 50,
    budget: o.budget ?? null,
    authorize: authorize
      ? async (headers, opts) => {
          await authorize(headers, opts);
          authCalls.push({ refresh: opts.refresh, bearer: headers.get('authorization') });
        }
      : null,
    onAttempt: (a) => {
      attempts.push(a);
      urls.push(a.url);
    },
  });
  return { ctx: { ...base, http }, attempts, urls, authCalls };
}

export interface Drained {
  outcomes: RecordOutcome[];
  /** The last non-null bookmark a page carried (what the engine would have stored). */
  bookmark: string | null;
  /** Every page's bookmark, null included, in order. */
  bookmarks: (string | null)[];
  completeness: DayCompleteness[];
  pages: number;
}

/** Every page of one stream from `bookmark` on, within the stream budget the sync engine gives it. */
export async function drain(
  stream: StreamDefinition,
  ctx: StreamContext,
  bookmark: string | null = null,
  budget?: Partial<StreamBudget>,
): Promise<Drained> {
  const out: Drained = { outcomes: [], bookmark, bookmarks: [], completeness: [], pages: 0 };
  for await (const page of stream.pages(withStreamBudget(ctx, stream.name, budget), bookmark)) {
    out.pages++;
    out.outcomes.push(...page.outcomes);
    out.bookmarks.push(page.bookmark);
    if (page.bookmark !== null) out.bookmark = page.bookmark;
    out.completeness.push(...(page.completeness ?? []));
  }
  return out;
}

/** Every stream of the connector in order, each from the same `bookmark`. */
export async function drainAll<C>(
  connector: Connector<C>,
  ctx: StreamContext,
  bookmark: string | null = null,
): Promise<Drained> {
  const out: Drained = { outcomes: [], bookmark, bookmarks: [], completeness: [], pages: 0 };
  for (const stream of connector.streams) {
    const d = await drain(stream, ctx, bookmark);
    out.pages += d.pages;
    out.outcomes.push(...d.outcomes);
    out.bookmarks.push(...d.bookmarks);
    if (d.bookmark !== bookmark) out.bookmark = d.bookmark;
    out.completeness.push(...d.completeness);
  }
  return out;
}

export function streamOf<C>(connector: Connector<C>, name: string): StreamDefinition {
  const s = connector.streams.find((x) => x.name === name);
  if (!s) throw new Error(`no stream ${name}`);
  return s;
}

/** The canonical records, failing loudly on a quarantined one. */
export function records(d: Drained) {
  return d.outcomes.map((o) => {
    if (!o.ok) throw new Error(`quarantined: ${o.error}`);
    return o.record;
  });
}

export const lastBookmark = (d: Drained) => d.bookmarks.filter((b) => b !== null).at(-1) ?? null;

/** The world's records as JSON text, each distinct record once (duplicate notifications repeat one). */
export function distinctJson(records: Iterable<Record<string, unknown>>): string[] {
  return [...new Set([...records].map((r) => JSON.stringify(r)))].sort();
}
