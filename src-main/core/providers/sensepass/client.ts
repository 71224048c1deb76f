import { ConnectorError } from '../connector-error.ts';
import type { StreamContext, StreamPage } from '../connector.ts';
import { addDays, zoneDayStartUtc } from '../shared/days.ts';
import { PagingGuard } from '../shared/paging-guard.ts';
import { parseEnvelope, RunDedupe, rawId } from '../shared/records.ts';
import { syncByDateWindows, type WindowPage } from '../shared/stable-window.ts';
import type { SensePassConfig } from './config.ts';
import { normalizeTransaction } from './normalize.ts';
import { SensePassPage } from './wire.ts';

export const SENSEPASS_NAME = 'SensePass';
export const TRANSACTIONS_PATH = 'transactions';
export const TRANSACTIONS_STREAM = 'transactions';
/**
 * `date` is the only order that stays put while we page: status changes (refunds, timeouts) would
 * move records under `status`, and new transactions land at the end of the window, not in the middle.
 */
const ORDER_BY = 'date';

/** Credentials travel in the JSON body, not a header: the location key, or a terminal's device id. */
export function credentialsBody(
  config: SensePassConfig,
  secrets: Readonly<Record<string, string>>,
): Record<string, string> {
  const value = secrets[config.authMode]?.trim();
  if (!value) {
    const what = config.authMode === 'apiKey' ? 'API key' : 'device ID';
    throw new ConnectorError('config', `${SENSEPASS_NAME} has no ${what} yet. Enter it in Connections.`);
  }
  if (config.authMode === 'deviceId') return { deviceId: value };
  return config.branchNumber ? { apiKey: value, branchNumber: config.branchNumber } : { apiKey: value };
}

/**
 * The transactions stream: windows of shop-zone business days (SensePass filters by instant, so the
 * window edges are the shop's midnights in UTC), each paged by offset in date order. A window whose
 * count moves while we read it is read again; transaction numbers seen are dropped.
 */
export function transactionPages(
  ctx: StreamContext,
  config: SensePassConfig,
  bookmark: string | null,
): AsyncIterable<StreamPage> {
  const dedupe = new RunDedupe();
  const nctx = { connection: ctx.connection, shopTimeZone: ctx.shopTimeZone };

  async function* pagesOf(w: { from: string; to: string }): AsyncGenerator<WindowPage<StreamPage>> {
    const credentials = credentialsBody(config, ctx.secrets);
    const startDate = zoneDayStartUtc(w.from, ctx.shopTimeZone);
    const endDate = zoneDayStartUtc(addDays(w.to, 1), ctx.shopTimeZone);
    const guard = new PagingGuard(SENSEPASS_NAME, `the transactions of ${w.from}…${w.to}`);
    const listed = new Set<string>();
    let offset = 0;
    for (;;) {
      const { data } = await ctx.http.request('POST', TRANSACTIONS_PATH, {
        json: {
          ...credentials,
          startDate,
          endDate,
          pagination: { limit: config.pageLimit, offset },
          orderBy: ORDER_BY,
        },
      });
      const body = parseEnvelope(SensePassPage, data, SENSEPASS_NAME, 'transactions page');
      guard.size(body.data.length, config.pageLimit);
      // The offset is ours, so a server that ignores it shows as a page of records already listed.
      const ids = body.data.map((r) => rawId(r, 'TransactionNumber'));
      if (ids.length > 0 && ids.every((id) => id !== null && listed.has(id))) {
        guard.again(`offset ${offset}`);
      }
      for (const id of ids) if (id !== null) listed.add(id);
      offset += body.data.length;
      const total = body.pagination?.totalRecords ?? null;
      const partial = body.pagination?.isPartialResult;
      const more =
        total !== null
          ? offset < total
          : partial !== null && partial !== undefined
            ? partial
            : body.data.length >= config.pageLimit;
      if (more) guard.more(body.data.length);
      const last = !more;
      const outcomes = dedupe.keep(body.data.map((r) => normalizeTransaction(r, nctx)));
      const totalHint = total === null ? undefined : dedupe.size + Math.max(0, total - offset);
      yield { page: { outcomes, bookmark: null, totalHint }, records: body.data, total, last };
      if (last) return;
    }
  }

  return syncByDateWindows({
    stream: TRANSACTIONS_STREAM,
    bookmark,
    window: ctx.window,
    historyDays: config.historyDays,
    windowDays: config.windowDays,
    lastClosed: addDays(ctx.window.today, -1),
    endDate: ctx.window.today,
    pagesOf,
  });
}

/** The cheapest authenticated request: one record of today. */
export async function probe(ctx: StreamContext, config: SensePassConfig): Promise<void> {
  await ctx.http.request('POST', TRANSACTIONS_PATH, {
    json: {
      ...credentialsBody(config, ctx.secrets),
      startDate: zoneDayStartUtc(ctx.window.today, ctx.shopTimeZone),
      endDate: zoneDayStartUtc(addDays(ctx.window.today, 1), ctx.shopTimeZone),
      pagination: { limit: 1, offset: 0 },
      orderBy: ORDER_BY,
    },
  });
}
