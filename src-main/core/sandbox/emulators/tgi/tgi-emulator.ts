import { randomBytes } from 'node:crypto';
import { DateTime } from 'luxon';
import { DEMO_CREDENTIALS } from '../../credentials.ts';
import { Rng } from '../../world/prng.ts';
import { insertTgi, tgiDate, tgiTid, TGI_CIDS } from '../../world/record-tgi.ts';
import type { WorldWriter } from '../../world/writer.ts';
import { header, intParam, isValidDate, json, page, parseJsonBody } from '../http-util.ts';
import type { Emulator, EmulatorContext, EmuRequest, EmuResponse } from '../types.ts';

const STATUSES = ['complete', 'pending', 'declined', 'refund'];
const MAX_LIMIT = 1000;

const error = (status: number, _code?: string, message?: string): EmuResponse =>
  json(status, {
    status,
    message: message ?? (status === 401 ? 'Unauthorized' : status === 429 ? 'Too Many Requests' : 'Error'),
  });

/** TGI's auth is not public: a configurable header carries the key (`Authorization` means `Bearer <key>`). */
function authorized(req: EmuRequest): boolean {
  const { headerName, key } = DEMO_CREDENTIALS.tgi;
  const value = header(req, headerName);
  const bearer = header(req, 'authorization');
  return value === key || bearer === `Bearer ${key}`;
}

interface Filters {
  where: string[];
  args: unknown[];
  params: [string, string][];
}

function filters(q: URLSearchParams): Filters | EmuResponse {
  const f: Filters = { where: [], args: [], params: [] };
  for (const name of ['cid', 'tid', 'date_after', 'date_before', 'status']) {
    const v = q.get(name);
    if (v === null || v === '') continue;
    f.params.push([name, v]);
    if (name === 'cid' || name === 'tid') {
      f.where.push(`${name} = ?`);
      f.args.push(v);
    } else if (name === 'status') {
      const list = v.split(',').map((s) => s.trim());
      if (list.some((s) => !STATUSES.includes(s))) return error(400, undefined, `Invalid status: ${v}`);
      f.where.push(`status IN (${list.map(() => '?').join(',')})`);
      f.args.push(...list);
    } else {
      if (!isValidDate(v)) return error(400, undefined, `Invalid ${name}, expected YYYY-MM-DD`);
      // Both bounds are inclusive.
      f.where.push(name === 'date_after' ? 'day >= ?' : 'day <= ?');
      f.args.push(v);
    }
  }
  return f;
}

/**
 * TGI Transactions API. Paging is page numbers behind a "cursor": `cursor.nextUrl` is a path relative
 * to the API base (`/transactions?limit=50&page=2`), page 1 reports `prev: 1`, and pages are offsets, so
 * records inserted into earlier dates (late refunds, POSTs) shift what later pages contain.
 */
export function tgiEmulator(ctx: EmulatorContext): Emulator {
  const w = ctx.world;
  let runs = 0;
  return {
    provider: 'tgi',
    error,
    routes: [
      {
        endpoint: 'list',
        method: 'GET',
        pattern: /^\/transactions\/?$/,
        handle(req) {
          if (!authorized(req)) return error(401);
          const f = filters(req.query);
          if (!('where' in f)) return f;
          const limit = intParam(req.query.get('limit'), 50);
          const pageNo = intParam(req.query.get('page'), 1);
          if (Number.isNaN(limit) || limit < 1) return error(400, undefined, 'Invalid limit');
          if (Number.isNaN(pageNo) || pageNo < 1) return error(400, undefined, 'Invalid page');
          const size = Math.min(limit, MAX_LIMIT);
          const where = f.where.length ? `WHERE ${f.where.join(' AND ')}` : '';
          const total = w.countOf(`SELECT count(*) AS n FROM tgi ${where}`, ...f.args);
          // Seek the page's first row on the index, then read the page as a range: deep pages stay fast.
          const first = w.get<{ day: string; seq: number }>(
            `SELECT day, seq FROM tgi ${where} ORDER BY day, seq LIMIT 1 OFFSET ?`,
            ...f.args,
            (pageNo - 1) * size,
          );
          const rows = first
            ? w.all<{ json: string }>(
                `SELECT json FROM tgi WHERE ${[...f.where, '(day > ? OR (day = ? AND seq >= ?))'].join(' AND ')} ORDER BY day, seq LIMIT ?`,
                ...f.args,
                first.day,
                first.day,
                first.seq,
                size,
              )
            : [];
          const pages = Math.ceil(total / size);
          // Hostile paging: a next link back to this page, or an empty page that links on.
          const hostile = req.hostile?.kind;
          if (hostile === 'page-empty-more') rows.length = 0;
          const next =
            hostile === 'page-repeat'
              ? pageNo
              : hostile === 'page-empty-more' || pageNo < pages
                ? pageNo + 1
                : null;
          const url = (p: number) =>
            `/transactions?${new URLSearchParams([['limit', String(size)], ...f.params, ['page', String(p)]])}`;
          return {
            pageLimit: size,
            ...page(
              {
                query: { limit: size, results: rows.length, totalRecords: total },
                page: { total: pages, current: pageNo, next, prev: pageNo > 1 ? pageNo - 1 : 1 },
                cursor: { prevUrl: pageNo > 1 ? url(pageNo - 1) : null, nextUrl: next ? url(next) : null },
              },
              'data',
              rows.map((r) => r.json),
            ),
          };
        },
      },
      {
        endpoint: 'post',
        method: 'POST',
        pattern: /^\/transactions\/?$/,
        handle(req) {
          if (!authorized(req)) return error(401);
          const body = parseJsonBody(req);
          const list = body?.transactions;
          if (!body || !Array.isArray(list) || list.length === 0)
            return error(400, undefined, 'transactions must be a non-empty array');
          if (list.length > 1000) return error(413, undefined, 'At most 1000 transactions per request');
          const txs: Record<string, unknown>[] = [];
          for (const [i, t] of list.entries()) {
            const r = t as Record<string, unknown>;
            const bad = (m: string) => error(400, undefined, `transactions[${i}]: ${m}`);
            if (typeof r !== 'object' || r === null) return bad('not an object');
            if (typeof r.cid !== 'string' || !r.cid) return bad('cid is required');
            if (!Number.isInteger(r.total)) return bad('total must be integer cents');
            for (const k of ['subtotal', 'tax'])
              if (r[k] !== undefined && !Number.isInteger(r[k])) return bad(`${k} must be integer cents`);
            if (
              r.date !== undefined &&
              (typeof r.date !== 'string' || !/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/.test(r.date))
            ) {
              return bad('date must be YYYY-MM-DD HH:MM:SS');
            }
            txs.push(r);
          }
          const options = (body.options ?? {}) as { convert_utc?: boolean; callback?: string };
          const runId = randomBytes(8).toString('base64url').slice(0, 10);
          runs += 1;
          const runNo = runs;
          // Queued: processed in the background, as the real service does.
          setTimeout(() => {
            const rng = new Rng(w.options.seed, `tgi-post:${runNo}`);
            w.write((wr) => {
              for (const t of txs) upsert(wr, t, rng, options.convert_utc === true, ctx, w.options.timeZone);
            });
            if (options.callback) {
              fetch(options.callback, {
                method: 'POST',
                headers: { 'content-type': 'application/json' },
                body: JSON.stringify({ runId, status: 'complete', processed: txs.length }),
              }).catch(() => undefined);
            }
          }, 200 / ctx.speedUp);
          return json(200, { status: 200, message: `${txs.length} transactions received`, runId });
        },
      },
    ],
  };
}

function upsert(
  wr: WorldWriter,
  t: Record<string, unknown>,
  rng: Rng,
  convertUtc: boolean,
  ctx: EmulatorContext,
  zone: string,
): void {
  let date = typeof t.date === 'string' ? t.date : tgiDate(ctx.now());
  if (convertUtc && typeof t.date === 'string') {
    date = tgiDate(DateTime.fromFormat(t.date, 'yyyy-MM-dd HH:mm:ss', { zone }).toMillis());
  }
  const total = Number(t.total);
  const tax = typeof t.tax === 'number' ? t.tax : 0;
  const subtotal = typeof t.subtotal === 'number' ? t.subtotal : total - tax;
  const db = wr.database;
  if (typeof t.tid === 'string' && t.tid) {
    const updated = db
      .prepare(
        "UPDATE tgi SET day = ?, json = json_set(json, '$.total', ?, '$.subtotal', ?, '$.tax', ?, '$.date', ?) WHERE tid = ? AND cid = ?",
      )
      .run(date.slice(0, 10), total, subtotal, tax, date, t.tid, t.cid);
    if (updated.changes > 0) return;
  }
  const tid = typeof t.tid === 'string' && t.tid ? t.tid : tgiTid(rng);
  insertTgi(wr, {
    tid,
    cid: String(t.cid ?? TGI_CIDS[0]),
    total,
    subtotal,
    tax,
    date,
    status: 'complete',
  });
}
