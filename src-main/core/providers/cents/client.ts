import type { StreamContext, StreamDefinition, StreamPage } from '../connector.ts';
import { readThrough, writeThrough } from '../shared/bookmark.ts';
import { addDays, startDate } from '../shared/days.ts';
import { PagingGuard } from '../shared/paging-guard.ts';
import { parseEnvelope, RunDedupe } from '../shared/records.ts';
import type { ProviderHttp } from '../shared/provider-http.ts';
import { CENTS_NAME, centsConfigSchema } from './config.ts';
import { centsOutcome } from './normalize.ts';
import { CentsPage } from './wire.ts';

export const LIST_PATH = 'auth/payment-gateway/transactions';
const PAGE_LIMIT = 100;
/**
 * Keyset lists that filter as they scan (Cents' keys look like DynamoDB's) can send an empty page
 * with a key to go on; a few in a row are taken, more are a loop.
 */
const EMPTY_PAGES_TOLERATED = 3;

export interface CentsListPage {
  records: unknown[];
  /** The next page's `start_key`; null at the end (Cents sends an empty `last_key`). */
  next: string | null;
  /** The `limit` this page was asked with. */
  asked: number;
}

/**
 * One list request. Cents takes one filter at a time (company, external id, or dates), so the sync
 * filters by `start_date` only; `start_key` is paging, not a filter.
 */
export async function listPage(
  http: ProviderHttp,
  q: { startDate: string | null; startKey: string | null; limit?: number },
): Promise<CentsListPage> {
  const res = await http.request('GET', LIST_PATH, {
    searchParams: {
      limit: q.limit ?? PAGE_LIMIT,
      start_date: q.startDate ?? undefined,
      start_key: q.startKey ?? undefined,
    },
  });
  const page = parseEnvelope(CentsPage, res.data, CENTS_NAME, 'transaction list');
  return { records: page.data, next: page.last_key ? page.last_key : null, asked: q.limit ?? PAGE_LIMIT };
}

/**
 * Bookmark `{"through":"YYYY-MM-DD"}` after a finished run, plus `resume: {from, key}` while a run is
 * under way, so a crash resumes at the last committed page of the same listing.
 */
interface Resume {
  from: string | null;
  key: string;
}

function readResume(bookmark: string | null): Resume | null {
  if (!bookmark) return null;
  try {
    const r = (JSON.parse(bookmark) as { resume?: Partial<Resume> }).resume;
    return r && typeof r.key === 'string' && r.key
      ? { from: typeof r.from === 'string' ? r.from : null, key: r.key }
      : null;
  } catch {
    return null;
  }
}

/**
 * The date filter is on the creation date and changes (refunds, disputes) do not move a record, so
 * each run lists from the bookmark minus the lookback. One extra day covers the gap between the
 * shop's calendar and whatever zone Cents filters dates in.
 */
function firstQuery(ctx: StreamContext, bookmark: string | null): Resume | { from: string; key: null } {
  const resume = ctx.window.since ? null : readResume(bookmark);
  if (resume) return resume;
  const { historyDays } = centsConfigSchema.parse(ctx.connection.config);
  return { from: addDays(startDate(ctx.window, readThrough(bookmark), historyDays), -1), key: null };
}

export const transactionsStream: StreamDefinition = {
  name: 'transactions',
  async *pages(ctx, bookmark): AsyncGenerator<StreamPage> {
    const through = readThrough(bookmark);
    const rc = { connectionId: ctx.connection.id, shopTimeZone: ctx.shopTimeZone };
    const dedupe = new RunDedupe();
    const q = firstQuery(ctx, bookmark);
    const guard = new PagingGuard(CENTS_NAME, `the transactions from ${q.from ?? 'the start'}`);
    let key = q.key;
    if (key) guard.next(key, 'last_key');
    for (;;) {
      const page = await listPage(ctx.http, { startDate: q.from, startKey: key });
      guard.size(page.records.length, page.asked);
      const outcomes = dedupe.keep(page.records.map((raw) => centsOutcome(raw, rc)));
      if (page.next === null) {
        yield { outcomes, bookmark: writeThrough(ctx.window.today, through) };
        return;
      }
      guard.next(page.next, 'last_key');
      guard.more(page.records.length, EMPTY_PAGES_TOLERATED);
      key = page.next;
      yield { outcomes, bookmark: JSON.stringify({ through, resume: { from: q.from, key } }) };
    }
  },
};
