import { DateTime } from 'luxon';

export const PERIOD_PRESETS = [
  'today',
  'yesterday',
  'last7',
  'last30',
  'thisMonth',
  'lastMonth',
  'custom',
] as const;
export type PeriodPreset = (typeof PERIOD_PRESETS)[number];

export interface ResolvedPeriod {
  preset: PeriodPreset;
  from: string;
  to: string;
  /** Days in the period, both ends included. */
  days: number;
  /** The same number of days just before `from`: what every figure is compared with. */
  previousFrom: string;
  previousTo: string;
  /** Today in the shop's zone: a period reaching it holds an unfinished day. */
  today: string;
}

const iso = (d: DateTime) => d.toISODate() ?? '';
const day = (text: string) => DateTime.fromISO(text, { zone: 'utc' });

/** Every business date from `from` to `to`, both included. */
export function datesBetween(from: string, to: string): string[] {
  const out: string[] = [];
  for (let d = day(from), end = day(to); d <= end; d = d.plus({ days: 1 })) out.push(iso(d));
  return out;
}

/**
 * A preset (or a custom range) as business dates in the shop's zone, never the machine's. "This
 * month" runs to today, and its previous period is as many days before it (not the whole of last
 * month), so a comparison on the 5th compares five days with five days.
 */
export function resolvePeriod(
  input: { preset: PeriodPreset; from?: string | null; to?: string | null },
  timeZone: string,
  now: Date = new Date(),
): ResolvedPeriod {
  const today = DateTime.fromJSDate(now)
    .setZone(timeZone)
    .startOf('day')
    .setZone('utc', { keepLocalTime: true });
  let from: DateTime;
  let to: DateTime;
  switch (input.preset) {
    case 'today':
      from = to = today;
      break;
    case 'yesterday':
      from = to = today.minus({ days: 1 });
      break;
    case 'last7':
      [from, to] = [today.minus({ days: 6 }), today];
      break;
    case 'last30':
      [from, to] = [today.minus({ days: 29 }), today];
      break;
    case 'thisMonth':
      [from, to] = [today.startOf('month'), today];
      break;
    case 'lastMonth':
      from = today.minus({ months: 1 }).startOf('month');
      to = from.endOf('month').startOf('day');
      break;
    case 'custom':
      if (!input.from || !input.to) throw new RangeError('A custom period needs a first and a last day');
      [from, to] = [day(input.from), day(input.to)];
      if (to < from) throw new RangeError('The period ends before it starts');
      break;
  }
  const days = Math.round(to.diff(from, 'days').days) + 1;
  return {
    preset: input.preset,
    from: iso(from),
    to: iso(to),
    days,
    previousFrom: iso(from.minus({ days })),
    previousTo: iso(from.minus({ days: 1 })),
    today: iso(today),
  };
}
