import type { DayCompleteness, RecordOutcome, StreamContext, StreamPage } from '../connector.ts';
import { readThrough, writeThrough } from '../shared/bookmark.ts';
import { addDays, lastClosedUtcDay, lastUtcDayOfShopDay, minDate, startDate } from '../shared/days.ts';
import { PagingGuard } from '../shared/paging-guard.ts';
import { parseEnvelope, RunDedupe } from '../shared/records.ts';
import { judgeDay, matches, tally, type DayTally } from './completeness.ts';
import type { SentryPosConfig } from './config.ts';
import { normalizeSale } from './normalize.ts';
import { SalesPage, SummaryResponse, type SummaryDay } from './wire.ts';

export const SENTRYPOS_NAME = 'SentryPOS';
export const SALES_PATH = 'public/api/v1/sales';
export const SUMMARY_PATH = 'public/api/v1/sales/summary';
export const SALES_STREAM = 'sales';
/** Long windows would hold the bookmark back for a whole month of history; a month is plenty. */
const MAX_WINDOW_DAYS = 31;

/** A date range as sent (`startDate`/`endDate`) plus its bounds in ms; `days` is set for whole UTC days. */
interface Slice {
  startDate: string;
  endDate: string;
  fromMs: number;
  toMs: number;
  days: [string, string] | null;
}

const isoSecond = (ms: number) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
const utcDay = (ms: number) => new Date(ms).toISOString().slice(0, 10);

function daySlice(from: string, to: string): Slice {
  return {
    startDate: from,
    endDate: to,
    fromMs: Date.parse(`${from}T00:00:00Z`),
    toMs: Date.parse(`${to}T23:59:59.999Z`),
    days: [from, to],
  };
}

function timeSlice(
  fromMs: number,
  toMs: number,
  startDate = isoSecond(fromMs),
  endDate = isoSecond(toMs),
): Slice {
  return { startDate, endDate, fromMs, toMs, days: null };
}

/** `createdAt` of each record as sent, in page order (unreadable ones left out). */
function createdTimes(records: readonly unknown[]): { ms: number; raw: string }[] {
  const out: { ms: number; raw: string }[] = [];
  for (const r of records) {
    const raw = (r as { createdAt?: unknown } | null)?.createdAt;
    const ms = typeof raw === 'string' ? Date.parse(raw) : Number.NaN;
    if (typeof raw === 'string' && !Number.isNaN(ms)) out.push({ ms, raw });
  }
  return out;
}

function order(times: readonly { ms: number }[]): 'desc' | 'asc' | 'mixed' {
  let desc = true;
  let asc = true;
  for (let i = 1; i < times.length; i++) {
    const a = times[i - 1]?.ms ?? 0;
    const b = times[i]?.ms ?? 0;
    if (b > a) desc = false;
    if (b < a) asc = false;
  }
  return times.length === 0 ? 'mixed' : desc ? 'desc' : asc ? 'asc' : 'mixed';
}

/** Consecutive days grouped so each group's summary count fits one request: windows sized from the summary. */
export function planWindows(
  from: string,
  to: string,
  counts: ReadonlyMap<string, number>,
  limit: number,
): { from: string; to: string }[] {
  const out: { from: string; to: string }[] = [];
  let cur: { from: string; to: string; n: number; days: number } | null = null;
  for (let d = from; d <= to; d = addDays(d, 1)) {
    const n = counts.get(d) ?? 0;
    if (cur && cur.n + n <= limit && cur.days < MAX_WINDOW_DAYS) {
      cur.to = d;
      cur.n += n;
      cur.days++;
    } else {
      if (cur) out.push({ from: cur.from, to: cur.to });
      cur = { from: d, to: d, n, days: 1 };
    }
  }
  if (cur) out.push({ from: cur.from, to: cur.to });
  return out;
}

/** Splits a multi-day range where the summary says half the records lie (by days if it says nothing). */
function splitDays(
  [from, to]: [string, string],
  counts: ReadonlyMap<string, number>,
): [[string, string], [string, string]] {
  const days: string[] = [];
  for (let d = from; d <= to; d = addDays(d, 1)) days.push(d);
  const total = days.reduce((s, d) => s + (counts.get(d) ?? 0), 0);
  let cut = Math.floor((days.length - 1) / 2);
  if (total > 0) {
    let acc = 0;
    cut = days.findIndex((d) => (acc += counts.get(d) ?? 0) * 2 >= total);
    cut = Math.min(Math.max(cut, 0), days.length - 2);
  }
  return [
    [from, days[cut] ?? from],
    [days[cut + 1] ?? to, to],
  ];
}

/**
 * The sales stream. SentryPOS answers `hasMore` but offers no offset or cursor, so the only way to
 * the rest is a narrower date range. One summary request sizes the day windows up front (economy
 * under 60 requests a minute); a window that still has more is split by days where its records lie,
 * and a single day is narrowed by time along the edge of what came back (newest first: the next
 * range ends at the oldest record received). Each closed day is then checked against the summary.
 */
export class SentryPosSalesSync {
  private readonly dedupe = new RunDedupe();
  private readonly guard = new PagingGuard(SENTRYPOS_NAME, 'the sales list');
  private readonly tallies = new Map<string, DayTally>();
  private readonly partial = new Map<string, string>();
  private counts = new Map<string, number>();
  private totalHint = 0;
  private readonly ctx: StreamContext;
  private readonly config: SentryPosConfig;
  private readonly currency: string;

  constructor(ctx: StreamContext, config: SentryPosConfig) {
    this.ctx = ctx;
    this.config = config;
    this.currency = config.currency ?? ctx.shopCurrency;
  }

  async summary(from: string, to: string): Promise<Map<string, SummaryDay>> {
    const { data } = await this.ctx.http.request('GET', SUMMARY_PATH, {
      searchParams: { startDate: from, endDate: to, groupBy: 'day' },
    });
    const summary = parseEnvelope(SummaryResponse, data, SENTRYPOS_NAME, 'sales summary');
    return new Map(summary.dailyBreakdown.map((d) => [d.date.slice(0, 10), d]));
  }

  async *pages(bookmark: string | null): AsyncGenerator<StreamPage> {
    const previous = readThrough(bookmark);
    const { window, shopTimeZone } = this.ctx;
    const from = startDate(window, previous, this.config.historyDays);
    const to = lastUtcDayOfShopDay(window.today, shopTimeZone);
    const lastClosed = lastClosedUtcDay(window.today, shopTimeZone);
    let summary = await this.summary(from, to);
    this.counts = new Map([...summary].map(([d, s]) => [d, s.transactions]));
    this.totalHint = [...this.counts.values()].reduce((a, b) => a + b, 0);
    let held = false;
    for (const w of planWindows(from, to, this.counts, this.config.pageLimit)) {
      let last: StreamPage | null = null;
      for await (const page of this.fetchSlice(daySlice(w.from, w.to))) {
        if (last) yield last;
        last = page;
      }
      const closedTo = minDate(w.to, lastClosed);
      const mismatched = (day: string) =>
        day <= lastClosed && !this.partial.has(day) && !matches(this.tallies.get(day), summary.get(day));
      if (this.days(w.from, closedTo).some(mismatched)) {
        // A status may have changed since the summary was taken: ask once more for these days.
        summary = new Map([...summary, ...(await this.summary(w.from, closedTo))]);
      }
      const completeness: DayCompleteness[] = this.days(w.from, w.to).map((day) =>
        judgeDay(SALES_STREAM, day, this.tallies.get(day), summary.get(day), this.currency, {
          open: day > lastClosed,
          partialReason: this.partial.get(day) ?? null,
        }),
      );
      held ||= completeness.some((c) => c.state === 'partial');
      const page: StreamPage = last ?? { outcomes: [], bookmark: null };
      page.completeness = completeness;
      if (!held && w.from <= lastClosed) page.bookmark = writeThrough(closedTo, previous);
      yield page;
    }
  }

  private days(from: string, to: string): string[] {
    const out: string[] = [];
    for (let d = from; d <= to; d = addDays(d, 1)) out.push(d);
    return out;
  }

  private async fetch(s: Slice): Promise<{ page: StreamPage; body: SalesPage }> {
    const { data } = await this.ctx.http.request('GET', SALES_PATH, {
      searchParams: { startDate: s.startDate, endDate: s.endDate, limit: this.config.pageLimit },
    });
    const body = parseEnvelope(SalesPage, data, SENTRYPOS_NAME, 'sales page');
    this.guard.size(body.sales.length, this.config.pageLimit);
    if (body.pagination.hasMore) this.guard.more(body.sales.length);
    if (!s.days) this.checkInside(s, body.sales);
    const nctx = {
      connection: this.ctx.connection,
      shopTimeZone: this.ctx.shopTimeZone,
      currency: this.currency,
    };
    const outcomes: RecordOutcome[] = this.dedupe.keep(body.sales.map((r) => normalizeSale(r, nctx)));
    tally(this.tallies, outcomes);
    return { page: { outcomes, bookmark: null, totalHint: this.totalHint }, body };
  }

  private async *fetchSlice(s: Slice): AsyncGenerator<StreamPage> {
    const { page, body } = await this.fetch(s);
    yield page;
    if (!body.pagination.hasMore) return;
    if (s.days && s.days[0] < s.days[1]) {
      const [left, right] = splitDays(s.days, this.counts);
      yield* this.fetchSlice(daySlice(...left));
      yield* this.fetchSlice(daySlice(...right));
      return;
    }
    yield* this.narrow(s, body.sales);
  }

  /** One day (or part of one) with more than a page: narrow the range along the edge of each answer. */
  private async *narrow(first: Slice, records: readonly unknown[]): AsyncGenerator<StreamPage> {
    let current = first;
    let sales = records;
    for (;;) {
      const times = createdTimes(sales);
      const direction = order(times);
      const edge = times[times.length - 1];
      let next: Slice | null = null;
      if (direction === 'mixed' || !edge) {
        // No usable order: bisect the time range instead, down to a second.
        if (current.toMs - current.fromMs < 2000)
          return this.markPartial(current, 'more sales in one second than one request returns');
        const mid = Math.floor((current.fromMs + current.toMs) / 2000) * 1000;
        yield* this.fetchSlice(timeSlice(current.fromMs, mid));
        yield* this.fetchSlice(timeSlice(mid + 1000, current.toMs));
        return;
      }
      // Newest first: everything after the oldest record received is in; ask again up to it (inclusive).
      // createdAt shows whole seconds but the service orders (and bounds) by a finer time, so sales
      // later in the edge's second may not have come yet: the range ends at the end of that second.
      const edgeEnd = /\.\d/.test(edge.raw) ? edge.ms : edge.ms + 1000;
      if (direction === 'desc' && edgeEnd < current.toMs)
        next = timeSlice(
          current.fromMs,
          edgeEnd,
          isoSecond(current.fromMs),
          edgeEnd === edge.ms ? edge.raw : isoSecond(edgeEnd),
        );
      if (direction === 'asc' && edge.ms > current.fromMs)
        next = timeSlice(edge.ms, current.toMs, edge.raw, isoSecond(current.toMs));
      if (!next) return this.markPartial(current, 'more sales at one instant than one request returns');
      const { page, body } = await this.fetch(next);
      yield page;
      if (!body.pagination.hasMore) return;
      current = next;
      sales = body.sales;
    }
  }

  /**
   * A time range's answer must lie inside it (it is exact, unlike a date-only range, whose zone the
   * docs leave open): a server that ignores the range would have us narrow it for ever.
   */
  private checkInside(s: Slice, records: readonly unknown[]): void {
    // createdAt shows whole seconds: a second's slack either side.
    const outside = createdTimes(records).find((t) => t.ms < s.fromMs - 1000 || t.ms > s.toMs + 1000);
    if (outside) {
      this.guard.stop(
        `sent a sale of ${outside.raw} for the range ${s.startDate}…${s.endDate}, as if it ignored the range`,
      );
    }
  }

  private markPartial(s: Slice, reason: string): void {
    for (const day of this.days(utcDay(s.fromMs), utcDay(s.toMs)))
      this.partial.set(day, `SentryPOS has ${reason}, so some are out of reach`);
  }
}
