import type { StreamContext, StreamPage } from '../connector.ts';
import { lastClosedUtcDay, lastUtcDayOfShopDay } from '../shared/days.ts';
import { PagingGuard } from '../shared/paging-guard.ts';
import { parseEnvelope, RunDedupe } from '../shared/records.ts';
import { syncByDateWindows, type WindowPage } from '../shared/stable-window.ts';
import type { TgiConfig } from './config.ts';
import { normalizeTransaction } from './normalize.ts';
import { TgiPage } from './wire.ts';

export const TGI_NAME = 'LFL TGI';
export const TRANSACTIONS_PATH = 'transactions';
export const TRANSACTIONS_STREAM = 'transactions';

/**
 * Turns `cursor.nextUrl` into a path below the API base. The page shows it relative to the base
 * (`/transactions?limit=50&page=2`); we also accept it absolute, or carrying the base's own path. The
 * page's example link drops the filters, so any filter of ours it lacks is put back: following a
 * bare link would page through every date.
 */
export function followNextUrl(nextUrl: string, baseUrl: string, filters: Record<string, string>): string {
  const base = new URL(baseUrl.replace(/\/?$/, '/'));
  const url = new URL(nextUrl, base.origin);
  let path = url.pathname;
  const basePath = base.pathname.replace(/\/$/, '');
  if (basePath && path.startsWith(`${basePath}/`)) {
    path = path.slice(basePath.length);
  }
  for (const [k, v] of Object.entries(filters)) if (!url.searchParams.has(k)) url.searchParams.set(k, v);
  return `${path.replace(/^\//, '')}?${url.searchParams.toString()}`;
}

/**
 * The transactions stream: inclusive `date_after`/`date_before` windows (UTC days, the days of
 * TGI's zone-less UTC `date`), each paged by following `nextUrl` until it is null. Page numbers are
 * offsets, so a window whose count moves while we read it is read again; ids seen are dropped.
 */
export function transactionPages(
  ctx: StreamContext,
  config: TgiConfig,
  bookmark: string | null,
): AsyncIterable<StreamPage> {
  const dedupe = new RunDedupe();
  const nctx = {
    connection: ctx.connection,
    shopTimeZone: ctx.shopTimeZone,
    currency: config.currency ?? ctx.shopCurrency,
  };

  async function* pagesOf(w: { from: string; to: string }): AsyncGenerator<WindowPage<StreamPage>> {
    const filters: Record<string, string> = {
      limit: String(config.pageLimit),
      date_after: w.from,
      date_before: w.to,
    };
    if (config.cid) filters.cid = config.cid;
    const guard = new PagingGuard(TGI_NAME, `the transactions of ${w.from}…${w.to}`);
    let path: string | null = `${TRANSACTIONS_PATH}?${new URLSearchParams(filters).toString()}`;
    guard.next(path, 'link');
    let received = 0;
    while (path) {
      const { data }: { data: unknown } = await ctx.http.request('GET', path);
      const body: TgiPage = parseEnvelope(TgiPage, data, TGI_NAME, 'transactions page');
      guard.size(body.data.length, config.pageLimit);
      const link = body.cursor?.nextUrl;
      const next: string | null = link ? followNextUrl(link, config.baseUrl, filters) : null;
      if (next !== null) {
        // A link back to a page already read (itself included) would loop for ever.
        guard.next(next, 'link');
        guard.more(body.data.length);
      }
      const total = body.query?.totalRecords ?? null;
      received += body.data.length;
      const outcomes = dedupe.keep(body.data.map((r) => normalizeTransaction(r, nctx)));
      const totalHint = total === null ? undefined : dedupe.size + Math.max(0, total - received);
      const last: boolean = next === null;
      yield { page: { outcomes, bookmark: null, totalHint }, records: body.data, total, last };
      path = next;
    }
  }

  return syncByDateWindows({
    stream: TRANSACTIONS_STREAM,
    bookmark,
    window: ctx.window,
    historyDays: config.historyDays,
    windowDays: config.windowDays,
    lastClosed: lastClosedUtcDay(ctx.window.today, ctx.shopTimeZone),
    endDate: lastUtcDayOfShopDay(ctx.window.today, ctx.shopTimeZone),
    pagesOf,
  });
}
