import { ConnectorError } from '../connector-error.ts';
import { parseEnvelope } from '../shared/records.ts';
import type { ProviderHttp } from '../../sync/provider-http.ts';
import { VIPPS_NAME } from './config.ts';
import type { ReportTopic } from './normalize.ts';
import { LedgerList, ReportDatePage, ReportFeedPage, SalesPage, type Ledger } from './wire.ts';

/** The Sales API allows 1–1000 per page; the biggest page means the fewest requests. */
export const SALES_PAGE_SIZE = 1000;

const seg = encodeURIComponent;

export interface Page {
  items: unknown[];
  /** Where the next request starts (feeds: the bookmark); null when the provider gave none. */
  cursor: string | null;
  /** No page of this listing follows (feed caught up, or a date fully read). */
  last: boolean;
  /** Report API: the feed is caught up, or the date is still open. */
  tryLater: boolean;
}

/** `GET /settlement/v1/ledgers`, following its cursor until it comes back empty. */
export async function listLedgers(http: ProviderHttp): Promise<Ledger[]> {
  const ledgers: Ledger[] = [];
  let cursor: string | undefined;
  for (;;) {
    const res = await http.request('GET', 'settlement/v1/ledgers', { searchParams: { cursor } });
    const page = parseEnvelope(LedgerList, res.data, VIPPS_NAME, 'ledger list');
    ledgers.push(...page.items);
    if (!page.cursor || page.cursor === cursor || page.items.length === 0) return ledgers;
    cursor = page.cursor;
  }
}

/** Report feed: `cursor` always comes back; `tryLater` (or an unchanged cursor) means caught up. */
export async function* reportFeed(
  http: ProviderHttp,
  ledgerId: string,
  topic: ReportTopic,
  from: string | null,
): AsyncGenerator<Page> {
  let cursor = from;
  for (;;) {
    const res = await http.request('GET', `report/v2/ledgers/${seg(ledgerId)}/${topic}/feed`, {
      searchParams: { cursor: cursor ?? undefined },
    });
    const page = parseEnvelope(ReportFeedPage, res.data, VIPPS_NAME, `${topic} feed page`);
    const stuck = page.items.length === 0 && page.cursor === cursor;
    const last = page.tryLater === true || stuck;
    yield { items: page.items, cursor: page.cursor, last, tryLater: page.tryLater === true };
    if (last) return;
    cursor = page.cursor;
  }
}

function notAvailable(err: unknown): boolean {
  return err instanceof ConnectorError && err.status === 404;
}

/**
 * One ledger date's report, every page: `hasMore` says whether to go on (an empty page may follow
 * `hasMore: true`), `cursor` is only there when it does, and `tryLater` means the date is still open.
 * A 404 is "not available yet": the date yields one empty, open, last page.
 */
export async function* reportDate(
  http: ProviderHttp,
  ledgerId: string,
  topic: ReportTopic,
  date: string,
  pageSize?: number,
): AsyncGenerator<Page> {
  let cursor: string | undefined;
  const path = `report/v2/ledgers/${seg(ledgerId)}/${topic}/dates/${seg(date)}`;
  const headers: Record<string, string> | undefined =
    pageSize === undefined ? undefined : { 'Vipps-Feed-Page-Size': String(pageSize) };
  for (;;) {
    let data: unknown;
    try {
      data = (await http.request('GET', path, { searchParams: { cursor }, headers })).data;
    } catch (err) {
      if (!notAvailable(err)) throw err;
      yield { items: [], cursor: null, last: true, tryLater: true };
      return;
    }
    const page = parseEnvelope(ReportDatePage, data, VIPPS_NAME, `${topic} report for ${date}`);
    if (page.hasMore === true && !page.cursor) {
      throw new ConnectorError('protocol', `${VIPPS_NAME} said more of ${date} follows but sent no cursor.`);
    }
    const last = page.hasMore !== true || page.cursor === cursor;
    yield { items: page.items, cursor: page.cursor ?? null, last, tryLater: page.tryLater === true };
    if (last) return;
    cursor = page.cursor ?? undefined;
  }
}

/**
 * Whether a ledger date is closed, from the first page of its report asked as small as possible
 * (`Vipps-Feed-Page-Size`; a server that ignores it sends an ordinary page, still one request).
 */
export async function dateIsOpen(
  http: ProviderHttp,
  ledgerId: string,
  topic: ReportTopic,
  date: string,
): Promise<boolean> {
  for await (const page of reportDate(http, ledgerId, topic, date, 1)) return page.tryLater;
  return true;
}

async function* salesPages(http: ProviderHttp, path: string, from: string | null): AsyncGenerator<Page> {
  let cursor = from;
  for (;;) {
    const res = await http.request('GET', path, {
      searchParams: { cursor: cursor ?? undefined, pageSize: SALES_PAGE_SIZE },
    });
    const page = parseEnvelope(SalesPage, res.data, VIPPS_NAME, 'sales page');
    const next = page.cursor || null;
    // The guide has `hasMore` on the date endpoint only; without it, a short page is the end.
    const more = page.hasMore ?? page.items.length >= SALES_PAGE_SIZE;
    const last = !more || next === null || (page.items.length === 0 && next === cursor);
    yield { items: page.items, cursor: next ?? cursor, last, tryLater: false };
    if (last) return;
    cursor = next;
  }
}

export function salesFeed(http: ProviderHttp, ledgerId: string, from: string | null): AsyncGenerator<Page> {
  return salesPages(http, `sales/report/v1/ledgers/${seg(ledgerId)}`, from);
}

export function salesDate(http: ProviderHttp, ledgerId: string, date: string): AsyncGenerator<Page> {
  return salesPages(http, `sales/report/v1/ledgers/${seg(ledgerId)}/dates/${seg(date)}`, null);
}
