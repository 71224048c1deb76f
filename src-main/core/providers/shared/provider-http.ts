import ky, { HTTPError, type KyInstance, TimeoutError } from 'ky';
import pThrottle from 'p-throttle';
import { ConnectorError } from '../connector-error.ts';
import { joinApiUrl } from './api-url.ts';

export interface ProviderHttpOptions {
  /** Shown in messages: "SentryPOS rejected the API key (401)". */
  providerName: string;
  baseUrl: string;
  signal: AbortSignal;
  /** Per-attempt timeout; a stalled response is abandoned and retried. */
  timeoutMs?: number;
  retries?: number;
  /** Base of the exponential backoff; tests shrink it. Delays are fully jittered. */
  backoffBaseMs?: number;
  backoffLimitMs?: number;
  /** Longest Retry-After we will wait; longer ones are capped (and the request retried then). */
  maxRetryAfterMs?: number;
  budget?: { limit: number; intervalMs: number } | null;
  /** Adds auth headers; called again with `refresh: true` once after a 401. */
  authorize?: ((headers: Headers, opts: { refresh: boolean }) => Promise<void>) | null;
  /** Observes every attempt (tests and benchmarks count requests and waits). */
  onAttempt?: (info: { method: string; url: string; status: number | null; retry: number }) => void;
}

export interface RequestOptions {
  searchParams?: Record<string, string | number | boolean | undefined>;
  headers?: Record<string, string>;
  json?: unknown;
  /** application/x-www-form-urlencoded body (OAuth token endpoints). */
  form?: Record<string, string>;
  /** Skip `authorize` (the token endpoint itself). */
  anonymous?: boolean;
}

export interface JsonResponse<T> {
  data: T;
  status: number;
  headers: Headers;
}

export interface ProviderHttp {
  request<T = unknown>(
    method: 'GET' | 'POST',
    path: string,
    options?: RequestOptions,
  ): Promise<JsonResponse<T>>;
  /** Number of HTTP attempts made so far (retries included). */
  readonly attempts: number;
}

const NO_RETRY_MESSAGE: Record<number, string> = {
  400: 'refused the request as invalid (400)',
  403: 'refused access (403): the key lacks a permission or is not allowed from this address',
  404: 'does not know this resource (404): check the account or ledger settings',
};

/** The provider's own words, from whichever error body shape it uses; never echoes our request. */
async function providerMessage(response: Response): Promise<string> {
  try {
    const body = (await response.clone().json()) as Record<string, unknown>;
    const text =
      body.message ?? body.errorMessage ?? body.detail ?? body.error_description ?? body.title ?? body.error;
    return typeof text === 'string' ? ` (${text.slice(0, 200)})` : '';
  } catch {
    return '';
  }
}

/** ky's timeout ends when headers arrive; a body that stalls after them needs its own deadline. */
async function readBody(response: Response, timeoutMs: number, providerName: string): Promise<string> {
  let timer: NodeJS.Timeout | undefined;
  const stalled = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      void response.body?.cancel().catch(() => {});
      reject(new ConnectorError('transient', `${providerName} stopped sending in the middle of a response`));
    }, timeoutMs);
  });
  try {
    return await Promise.race([response.text(), stalled]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * The one HTTP client every connector uses: timeouts, retries with exponential backoff and full
 * jitter that honour Retry-After (seconds or HTTP date), a client-side request budget, one re-auth
 * after a 401, and plain-words errors. Built on ky so none of that is hand-rolled.
 */
/** What a failed connection means in plain words, from the system error code somewhere in its causes. */
function networkReason(err: unknown): string {
  let e: unknown = err;
  for (let depth = 0; e && depth < 5; depth++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string' && code in NETWORK_REASONS) return NETWORK_REASONS[code] ?? '';
    // fetch refuses some ports outright (6000, 9, …) with no code.
    if ((e as Error).message === 'bad port') return 'its address uses a port that cannot be used';
    e = (e as { cause?: unknown }).cause;
  }
  return 'the connection failed';
}

const NETWORK_REASONS: Record<string, string> = {
  ECONNREFUSED: 'nothing answers at its address',
  ENOTFOUND: 'its address could not be found',
  EAI_AGAIN: 'its address could not be looked up (no network?)',
  ECONNRESET: 'the connection was cut off',
  EHOSTUNREACH: 'its address cannot be reached from here',
  ENETUNREACH: 'this computer is not on a network',
  ETIMEDOUT: 'the connection timed out',
  UND_ERR_CONNECT_TIMEOUT: 'the connection timed out',
  UND_ERR_SOCKET: 'the connection was cut off',
  CERT_HAS_EXPIRED: 'its certificate has expired',
  DEPTH_ZERO_SELF_SIGNED_CERT: 'its certificate could not be trusted',
  SELF_SIGNED_CERT_IN_CHAIN: 'its certificate could not be trusted',
  UNABLE_TO_VERIFY_LEAF_SIGNATURE: 'its certificate could not be trusted',
  ERR_TLS_CERT_ALTNAME_INVALID: 'its certificate is for another address',
};

export function createProviderHttp(options: ProviderHttpOptions): ProviderHttp {
  let attempts = 0;
  const base = options.backoffBaseMs ?? 500;
  const client: KyInstance = ky.create({
    timeout: options.timeoutMs ?? 30_000,
    signal: options.signal,
    throwHttpErrors: true,
    retry: {
      limit: options.retries ?? 6,
      methods: ['get', 'post'],
      statusCodes: [408, 429, 500, 502, 503, 504],
      afterStatusCodes: [429, 503],
      maxRetryAfter: options.maxRetryAfterMs ?? 120_000,
      delay: (attempt) => base * 2 ** (attempt - 1),
      backoffLimit: options.backoffLimitMs ?? 30_000,
      jitter: true,
      retryOnTimeout: true,
    },
    hooks: {
      afterResponse: [
        ({ request, response, retryCount }) => {
          attempts++;
          options.onAttempt?.({
            method: request.method,
            url: request.url,
            status: response.status,
            retry: retryCount,
          });
        },
      ],
    },
  });
  const throttle = options.budget
    ? pThrottle({ limit: options.budget.limit, interval: options.budget.intervalMs })
    : null;

  async function once<T>(
    method: string,
    path: string,
    opts: RequestOptions,
    refresh: boolean,
  ): Promise<JsonResponse<T>> {
    let url: URL;
    try {
      url = joinApiUrl(options.baseUrl, path);
    } catch (err) {
      // Before `authorize`: no secret is fetched for a request that could go somewhere else.
      throw new ConnectorError('config', `${options.providerName}: ${(err as Error).message}`, {
        cause: err,
      });
    }
    const headers = new Headers(opts.headers);
    if (!opts.anonymous && options.authorize) await options.authorize(headers, { refresh });
    const send = () =>
      client(url, {
        method,
        headers,
        searchParams: opts.searchParams
          ? (Object.fromEntries(
              Object.entries(opts.searchParams).filter(([, v]) => v !== undefined),
            ) as Record<string, string>)
          : undefined,
        json: opts.json,
        body: opts.form ? new URLSearchParams(opts.form) : undefined,
      });
    const response = await (throttle ? throttle(send)() : send());
    const text = await readBody(response, options.timeoutMs ?? 30_000, options.providerName);
    try {
      return { data: JSON.parse(text) as T, status: response.status, headers: response.headers };
    } catch (err) {
      throw new ConnectorError(
        'transient',
        `${options.providerName} sent a response that is not complete JSON`,
        {
          status: response.status,
          cause: err,
        },
      );
    }
  }

  return {
    get attempts() {
      return attempts;
    },
    async request<T>(method: 'GET' | 'POST', path: string, opts: RequestOptions = {}) {
      let refreshed = false;
      let truncated = 0;
      for (;;) {
        try {
          return await once<T>(method, path, opts, refreshed);
        } catch (err) {
          if (options.signal.aborted)
            throw new ConnectorError('cancelled', 'The sync was cancelled.', { cause: err });
          if (
            err instanceof ConnectorError &&
            err.kind === 'transient' &&
            truncated++ < (options.retries ?? 6)
          )
            continue;
          if (err instanceof HTTPError) {
            const status = err.response.status;
            if (status === 401 && options.authorize && !opts.anonymous && !refreshed) {
              refreshed = true; // one fresh token, then give up: a second 401 means the key itself is wrong
              continue;
            }
            const said = await providerMessage(err.response);
            if (status === 401) {
              throw new ConnectorError(
                'auth',
                `${options.providerName} rejected the credentials (401)${said}. Check them in Connections.`,
                { status },
              );
            }
            const what = NO_RETRY_MESSAGE[status] ?? `answered ${status} after retrying`;
            throw new ConnectorError(
              status === 403 ? 'auth' : status >= 500 || status === 429 ? 'transient' : 'config',
              `${options.providerName} ${what}${said}.`,
              { status, cause: err },
            );
          }
          if (err instanceof TimeoutError) {
            throw new ConnectorError(
              'transient',
              `${options.providerName} did not answer in time, even after retrying.`,
              { cause: err },
            );
          }
          if (err instanceof ConnectorError) throw err;
          // The network's own message names the full request URL (query and all); the person needs
          // what went wrong and what to do. The original stays the cause, for the log.
          throw new ConnectorError(
            'transient',
            `Could not reach ${options.providerName}: ${networkReason(err)}. Check its address in Connections and this computer's network, then try again.`,
            { cause: err },
          );
        }
      }
    },
  };
}
