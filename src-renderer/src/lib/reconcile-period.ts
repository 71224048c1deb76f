export type PeriodId = 'yesterday' | 'week' | 'month' | 'all';

export const PERIODS: { id: PeriodId; label: string }[] = [
  { id: 'yesterday', label: 'Yesterday' },
  { id: 'week', label: 'Last 7 days' },
  { id: 'month', label: 'Last 30 days' },
  { id: 'all', label: 'Every day' },
];

/** Today's date in the shop's zone (YYYY-MM-DD): business dates are computed there, not on this machine. */
export function shopToday(timeZone: string | undefined, now: Date = new Date()): string {
  try {
    return new Intl.DateTimeFormat('en-CA', {
      timeZone,
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
    }).format(now);
  } catch {
    return now.toISOString().slice(0, 10);
  }
}

/** Adds whole days to a business date as a calendar date, never through a local clock. */
export function addDays(date: string, days: number): string {
  const d = new Date(`${date}T12:00:00Z`);
  d.setUTCDate(d.getUTCDate() + days);
  return d.toISOString().slice(0, 10);
}

export function periodRange(id: PeriodId, today: string): { from: string | null; to: string | null } {
  switch (id) {
    case 'yesterday':
      return { from: addDays(today, -1), to: addDays(today, -1) };
    case 'week':
      return { from: addDays(today, -6), to: today };
    case 'month':
      return { from: addDays(today, -29), to: today };
    default:
      return { from: null, to: null };
  }
}

/** A UTC instant moved by whole hours, as an ISO string. */
export function shiftInstant(instant: string, hours: number): string {
  return new Date(Date.parse(instant) + hours * 3_600_000).toISOString();
}
