import type { DayCompleteness, StreamContext, StreamDefinition, StreamPage } from '../connector.ts';
import { addDays } from '../shared/days.ts';
import { RunDedupe } from '../shared/records.ts';
import { dateIsOpen, listLedgers, reportDate, reportFeed, salesDate, salesFeed } from './client.ts';
import { vippsConfigSchema } from './config.ts';
import { reportOutcome, salesOutcome, type ReportTopic, type VippsRecordContext } from './normalize.ts';

/**
 * Bookmark, per ledger: the feed cursor, and (Report API) the ledger dates still open when the last
 * run ended. `{"v":1,"ledgers":{"302321":{"cursor":"…","open":["2026-03-29"]}}}`. An unreadable
 * bookmark counts as none: the feed is read from the start again, which duplicates nothing.
 */
interface LedgerMark {
  cursor: string | null;
  open: string[];
}
type Marks = Record<string, LedgerMark>;

export function readMarks(bookmark: string | null): Marks {
  if (!bookmark) return {};
  try {
    const doc = JSON.parse(bookmark) as { v?: unknown; ledgers?: unknown };
    if (doc.v !== 1 || doc.ledgers === null || typeof doc.ledgers !== 'object') return {};
    const marks: Marks = {};
    for (const [id, m] of Object.entries(doc.ledgers as Record<string, Partial<LedgerMark>>)) {
      marks[id] = {
        cursor: typeof m.cursor === 'string' && m.cursor ? m.cursor : null,
        open: Array.isArray(m.open) ? m.open.filter((d): d is string => typeof d === 'string') : [],
      };
    }
    return marks;
  } catch {
    return {};
  }
}

const writeMarks = (marks: Marks): string => JSON.stringify({ v: 1, ledgers: marks });

async function ledgerIds(ctx: StreamContext): Promise<string[]> {
  const config = vippsConfigSchema.parse(ctx.connection.config);
  if (config.ledgerId) return [config.ledgerId];
  return (await listLedgers(ctx.http)).map((l) => l.ledgerId);
}

function datesFrom(since: string | null, today: string): string[] {
  const dates: string[] = [];
  for (let d = since; d !== null && d <= today; d = addDays(d, 1)) dates.push(d);
  return dates;
}

const recordContext = (ctx: StreamContext, ledgerId: string): VippsRecordContext => ({
  connectionId: ctx.connection.id,
  ledgerId,
  shopTimeZone: ctx.shopTimeZone,
});

/**
 * Funds or fees. Per ledger: first the dates that were open at the end of the last run (and, with
 * `--since`, every date from then) are read again in full through the date endpoint, whose `tryLater`
 * says whether each is closed now; then the feed continues from its cursor until `tryLater` says it is
 * caught up; last, every date the feed touched (and today) is asked once whether it is closed. Dates
 * still open go into the bookmark, to be read again next run: that is the Vipps lookback.
 */
export function reportStream(topic: ReportTopic): StreamDefinition {
  return {
    name: topic,
    async *pages(ctx, bookmark): AsyncGenerator<StreamPage> {
      const marks = readMarks(bookmark);
      const today = ctx.window.today;
      const dedupe = new RunDedupe();
      for (const ledgerId of await ledgerIds(ctx)) {
        const mark = (marks[ledgerId] ??= { cursor: null, open: [] });
        const rc = recordContext(ctx, ledgerId);
        const open = new Set(mark.open);
        const decided = new Set<string>();
        const save = () => {
          mark.open = [...open].sort();
          return writeMarks(marks);
        };
        const status = (date: string, isOpen: boolean): DayCompleteness => {
          decided.add(date);
          if (isOpen) open.add(date);
          else open.delete(date);
          return { stream: topic, date, state: isOpen ? 'open' : 'complete', detail: `ledger ${ledgerId}` };
        };

        const reread = [...new Set([...open, ...datesFrom(ctx.window.since, today)])].sort();
        for (const date of reread.filter((d) => d <= today)) {
          let stillOpen = false;
          for await (const page of reportDate(ctx.http, ledgerId, topic, date)) {
            stillOpen ||= page.tryLater;
            const outcomes = dedupe.keep(page.items.map((raw) => reportOutcome(raw, topic, rc)));
            if (!page.last) yield { outcomes, bookmark: null };
            else yield { outcomes, completeness: [status(date, stillOpen)], bookmark: save() };
          }
        }

        const touched = new Set<string>();
        for await (const page of reportFeed(ctx.http, ledgerId, topic, mark.cursor)) {
          const outcomes = dedupe.keep(page.items.map((raw) => reportOutcome(raw, topic, rc)));
          for (const o of outcomes) {
            const date = o.ok ? o.record.ledgerDate : null;
            // Until asked, a date the feed touched counts as open: a crash now re-reads it next run.
            if (date && !decided.has(date)) {
              touched.add(date);
              open.add(date);
            }
          }
          mark.cursor = page.cursor;
          yield { outcomes, bookmark: save() };
        }

        const completeness: DayCompleteness[] = [];
        for (const date of [...new Set([...touched, today])].sort()) {
          if (decided.has(date) || date > today) continue;
          completeness.push(status(date, await dateIsOpen(ctx.http, ledgerId, topic, date)));
        }
        yield { outcomes: [], completeness, bookmark: save() };
      }
    },
  };
}

/**
 * Sales API feed by cursor. With `--since`, the dates from then are read through the date endpoint
 * first. The Sales API takes accounting-partner keys only: with merchant keys there is nothing to read.
 */
export const salesStream: StreamDefinition = {
  name: 'sales',
  async *pages(ctx, bookmark): AsyncGenerator<StreamPage> {
    if (vippsConfigSchema.parse(ctx.connection.config).keyFlow !== 'partner') return;
    const marks = readMarks(bookmark);
    const dedupe = new RunDedupe();
    for (const ledgerId of await ledgerIds(ctx)) {
      const mark = (marks[ledgerId] ??= { cursor: null, open: [] });
      const rc = recordContext(ctx, ledgerId);
      for (const date of datesFrom(ctx.window.since, ctx.window.today)) {
        for await (const page of salesDate(ctx.http, ledgerId, date)) {
          yield { outcomes: dedupe.keep(page.items.map((raw) => salesOutcome(raw, rc))), bookmark: null };
        }
      }
      for await (const page of salesFeed(ctx.http, ledgerId, mark.cursor)) {
        mark.cursor = page.cursor;
        yield {
          outcomes: dedupe.keep(page.items.map((raw) => salesOutcome(raw, rc))),
          bookmark: writeMarks(marks),
        };
      }
    }
  },
};
