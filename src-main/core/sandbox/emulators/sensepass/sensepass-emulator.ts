import { DEMO_CREDENTIALS } from '../../credentials.ts';
import { json, page, parseJsonBody } from '../http-util.ts';
import type { Emulator, EmulatorContext, EmuRequest, EmuResponse } from '../types.ts';

const error = (status: number, code?: string, message?: string): EmuResponse =>
  json(status, {
    success: false,
    errorCode: code ?? String(status),
    message: message ?? (status === 401 ? 'Unauthorized' : 'Error'),
  });

const ORDER_COLUMNS: Record<string, string> = {
  status: 'status',
  amount: 'amount_minor',
  date: 'date_ms',
  transactionNumber: 'number',
  methodType: 'method_type',
};

/** The list's `status` filter is a word; each stands for a set of the numeric status codes. */
const STATUS_GROUPS: Record<string, number[]> = { settled: [5, 11, 12, 13], expired: [8], voided: [9] };
const OPERATORS = new Set(['=', '!=', '<', '<=', '>', '>=']);
const ISO_Z = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$/;

/**
 * Credentials travel in the JSON body, even on GET: a location `apiKey` (the example spells it
 * `apikey`), a `deviceId`, or the deprecated merchant `apiKey` + `branchNumber`.
 */
function credentialsOk(body: Record<string, unknown>): boolean {
  const d = DEMO_CREDENTIALS.sensepass;
  const apiKey = body.apiKey ?? body.apikey;
  if (apiKey === d.apiKey || body.deviceId === d.deviceId) return true;
  return apiKey === d.legacyApiKey && String(body.branchNumber) === d.branchNumber;
}

function listQuery(
  body: Record<string, unknown>,
): { where: string[]; args: unknown[]; order: string; limit: number; offset: number } | EmuResponse {
  const { startDate, endDate } = body;
  if (
    typeof startDate !== 'string' ||
    typeof endDate !== 'string' ||
    !ISO_Z.test(startDate) ||
    !ISO_Z.test(endDate)
  ) {
    return error(400, 'INVALID_DATES', 'startDate and endDate are required ISO dates with Z');
  }
  const where = ['date_ms >= ?', 'date_ms < ?'];
  const args: unknown[] = [Date.parse(startDate), Date.parse(endDate)];
  const pagination = (body.pagination ?? {}) as { limit?: unknown; offset?: unknown };
  const limit = pagination.limit ?? 100;
  const offset = pagination.offset ?? 0;
  if (!Number.isInteger(limit) || (limit as number) < 1 || (limit as number) > 1000)
    return error(400, 'INVALID_LIMIT', 'pagination.limit must be between 1 and 1000');
  if (!Number.isInteger(offset) || (offset as number) < 0)
    return error(400, 'INVALID_OFFSET', 'pagination.offset must be >= 0');
  const orderBy = body.orderBy ?? 'date';
  const order = typeof orderBy === 'string' ? ORDER_COLUMNS[orderBy] : undefined;
  if (!order)
    return error(
      400,
      'INVALID_ORDER_BY',
      'orderBy must be one of status, amount, date, transactionNumber, methodType',
    );
  if (body.status !== undefined) {
    const codes = typeof body.status === 'string' ? STATUS_GROUPS[body.status] : undefined;
    if (!codes) return error(400, 'INVALID_STATUS', 'status must be settled, expired or voided');
    where.push(`status IN (${codes.join(',')})`);
  }
  if (body.currency !== undefined) {
    where.push('currency = ?');
    args.push(String(body.currency));
  }
  const filter = body.filter ?? [];
  if (!Array.isArray(filter)) return error(400, 'INVALID_FILTER', 'filter must be an array');
  for (const f of filter as Record<string, unknown>[]) {
    const op = f?.operator;
    const keys = Object.keys(f ?? {}).filter((k) => k !== 'operator');
    const key = keys[0];
    if (typeof op !== 'string' || !OPERATORS.has(op) || keys.length !== 1 || key === undefined) {
      return error(
        400,
        'INVALID_FILTER',
        'each filter needs one parameter and an operator of = != < <= > >=',
      );
    }
    const value = f[key];
    const numeric =
      typeof value === 'number' ||
      (typeof value === 'string' && value.trim() !== '' && !Number.isNaN(Number(value)));
    // Stored amounts are sometimes strings: compare numerically whenever the filter value is a number.
    where.push(numeric ? `CAST(json_extract(json, ?) AS REAL) ${op} ?` : `json_extract(json, ?) ${op} ?`);
    args.push(`$."${key.replaceAll('"', '')}"`, numeric ? Number(value) : String(value));
  }
  return { where, args, order, limit: limit as number, offset: offset as number };
}

/** SensePass: the list is a POST with offset paging; get-by-id is a GET that still wants a body. */
export function sensePassEmulator(ctx: EmulatorContext): Emulator {
  const w = ctx.world;
  type Authed = { body: Record<string, unknown>; denied?: undefined } | { denied: EmuResponse };
  const authed = (req: EmuRequest): Authed => {
    const body = parseJsonBody(req);
    if (!body) return { denied: error(400, 'INVALID_BODY', 'Body must be JSON') };
    return credentialsOk(body)
      ? { body }
      : { denied: error(401, 'UNAUTHORIZED', 'Missing or invalid apiKey / deviceId') };
  };
  // Date order (the default): seek the offset on the index, then read the page as a range.
  const byDate = (where: string, q: { args: unknown[]; limit: number; offset: number }) => {
    const first = w.get<{ d: number; s: number }>(
      `SELECT date_ms AS d, seq AS s FROM sensepass WHERE ${where} ORDER BY date_ms, seq LIMIT 1 OFFSET ?`,
      ...q.args,
      q.offset,
    );
    if (!first) return [];
    return w.all<{ json: string }>(
      `SELECT json FROM sensepass WHERE ${where} AND (date_ms > ? OR (date_ms = ? AND seq >= ?)) ORDER BY date_ms, seq LIMIT ?`,
      ...q.args,
      first.d,
      first.d,
      first.s,
      q.limit,
    );
  };
  return {
    provider: 'sensepass',
    error,
    routes: [
      {
        endpoint: 'list',
        method: 'POST',
        pattern: /^\/api\/transactions\/?$/,
        handle(req) {
          const a = authed(req);
          if (a.denied) return a.denied;
          const parsed = listQuery(a.body);
          if (!('where' in parsed)) return parsed;
          // Hostile paging: the offset is ignored, so every page is the first one.
          const q = req.hostile?.kind === 'page-repeat' ? { ...parsed, offset: 0 } : parsed;
          const where = q.where.join(' AND ');
          const total = w.countOf(`SELECT count(*) AS n FROM sensepass WHERE ${where}`, ...q.args);
          const rows =
            q.order === 'date_ms'
              ? byDate(where, q)
              : w.all<{ json: string }>(
                  `SELECT json FROM sensepass WHERE ${where} ORDER BY ${q.order}, seq LIMIT ? OFFSET ?`,
                  ...q.args,
                  q.limit,
                  q.offset,
                );
          const emptyMore = req.hostile?.kind === 'page-empty-more';
          if (emptyMore) rows.length = 0;
          const pagination = {
            returnedRecords: rows.length,
            totalRecords: total,
            isPartialResult: emptyMore || q.offset + rows.length < total,
          };
          return {
            ...page(
              { pagination },
              'data',
              rows.map((r) => r.json),
            ),
            pageLimit: q.limit,
          };
        },
      },
      {
        endpoint: 'get',
        method: 'GET',
        pattern: /^\/api\/transactions\/([^/]+)\/?$/,
        handle(req, m) {
          const a = authed(req);
          if (a.denied) return a.denied;
          const row = w.get<{ json: string }>(
            'SELECT json FROM sensepass WHERE number = ? ORDER BY seq LIMIT 1',
            decodeURIComponent(m[1] ?? ''),
          );
          return row ? { status: 200, raw: row.json } : error(404, 'NOT_FOUND', 'Transaction not found');
        },
      },
    ],
  };
}
