import { decodeCursor, encodeCursor, header, intParam, isValidDate, json, page } from '../http-util.ts';
import type { EmulatorContext, EmuRequest, EmuResponse, Route } from '../types.ts';
import type { VippsTokens } from './vipps-auth.ts';
import { vippsError } from './vipps-errors.ts';

const DEFAULT_REPORT_PAGE = 500;

/** Page size for the Report API: the server's own, or the `Vipps-Feed-Page-Size` header (1–10000). */
function reportPageSize(req: EmuRequest): number | EmuResponse {
  const size = intParam(header(req, 'vipps-feed-page-size'), DEFAULT_REPORT_PAGE);
  if (Number.isNaN(size) || size < 1 || size > 10_000) {
    return vippsError(400, 'invalid-page-size', 'Vipps-Feed-Page-Size must be between 1 and 10000', req.path);
  }
  return size;
}

function gdprFlag(req: EmuRequest): EmuResponse | null {
  const v = req.query.get('includeGDPRSensitiveData');
  if (v === null || v === 'true' || v === 'false') return null;
  return vippsError(400, 'invalid-parameter', 'includeGDPRSensitiveData must be true or false', req.path);
}

export function vippsReportRoutes(ctx: EmulatorContext, tokens: VippsTokens): Route[] {
  const w = ctx.world;
  const v = w.vipps;
  const authed = (req: EmuRequest): EmuResponse | null => {
    const flow = tokens.check(req);
    return typeof flow === 'string' ? null : flow;
  };
  const ledgerCheck = (
    req: EmuRequest,
    ledgerId: string | undefined,
    topic: string | undefined,
  ): EmuResponse | null => {
    if (ledgerId !== v.ledgerId)
      return vippsError(404, 'ledger-not-found', `Ledger ${ledgerId} not found`, req.path);
    if (topic !== 'funds' && topic !== 'fees')
      return vippsError(400, 'invalid-topic', 'topic must be funds or fees', req.path);
    return gdprFlag(req);
  };
  return [
    {
      endpoint: 'ledgers',
      method: 'GET',
      pattern: /^\/settlement\/v1\/ledgers\/?$/,
      handle(req) {
        const denied = authed(req);
        if (denied) return denied;
        const filter = req.query.get('settlesForRecipientHandles');
        const ledger = {
          ledgerId: v.ledgerId,
          currency: v.currency,
          payoutBankAccount: { scheme: 'BBAN:NO', id: v.bankAccount },
          owner: { scheme: 'business:NO:ORG', id: v.orgNumber },
          settlesForRecipientHandles: [v.recipientHandle],
        };
        const items = !filter || filter === v.recipientHandle ? [ledger] : [];
        // Hostile paging: the same cursor for ever, as the spec's own example does.
        const cursor = req.hostile?.kind === 'page-repeat' ? encodeCursor({ ledgers: 1 }) : '';
        return json(200, { cursor, items });
      },
    },
    {
      // A date's report: hasMore always; cursor only with hasMore; an empty page may follow hasMore;
      // tryLater while the date is still open (today). Future dates are 404 ("not available yet").
      endpoint: 'report-date',
      method: 'GET',
      pattern: /^\/report\/v2\/ledgers\/([^/]+)\/([^/]+)\/dates\/([^/]+)\/?$/,
      handle(req, m) {
        const denied = authed(req) ?? ledgerCheck(req, m[1], m[2]);
        if (denied) return denied;
        const date = m[3] ?? '';
        if (!isValidDate(date))
          return vippsError(400, 'invalid-date', 'ledgerDate must be YYYY-MM-DD', req.path);
        if (date > w.options.today)
          return vippsError(404, 'not-available', `Report for ${date} is not available yet`, req.path);
        const size = reportPageSize(req);
        if (typeof size !== 'number') return size;
        const cursorParam = req.query.get('cursor');
        const cursor = cursorParam ? decodeCursor<{ d: string; s: number }>(cursorParam) : { d: date, s: 0 };
        if (!cursor || cursor.d !== date || typeof cursor.s !== 'number') {
          return vippsError(400, 'invalid-cursor', 'The cursor is not valid for this request', req.path);
        }
        const rows = w.all<{ seq: number; json: string }>(
          'SELECT seq, json FROM vipps_report WHERE topic = ? AND ledger_date = ? AND seq > ? ORDER BY seq LIMIT ?',
          m[2],
          date,
          cursor.s,
          size,
        );
        let hasMore = rows.length === size;
        const last = rows[rows.length - 1];
        let next = hasMore && last ? encodeCursor({ d: date, s: last.seq }) : undefined;
        // Hostile paging: this page's own cursor again, or an empty page with a fresh cursor.
        const hostile = req.hostile;
        if (hostile) {
          hasMore = true;
          next = encodeCursor({ ...cursor, n: hostile.kind === 'page-repeat' ? 0 : hostile.ordinal });
          if (hostile.kind === 'page-empty-more') rows.length = 0;
        }
        return page(
          {
            cursor: next,
            hasMore,
            tryLater: date === w.options.today,
          },
          'items',
          rows.map((r) => r.json),
        );
      },
    },
    {
      // The feed: cursor always present and never empty; tryLater means "caught up, retry this cursor".
      endpoint: 'report-feed',
      method: 'GET',
      pattern: /^\/report\/v2\/ledgers\/([^/]+)\/([^/]+)\/feed\/?$/,
      handle(req, m) {
        const denied = authed(req) ?? ledgerCheck(req, m[1], m[2]);
        if (denied) return denied;
        const size = reportPageSize(req);
        if (typeof size !== 'number') return size;
        const cursorParam = req.query.get('cursor');
        const cursor = cursorParam
          ? decodeCursor<{ t: string; s: number }>(cursorParam)
          : { t: m[2] ?? '', s: 0 };
        if (!cursor || cursor.t !== m[2] || typeof cursor.s !== 'number') {
          return vippsError(400, 'invalid-cursor', 'The cursor is not valid for this request', req.path);
        }
        const rows = w.all<{ seq: number; json: string }>(
          'SELECT seq, json FROM vipps_report WHERE topic = ? AND seq > ? ORDER BY seq LIMIT ?',
          m[2],
          cursor.s,
          size,
        );
        const lastSeq = rows[rows.length - 1]?.seq ?? cursor.s;
        // Hostile paging: the spec's example served for ever (same cursor, never tryLater).
        const repeat = req.hostile?.kind === 'page-repeat';
        return page(
          {
            cursor: encodeCursor(repeat ? cursor : { t: m[2], s: lastSeq }),
            tryLater: !repeat && rows.length < size,
          },
          'items',
          rows.map((r) => r.json),
        );
      },
    },
  ];
}
