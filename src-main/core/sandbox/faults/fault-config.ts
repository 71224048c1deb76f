import type { ProviderId } from '../emulators/types.ts';

export type FaultKind =
  | 'rate-limit' // 429, Retry-After in seconds
  | 'rate-limit-date' // 429, Retry-After as an HTTP-date
  | 'http-500'
  | 'http-502' // an HTML body from the "gateway", not the provider's JSON
  | 'http-503'
  | 'reset' // the connection is destroyed without a response
  | 'stall' // the response is held back for stallMs (scaled by speedUp)
  | 'truncate' // 200 with the JSON body cut in half
  | 'malformed-record' // one record inside an otherwise valid page is broken
  | 'mutate' // the world changes (status change or late refund) before this request is served
  | 'http-404' // the provider's own 404 ("not available yet" on a Vipps date)
  // Hostile paging, each emulator in its own paging terms (fire them with `every: 1`):
  | 'page-repeat' // the next-page pointer leads back to this page (cursor, last_key, nextUrl); SensePass ignores the offset, SentryPOS the date range
  | 'page-oversize' // one record more than the page size asked for
  | 'page-empty-more' // an empty page that still says more follows, with a fresh pointer each time
  | 'stale-summary'; // SentryPOS: the summary counts no sales, so windows are not sized from it

/** What a correct client recovers from; `all` fires each once. */
export const FAULT_KINDS: readonly FaultKind[] = [
  'rate-limit',
  'rate-limit-date',
  'http-500',
  'http-502',
  'http-503',
  'reset',
  'stall',
  'truncate',
  'malformed-record',
  'mutate',
];

/** Faults no client recovers from by retrying: it must stop (or work around them) in plain words. */
export const HOSTILE_FAULT_KINDS: readonly FaultKind[] = [
  'http-404',
  'page-repeat',
  'page-oversize',
  'page-empty-more',
  'stale-summary',
];

/** The fault kinds the emulators apply inside their own paging (hostile servers), not around it. */
export const HOSTILE_PAGING: readonly FaultKind[] = ['page-repeat', 'page-empty-more', 'stale-summary'];

/**
 * One deterministic fault rule. Requests are counted per provider + endpoint (1-based); a rule fires
 * on the ordinals in `nth`, on every `every`-th request, or with seeded probability `rate`, at most
 * `limit` times. The first matching rule wins.
 */
export interface FaultRule {
  kind: FaultKind;
  provider?: ProviderId | '*';
  /** An endpoint id (e.g. `sales`, `report-feed`, `list`) or `*`; `*` skips token endpoints unless includeAuth. */
  endpoint?: string;
  includeAuth?: boolean;
  nth?: number[];
  every?: number;
  rate?: number;
  limit?: number;
  retryAfterSeconds?: number;
  stallMs?: number;
}

export interface FaultConfig {
  seed?: number;
  rules: FaultRule[];
}

const everyKindOnce = (): FaultRule[] =>
  FAULT_KINDS.map((kind, i) => ({ kind, provider: '*', endpoint: '*', nth: [i + 2], stallMs: 2000 }));

/** Named profiles for `--faults`. */
export const FAULT_PROFILES: Record<string, () => FaultConfig> = {
  none: () => ({ rules: [] }),
  /** Occasional trouble everywhere, as a real day on the internet. */
  flaky: () => ({
    rules: [
      { kind: 'rate-limit', rate: 0.02, retryAfterSeconds: 1 },
      { kind: 'rate-limit-date', rate: 0.01, retryAfterSeconds: 1 },
      { kind: 'http-500', rate: 0.01 },
      { kind: 'http-502', rate: 0.01 },
      { kind: 'http-503', rate: 0.02 },
      { kind: 'reset', rate: 0.005 },
      { kind: 'truncate', rate: 0.005 },
      { kind: 'malformed-record', rate: 0.005 },
      { kind: 'stall', rate: 0.002, stallMs: 20_000 },
    ],
  }),
  /** Every fault kind once per provider endpoint, on its 2nd…11th request: exercises every recovery path. */
  all: () => ({ rules: everyKindOnce() }),
  /** The world changes under the client: every 5th data request applies a status change or late refund. */
  changing: () => ({ rules: [{ kind: 'mutate', every: 5 }] }),
};

export function resolveFaults(faults: string | FaultConfig | undefined): FaultConfig {
  if (faults === undefined) return { rules: [] };
  if (typeof faults !== 'string') return faults;
  const rules: FaultRule[] = [];
  for (const name of faults
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)) {
    const profile = FAULT_PROFILES[name];
    if (!profile)
      throw new Error(`unknown fault profile "${name}" (known: ${Object.keys(FAULT_PROFILES).join(', ')})`);
    rules.push(...profile().rules);
  }
  return { rules };
}
