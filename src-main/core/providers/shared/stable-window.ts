import type { DayCompleteness, StreamPage, SyncWindow } from '../connector.ts';
import { readThrough, writeThrough } from './bookmark.ts';
import { addDays, dayChunks, minDate, startDate } from './days.ts';

/** One provider page inside a date window, as the connector's pager reports it. */
export interface WindowPage<P> {
  page: P;
  records: readonly unknown[];
  /** The provider's count of records in the whole window, if it reports one. */
  total: number | null;
  last: boolean;
}

export interface WindowStep<P> {
  page: P;
  /** The window is finished: no further page of it follows. */
  windowDone: boolean;
  /** It finished with a steady count and every record counted: its dates may be bookmarked. */
  complete: boolean;
}

/**
 * Pages through one date window. Offset and page-number paging shift when records are inserted or
 * removed while we read (late refunds, status filters), so a window whose total moved, or whose
 * records do not add up to the total, is read again, up to `attempts` times; the caller de-duplicates.
 */
export async function* pageWindowStably<P>(
  fetchAll: () => AsyncIterable<WindowPage<P>>,
  attempts = 3,
): AsyncGenerator<WindowStep<P>> {
  for (let attempt = 1; ; attempt++) {
    let firstTotal: number | null | undefined;
    let received = 0;
    let steady = true;
    let finished = false;
    let sawLast = false;
    for await (const p of fetchAll()) {
      if (firstTotal === undefined) firstTotal = p.total;
      else if (p.total !== firstTotal) steady = false;
      received += p.records.length;
      const complete = p.last && steady && (p.total === null || received === p.total);
      finished = p.last && (complete || attempt >= attempts);
      yield { page: p.page, windowDone: finished, complete };
      if (p.last) {
        sawLast = true;
        break;
      }
    }
    // A pager that ended without a last page has nothing more to give; never loop on it.
    if (finished || !sawLast) return;
  }
}

export interface DateWindowSync {
  /** The stream's name, for the day completeness the windows report. */
  stream: string;
  bookmark: string | null;
  window: SyncWindow;
  historyDays: number;
  windowDays: number;
  /** The last date (in the provider's date terms) that is over: bookmarks never pass it. */
  lastClosed: string;
  /** The last date to fetch (today, or tomorrow where provider dates are UTC and the shop is west of it). */
  endDate: string;
  pagesOf(w: { from: string; to: string }): AsyncIterable<WindowPage<StreamPage>>;
}

/**
 * The outer loop of a date-filtered stream: windows of `windowDays` from the start date on, each read
 * stably, with the `{"through"}` bookmark on a window's last page once every page of it was yielded.
 * A window that never read steadily holds the bookmark where it was for the rest of the run.
 * Each window's days get a completeness verdict: the provider's own count for the window is the
 * only total these APIs give, so a steady, fully counted window makes its closed days `complete`.
 */
export async function* syncByDateWindows(opts: DateWindowSync): AsyncGenerator<StreamPage> {
  const previous = readThrough(opts.bookmark);
  const from = startDate(opts.window, previous, opts.historyDays);
  let held = false;
  for (const w of dayChunks(from, opts.endDate, opts.windowDays)) {
    for await (const step of pageWindowStably(() => opts.pagesOf(w))) {
      if (step.windowDone) {
        held ||= !step.complete;
        if (!held && w.from <= opts.lastClosed)
          step.page.bookmark = writeThrough(minDate(w.to, opts.lastClosed), previous);
        step.page.completeness = windowCompleteness(opts.stream, w, opts.lastClosed, step.complete);
      }
      yield step.page;
    }
  }
}

function windowCompleteness(
  stream: string,
  w: { from: string; to: string },
  lastClosed: string,
  complete: boolean,
): DayCompleteness[] {
  const out: DayCompleteness[] = [];
  for (let date = w.from; date <= w.to; date = addDays(date, 1)) {
    const state = date > lastClosed ? 'open' : complete ? 'complete' : 'partial';
    const detail = complete
      ? `every record the provider counts for ${w.from}…${w.to} was read`
      : `the provider's count for ${w.from}…${w.to} kept changing while we read it`;
    out.push({ stream, date, state, detail });
  }
  return out;
}
