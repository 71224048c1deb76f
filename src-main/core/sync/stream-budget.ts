import type { StreamContext } from '../providers/connector.ts';
import { ConnectorError } from '../providers/connector-error.ts';
import type { ProviderHttp } from '../providers/shared/provider-http.ts';

/**
 * How much one stream may ask of its provider in one run. The connectors' paging guards stop the
 * loops we know of on the first bad page; this is the backstop for the ones we don't, on every
 * request of every stream, whatever loop makes it.
 *
 * - 5,000 requests: the largest honest first sync we expect (a year of a busy shop) needs a few
 *   hundred (SentryPOS 1000 per page, Vipps 500–1000, Cents 100, TGI/SensePass their page limit), so
 *   5,000 is an order of magnitude of headroom, yet small enough that a loop stops within minutes
 *   instead of hammering a provider all night (the Vipps feed loop sent ~75 requests a second).
 * - 20 minutes: Vipps asks for hourly syncs, and a stream that runs past a third of that interval is
 *   not making honest progress; SentryPOS at its 60 requests a minute gets 1,200 requests in that time.
 *
 * Every stream bookmarks as it goes, so a stream stopped by its budget resumes where it stopped.
 */
export interface StreamBudget {
  maxRequests: number;
  maxMs: number;
}

export const DEFAULT_STREAM_BUDGET: StreamBudget = { maxRequests: 5_000, maxMs: 20 * 60_000 };

/** The stream's context with an HTTP client that refuses to go past the budget. */
export function withStreamBudget(
  ctx: StreamContext,
  stream: string,
  budget: Partial<StreamBudget> = {},
  now: () => number = Date.now,
): StreamContext {
  const { maxRequests, maxMs } = { ...DEFAULT_STREAM_BUDGET, ...budget };
  const started = now();
  let requests = 0;
  const provider = ctx.connection.name;
  const stop = (why: string): never => {
    throw new ConnectorError(
      'transient',
      `The ${stream} stream of ${provider} stopped after ${why}, its limit for one sync. What was read is kept, and the next sync continues from there.`,
    );
  };
  const http: ProviderHttp = {
    get attempts() {
      return ctx.http.attempts;
    },
    request(method, path, options) {
      if (requests >= maxRequests) stop(`${requests} requests`);
      if (now() - started >= maxMs) stop(maxMs >= 60_000 ? `${maxMs / 60_000} minutes` : `${maxMs} ms`);
      requests++;
      return ctx.http.request(method, path, options);
    },
  };
  return { ...ctx, http };
}
