import { DEMO_CREDENTIALS } from '../../credentials.ts';
import { bearer, intParam, isValidDate, json, page } from '../http-util.ts';
import { RateLimiter } from '../rate-limiter.ts';
import type { Emulator, EmulatorContext, EmuRequest, EmuResponse } from '../types.ts';
import { salesSummary } from './sentrypos-summary.ts';

const KEYS: Record<string, { scopes: string[]; allowedIp?: string }> = {
  [DEMO_CREDENTIALS.sentrypos.apiKey]: { scopes: ['sales:read'] },
  [DEMO_CREDENTIALS.sentrypos.apiKeyNoScope]: { scopes: ['customers:read'] },
  [DEMO_CREDENTIALS.sentrypos.apiKeyIpLocked]: { scopes: ['sales:read'], allowedIp: '10.20.30.40' },
};

const MAX_LIMIT = 1000;

function error(status: number, code?: string, message?: string): EmuResponse {
  const defaults: Record<number, [string, string]> = {
    400: ['INVALID_DATE', 'Invalid date format in query parameters'],
    401: ['UNAUTHORIZED', 'Invalid or missing API key'],
    403: ['FORBIDDEN', 'Insufficient permissions for requested scope'],
    404: ['NOT_FOUND', 'Not found'],
    // The page says RATE_LIMITED; the auth docs say RATE_LIMIT_EXCEEDED. Faults send the former,
    // the enforced limit the latter, so clients meet both.
    429: ['RATE_LIMITED', 'Too many requests, rate limit exceeded'],
    500: ['INTERNAL_ERROR', 'Internal server error'],
    503: ['SERVICE_UNAVAILABLE', 'Service temporarily unavailable'],
  };
  const [c, m] = defaults[status] ?? ['ERROR', 'Error'];
  return json(status, { error: code ?? c, message: message ?? m });
}

/** Date-only bounds are whole UTC days (the page does not say which zone; UTC is what the service uses). */
export function parseRange(q: URLSearchParams): { from: number; to: number } | null {
  const bound = (v: string | null, end: boolean): number | null => {
    if (v === null || v === '') return end ? Number.MAX_SAFE_INTEGER : 0;
    if (isValidDate(v)) return Date.parse(`${v}T00:00:00Z`) + (end ? 86_399_999 : 0);
    if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})$/.test(v)) return null;
    const ms = Date.parse(v);
    return Number.isNaN(ms) ? null : ms;
  };
  const from = bound(q.get('startDate'), false);
  const to = bound(q.get('endDate'), true);
  return from === null || to === null ? null : { from, to };
}

function authorize(ctx: EmulatorContext, limiter: RateLimiter, req: EmuRequest): EmuResponse | null {
  const token = bearer(req);
  const key = token ? KEYS[token] : undefined;
  if (!token || !key) return error(401);
  if (key.allowedIp && key.allowedIp !== req.remoteAddress) {
    return error(403, 'FORBIDDEN', 'API key is not allowed from this IP address');
  }
  if (!key.scopes.includes('sales:read'))
    return error(403, 'INSUFFICIENT_SCOPE', 'Missing required scope: sales:read');
  const wait = limiter.take(token, ctx.now());
  if (wait > 0) {
    const r = error(429, 'RATE_LIMIT_EXCEEDED', 'Rate limit of 60 requests per minute exceeded');
    return { ...r, headers: { 'Retry-After': String(Math.ceil(wait / 1000)), 'X-RateLimit-Limit': '60' } };
  }
  return null;
}

/**
 * SentryPOS Sales API. The trap: `pagination.hasMore` without any offset/page/cursor parameter; the
 * newest `limit` sales come back and the rest can only be reached by narrowing the date range.
 */
export function sentryPosEmulator(ctx: EmulatorContext): Emulator {
  const limiter = new RateLimiter(60, 60_000 / ctx.speedUp);
  const w = ctx.world;
  return {
    provider: 'sentrypos',
    error,
    routes: [
      {
        endpoint: 'sales',
        method: 'GET',
        pattern: /^\/public\/api\/v1\/sales\/?$/,
        handle(req) {
          const denied = authorize(ctx, limiter, req);
          if (denied) return denied;
          const asked = parseRange(req.query);
          if (!asked) return error(400);
          // Hostile paging: the date range is ignored, so narrowing it never gets anywhere.
          const range =
            req.hostile?.kind === 'page-repeat' ? { from: 0, to: Number.MAX_SAFE_INTEGER } : asked;
          const rawLimit = intParam(req.query.get('limit'), 100);
          const limit = Number.isNaN(rawLimit) || rawLimit < 1 ? 100 : Math.min(rawLimit, MAX_LIMIT);
          const status = req.query.get('status')?.toUpperCase();
          const where = status ? 'status = ? AND created_ms BETWEEN ? AND ?' : 'created_ms BETWEEN ? AND ?';
          const args = status ? [status, range.from, range.to] : [range.from, range.to];
          const total = w.countOf(`SELECT count(*) AS n FROM sentrypos_sales WHERE ${where}`, ...args);
          const rows = w.all<{ json: string }>(
            `SELECT json FROM sentrypos_sales WHERE ${where} ORDER BY created_ms DESC, seq DESC LIMIT ?`,
            ...args,
            limit,
          );
          if (req.hostile?.kind === 'page-empty-more') rows.length = 0;
          const hasMore = total > limit || req.hostile?.kind === 'page-empty-more';
          return {
            ...page(
              {},
              'sales',
              rows.map((r) => r.json),
              { pagination: { total, limit, hasMore } },
            ),
            pageLimit: limit,
          };
        },
      },
      {
        endpoint: 'summary',
        method: 'GET',
        pattern: /^\/public\/api\/v1\/sales\/summary\/?$/,
        handle(req) {
          const denied = authorize(ctx, limiter, req);
          if (denied) return denied;
          const asked = parseRange(req.query);
          if (!asked) return error(400);
          // A stale summary counts nothing, so the client cannot size its windows from it.
          const range = req.hostile?.kind === 'stale-summary' ? { from: 1, to: 0 } : asked;
          const groupBy = req.query.get('groupBy') ?? 'day';
          if (!['day', 'week', 'month'].includes(groupBy))
            return error(400, 'INVALID_GROUP_BY', 'groupBy must be day, week or month');
          return json(200, salesSummary(w, range, groupBy as 'day' | 'week' | 'month'));
        },
      },
    ],
  };
}
