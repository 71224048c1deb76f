import { ConnectorError } from '../connector-error.ts';
import { PagingGuard } from '../shared/paging-guard.ts';
import { parseEnvelope } from '../shared/records.ts';
import type { ProviderHttp } from '../shared/provider-http.ts';
import { VIPPS_NAME } from './config.ts';
import type { ReportTopic } from './normalize.ts';
import { LedgerList, ReportDatePage, ReportFeedPage, SalesPage, type Ledger } from './wire.ts';

/** The Sales API allows 1–1000 per page; the biggest page means the fewest requests. */
export const SALES_PAGE_SIZE = 1000;

const seg = encodeURIComponent;

/** The guide says an empty page can follow `hasMore: true`; more than a few in a row is a loop. */
const EMPTY_DATE_PAGES_TOLERATED = 3;

export interface Page {
  items: unknown[];
  /** Where the next request starts (feeds: the bookmark); null when the provider gave none. */
  cursor: string | null;
  /** No page of this listing follows (feed caught up, or a date fully read). */
  last: boolean;
  /** Report API: the feed is caught up, or the date is still open. */
  tryLater: boolean;
}

/** A list of ledgers longer than this many pages is not one shop's: stop rather than page for ever. */
const MAX_LEDGER_PAGES = 100;

/**
 * `GET /settlement/v1/ledgers`, following its cursor until it comes back empty, each ledger once. A
 * cursor already asked for can only bring back what we have (the spec's own example repeats its
 * cursor for ever), so it ends the list instead of being followed.
 */
export async function listLedgers(http: ProviderHttp): Promise<Ledger[]> {
  const ledgers = new Map<string, Ledger>();
  const asked = new Set<string>();
  let cursor: string | undefined;
  for (let pages = 1; ; pages++) {
    const res = await http.request('GET', 'settlement/v1/ledgers', { searchParams: { cursor } });
    const page = parseEnvelope(LedgerList, res.data, VIPPS_NAME, 'ledger list');
    for (const l of page.items) if (!ledgers.has(l.ledgerId)) ledgers.set(l.ledgerId, l);
    if (!page.cursor || asked.has(page.cursor) || page.items.length === 0) return [...ledgers.values()];
    if (pages >= MAX_LEDGER_PAGES) {
      throw new ConnectorError(
        'protocol',
        `${VIPPS_NAME} kept sending more ledgers after ${pages} pages; stopped to avoid a loop.`,
      );
    }
    asked.add(page.cursor);
    cursor = page.cursor;
  }
}

/**
 * Report feed. The spec: `cursor` is always there and never empty, you retry the same cursor later,
 * and `tryLater` marks the end. So `tryLater`, or the cursor we sent coming back, means caught up,
 * whatever the page holds; a cursor from earlier in this run coming back would be a loop.
 */
export async function* reportFeed(
  http: ProviderHttp,
  ledgerId: string,
  topic: ReportTopic,
  from: string | null,
): AsyncGenerator<Page> {
  const guard = new PagingGuard(VIPPS_NAME, `the ${topic} feed of ledger ${ledgerId}`);
  let cursor = from;
  if (cursor) guard.next(cursor);
  for (;;) {
    const res = await http.request('GET', `report/v2/ledgers/${seg(ledgerId)}/${topic}/feed`, {
      searchParams: { cursor: cursor ?? undefined },
    });
    const page = parseEnvelope(ReportFeedPage, res.data, VIPPS_NAME, `${topic} feed page`);
    const last = page.tryLater === true || page.cursor === cursor;
    if (!last) guard.next(page.cursor);
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
 * A 404 is "not available yet": the date yields one empty, open, last page. The empty pages that may
 * follow `hasMore` are taken a few in a row, no more; a cursor already asked for is a loop.
 */
export async function* reportDate(
  http: ProviderHttp,
  ledgerId: string,
  topic: ReportTopic,
  date: string,
  pageSize?: number,
): AsyncGenerator<Page> {
  let cursor: string | undefined;
  const guard = new PagingGuard(VIPPS_NAME, `the ${topic} report of ledger ${ledgerId} for ${date}`);
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
    const last = page.hasMore !== true;
    if (!last) {
      guard.next(page.cursor ?? '');
      guard.more(page.items.length, EMPTY_DATE_PAGES_TOLERATED);
    }
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

async function* salesPages(
  http: ProviderHttp,
  path: string,
  from: string | null,
  listing: string,
): AsyncGenerator<Page> {
  const guard = new PagingGuard(VIPPS_NAME, listing);
  let cursor = from;
  if (cursor) guard.next(cursor);
  for (;;) {
    const res = await http.request('GET', path, {
      searchParams: { cursor: cursor ?? undefined, pageSize: SALES_PAGE_SIZE },
    });
    const page = parseEnvelope(SalesPage, res.data, VIPPS_NAME, 'sales page');
    guard.size(page.items.length, SALES_PAGE_SIZE);
    const next = page.cursor || null;
    // The guide has `hasMore` on the date endpoint only; without it, a short page is the end.
    const more = page.hasMore ?? page.items.length >= SALES_PAGE_SIZE;
    const last = !more || next === null;
    if (!last) {
      guard.next(next);
      guard.more(page.items.length);
    }
    yield { items: page.items, cursor: next ?? cursor, last, tryLater: false };
    if (last) return;
    cursor = next;
  }
}

export function salesFeed(http: ProviderHttp, ledgerId: string, from: string | null): AsyncGenerator<Page> {
  return salesPages(
    http,
    `sales/report/v1/ledgers/${seg(ledgerId)}`,
    from,
    `the sales feed of ledger ${ledgerId}`,
  );
}

export function salesDate(http: ProviderHttp, ledgerId: string, date: string): AsyncGenerator<Page> {
  return salesPages(
    http,
    `sales/report/v1/ledgers/${seg(ledgerId)}/dates/${seg(date)}`,
    null,
    `the sales of ledger ${ledgerId} for ${date}`,
  );
}
