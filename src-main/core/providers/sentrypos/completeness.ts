import type { DayCompleteness, RecordOutcome } from '../connector.ts';
import { minorToDecimal } from '../../model/money.ts';
import type { SummaryDay } from './wire.ts';

export interface DayTally {
  count: number;
  /** Sum over every status, and over COMPLETED only: the page does not say which the summary sums. */
  allCents: number;
  completedCents: number;
}

/** The provider's day of a sale: the UTC date of `createdAt` (the summary groups by UTC day). */
export function saleDay(raw: unknown): string | null {
  const createdAt = (raw as { createdAt?: unknown } | null)?.createdAt;
  if (typeof createdAt !== 'string') return null;
  const ms = Date.parse(createdAt);
  return Number.isNaN(ms) ? null : new Date(ms).toISOString().slice(0, 10);
}

/** Tallies what this run holds per provider day; quarantined records count (they are missing from the cache's sums). */
export function tally(into: Map<string, DayTally>, outcomes: readonly RecordOutcome[]): void {
  for (const o of outcomes) {
    const day = saleDay(o.ok ? o.record.raw : o.raw);
    if (!day) continue;
    const t = into.get(day) ?? { count: 0, allCents: 0, completedCents: 0 };
    t.count++;
    if (o.ok) {
      t.allCents += o.record.amountMinor;
      if (o.record.status === 'completed') t.completedCents += o.record.amountMinor;
    } else {
      t.allCents = Number.NaN; // an unreadable amount: the day cannot be proven complete
      t.completedCents = Number.NaN;
    }
    into.set(day, t);
  }
}

export function matches(ours: DayTally | undefined, theirs: SummaryDay | undefined): boolean {
  const count = ours?.count ?? 0;
  if (count !== (theirs?.transactions ?? 0)) return false;
  const amount = theirs?.amountCents ?? 0;
  return count === 0 || amount === ours?.completedCents || amount === ours?.allCents;
}

/** Our count and total against SentryPOS's, in words for the sync report. */
export function judgeDay(
  stream: string,
  day: string,
  ours: DayTally | undefined,
  theirs: SummaryDay | undefined,
  currency: string,
  opts: { open: boolean; partialReason: string | null },
): DayCompleteness {
  const count = ours?.count ?? 0;
  const sum = (c: number) => (Number.isNaN(c) ? 'unreadable' : minorToDecimal(c, currency));
  const detail = `we hold ${count} sales (${sum(ours?.completedCents ?? 0)} completed); SentryPOS reports ${theirs?.transactions ?? 0} (${sum(theirs?.amountCents ?? 0)})`;
  if (opts.open) return { stream, date: day, state: 'open', detail };
  if (opts.partialReason)
    return { stream, date: day, state: 'partial', detail: `${opts.partialReason}; ${detail}` };
  return { stream, date: day, state: matches(ours, theirs) ? 'complete' : 'partial', detail };
}
