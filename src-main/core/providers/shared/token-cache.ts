import { z } from 'zod';

/** A token lifetime in seconds, as a JSON number or (Vipps `/accesstoken/get`, the 2023 spec) a string. */
export const lifetimeSeconds = z.union([
  z.number().nonnegative(),
  z
    .string()
    .regex(/^\d+$/)
    .transform((s) => Number(s)),
]);

/** What a connector's `authorizer` returns: sets auth headers, fetching a new token on `refresh`. */
export type Authorize = (headers: Headers, opts: { refresh: boolean }) => Promise<void>;

export interface IssuedToken {
  value: string;
  /** Seconds the issuer says the token lives; null when it did not say. */
  expiresInSeconds: number | null;
}

export interface TokenCacheOptions {
  fetchToken: () => Promise<IssuedToken>;
  /** Renew this long before the stated expiry, so no request goes out with a token about to lapse. */
  marginMs?: number;
  /** Assumed lifetime when the issuer states none. */
  defaultLifetimeMs: number;
  /** Injected so tests can run a clock that matches a sped-up sandbox. */
  now?: () => number;
}

/**
 * One short-lived bearer token: fetched on first use, reused until shortly before it expires, and
 * replaced at once when the server refused it (`refresh`). Concurrent callers share one fetch.
 */
export class TokenCache {
  private token: { value: string; renewAt: number } | null = null;
  private inFlight: Promise<string> | null = null;
  private readonly opts: TokenCacheOptions;

  constructor(opts: TokenCacheOptions) {
    this.opts = opts;
  }

  async get(refresh = false): Promise<string> {
    const now = (this.opts.now ?? Date.now)();
    if (!refresh && this.token && now < this.token.renewAt) return this.token.value;
    if (refresh) this.token = null;
    this.inFlight ??= this.fetch().finally(() => {
      this.inFlight = null;
    });
    return this.inFlight;
  }

  private async fetch(): Promise<string> {
    const issued = await this.opts.fetchToken();
    const lifetimeMs =
      issued.expiresInSeconds === null ? this.opts.defaultLifetimeMs : issued.expiresInSeconds * 1000;
    const margin = Math.min(this.opts.marginMs ?? 60_000, lifetimeMs / 2);
    this.token = { value: issued.value, renewAt: (this.opts.now ?? Date.now)() + lifetimeMs - margin };
    return issued.value;
  }
}
