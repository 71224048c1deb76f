// A hand-built StreamContext for driving one connector's streams against the sandbox over real HTTP,
// the way the sync engine will: the connector's authorizer inside the shared provider HTTP client.
import type {
  Connector,
  DayCompleteness,
  RecordOutcome,
  StreamContext,
  StreamDefinition,
} from '../../../../src-main/core/providers/connector.ts';
import { createProviderHttp } from '../../../../src-main/core/sync/provider-http.ts';

export interface Harness {
  ctx: StreamContext;
  /** Every HTTP attempt of the main client (token requests have their own client). */
  attempts: { method: string; url: string; status: number | null }[];
  /** Every call of the connector's authorizer: whether it was asked to refresh, and the bearer it set. */
  authCalls: { refresh: boolean; bearer: string | null }[];
}

export function harness<C>(
  connector: Connector<C>,
  o: {
    config: unknown;
    secrets: Record<string, string>;
    today: string;
    since?: string | null;
    lookbackDays?: number;
    shopTimeZone?: string;
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
    window: { since: o.since ?? null, lookbackDays: o.lookbackDays ?? 3, today: o.today },
    signal,
  };
  const attempts: Harness['attempts'] = [];
  const authCalls: Harness['authCalls'] = [];
  const authorize = connector.authorizer(base);
  const http = createProviderHttp({
    providerName: connector.displayName,
    baseUrl: (config as { baseUrl?: string }).baseUrl ?? connector.defaultBaseUrl,
    signal,
    backoffBaseMs: 5,
    backoffLimitMs: 50,
    authorize: authorize
      ? async (headers, opts) => {
          await authorize(headers, opts);
          authCalls.push({ refresh: opts.refresh, bearer: headers.get('authorization') });
        }
      : null,
    onAttempt: (a) => attempts.push(a),
  });
  return { ctx: { ...base, http }, attempts, authCalls };
}

export interface Drained {
  outcomes: RecordOutcome[];
  /** The last non-null bookmark a page carried (what the engine would have stored). */
  bookmark: string | null;
  completeness: DayCompleteness[];
  pages: number;
}

export async function drain(
  stream: StreamDefinition,
  ctx: StreamContext,
  bookmark: string | null = null,
): Promise<Drained> {
  const out: Drained = { outcomes: [], bookmark, completeness: [], pages: 0 };
  for await (const page of stream.pages(ctx, bookmark)) {
    out.pages++;
    out.outcomes.push(...page.outcomes);
    if (page.bookmark !== null) out.bookmark = page.bookmark;
    out.completeness.push(...(page.completeness ?? []));
  }
  return out;
}

export function streamOf<C>(connector: Connector<C>, name: string): StreamDefinition {
  const s = connector.streams.find((x) => x.name === name);
  if (!s) throw new Error(`no stream ${name}`);
  return s;
}

/** The world's records as JSON text, each distinct record once (duplicate notifications repeat one). */
export function distinctJson(records: Iterable<Record<string, unknown>>): string[] {
  return [...new Set([...records].map((r) => JSON.stringify(r)))].sort();
}
