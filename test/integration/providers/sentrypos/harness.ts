// A hand-built StreamContext for the SentryPOS, TGI and SensePass connector tests: the connector's
// authorizer inside the shared provider HTTP client, with an optional (scaled) request budget.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type {
  Connector,
  DayCompleteness,
  RecordOutcome,
  StreamContext,
} from '../../../../src-main/core/providers/connector.ts';
import {
  startSandbox,
  type RunningSandbox,
  type SandboxOptions,
} from '../../../../src-main/core/sandbox/index.ts';
import { createProviderHttp } from '../../../../src-main/core/sync/provider-http.ts';

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
  urls: string[];
}

export function harness<C>(
  connector: Connector<C>,
  o: {
    config: unknown;
    secrets: Record<string, string>;
    since?: string | null;
    lookbackDays?: number;
    today?: string;
    shopTimeZone?: string;
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
    window: { since: o.since ?? null, lookbackDays: o.lookbackDays ?? 2, today: o.today ?? TODAY },
    signal,
  };
  const urls: string[] = [];
  const http = createProviderHttp({
    providerName: connector.displayName,
    baseUrl: (config as { baseUrl: string }).baseUrl,
    signal,
    backoffBaseMs: 5,
    backoffLimitMs: 50,
    budget: o.budget ?? null,
    authorize: connector.authorizer(base),
    onAttempt: (a) => urls.push(a.url),
  });
  return { ctx: { ...base, http }, urls };
}

export interface Drained {
  outcomes: RecordOutcome[];
  bookmarks: (string | null)[];
  completeness: DayCompleteness[];
  pages: number;
}

export async function drain<C>(
  connector: Connector<C>,
  ctx: StreamContext,
  bookmark: string | null = null,
): Promise<Drained> {
  const out: Drained = { outcomes: [], bookmarks: [], completeness: [], pages: 0 };
  for (const stream of connector.streams) {
    for await (const page of stream.pages(ctx, bookmark)) {
      out.pages++;
      out.outcomes.push(...page.outcomes);
      out.bookmarks.push(page.bookmark);
      out.completeness.push(...(page.completeness ?? []));
    }
  }
  return out;
}

/** The ids of the canonical records, failing loudly on a quarantined one. */
export function records(d: Drained) {
  return d.outcomes.map((o) => {
    if (!o.ok) throw new Error(`quarantined: ${o.error}`);
    return o.record;
  });
}

export const lastBookmark = (d: Drained) => d.bookmarks.filter((b) => b !== null).at(-1) ?? null;
