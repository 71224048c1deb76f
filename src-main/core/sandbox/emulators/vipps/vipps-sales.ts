import { decodeCursor, encodeCursor, header, intParam, isValidDate, page } from '../http-util.ts';
import type { EmulatorContext, EmuRequest, EmuResponse, Route } from '../types.ts';
import type { VippsTokens } from './vipps-auth.ts';
import { vippsError } from './vipps-errors.ts';

/** `pageSize` (1–1000, default 100), or the `Vipps-Feed-Page-Size` header when the query has none. */
function pageSize(req: EmuRequest): number | EmuResponse {
  const size = intParam(req.query.get('pageSize') ?? header(req, 'vipps-feed-page-size'), 100);
  if (Number.isNaN(size) || size < 1 || size > 1000) {
    return vippsError(400, 'invalid-page-size', 'pageSize must be between 1 and 1000', req.path);
  }
  return size;
}

/**
 * Sales API: accounting-partner tokens only (POST /miami/v1/token). Feed and date pages are
 * `{items, cursor, hasMore}`; the cursor is kept at the end so a client can resume the feed later.
 */
export function vippsSalesRoutes(ctx: EmulatorContext, tokens: VippsTokens): Route[] {
  const w = ctx.world;
  const guard = (req: EmuRequest, ledgerId: string | undefined): EmuResponse | null => {
    const flow = tokens.check(req);
    if (typeof flow !== 'string') return flow;
    if (flow !== 'partner')
      return vippsError(403, 'forbidden', 'The Sales API requires accounting-partner keys', req.path);
    if (ledgerId !== w.vipps.ledgerId)
      return vippsError(404, 'ledger-not-found', `Ledger ${ledgerId} not found`, req.path);
    return null;
  };
  const paged = (req: EmuRequest, where: string, args: unknown[], scope: string): EmuResponse => {
    const size = pageSize(req);
    if (typeof size !== 'number') return size;
    const cursorParam = req.query.get('cursor');
    const cursor = cursorParam ? decodeCursor<{ k: string; s: number }>(cursorParam) : { k: scope, s: 0 };
    if (!cursor || cursor.k !== scope || typeof cursor.s !== 'number') {
      return vippsError(400, 'invalid-cursor', 'The cursor is not valid for this request', req.path);
    }
    const rows = w.all<{ seq: number; json: string }>(
      `SELECT seq, json FROM vipps_sales WHERE ${where} AND seq > ? ORDER BY seq LIMIT ?`,
      ...args,
      cursor.s,
      size,
    );
    const lastSeq = rows[rows.length - 1]?.seq ?? cursor.s;
    let next: object = { k: scope, s: lastSeq };
    let hasMore = rows.length === size;
    // Hostile paging: this page's own cursor again, or an empty page with a fresh cursor.
    if (req.hostile) {
      hasMore = true;
      next = req.hostile.kind === 'page-repeat' ? cursor : { ...cursor, n: req.hostile.ordinal };
      if (req.hostile.kind === 'page-empty-more') rows.length = 0;
    }
    return {
      ...page(
        {},
        'items',
        rows.map((r) => r.json),
        { cursor: encodeCursor(next), hasMore },
      ),
      pageLimit: size,
    };
  };
  const lookup = (where: string, value: string) =>
    w
      .all<{ json: string }>(`SELECT json FROM vipps_sales WHERE ${where} ORDER BY seq`, value)
      .map((r) => r.json);
  return [
    {
      endpoint: 'sales-feed',
      method: 'GET',
      pattern: /^\/sales\/report\/v1\/ledgers\/([^/]+)\/?$/,
      handle: (req, m) => guard(req, m[1]) ?? paged(req, '1 = 1', [], 'feed'),
    },
    {
      endpoint: 'sales-date',
      method: 'GET',
      pattern: /^\/sales\/report\/v1\/ledgers\/([^/]+)\/dates\/([^/]+)\/?$/,
      handle(req, m) {
        const denied = guard(req, m[1]);
        if (denied) return denied;
        const date = m[2] ?? '';
        if (!isValidDate(date))
          return vippsError(400, 'invalid-date', 'ledgerDate must be YYYY-MM-DD', req.path);
        return paged(req, 'ledger_date = ?', [date], `date:${date}`);
      },
    },
    {
      endpoint: 'sales-reference',
      method: 'GET',
      pattern: /^\/sales\/report\/v1\/ledgers\/([^/]+)\/references\/([^/]+)\/?$/,
      handle(req, m) {
        const denied = guard(req, m[1]);
        if (denied) return denied;
        return page({}, 'items', lookup('reference = ?', decodeURIComponent(m[2] ?? '')), { hasMore: false });
      },
    },
    {
      endpoint: 'sales-psp-reference',
      method: 'GET',
      pattern: /^\/sales\/report\/v1\/ledgers\/([^/]+)\/psp-references\/([^/]+)\/?$/,
      handle(req, m) {
        const denied = guard(req, m[1]);
        if (denied) return denied;
        const items = lookup('psp_reference = ?', decodeURIComponent(m[2] ?? ''));
        if (items.length === 0)
          return vippsError(404, 'not-found', 'No sales event with this pspReference', req.path);
        return page({}, 'items', items, { hasMore: false });
      },
    },
  ];
}
