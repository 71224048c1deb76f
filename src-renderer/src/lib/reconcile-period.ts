import { addDays } from './format.ts';
export type PeriodId = 'yesterday' | 'week' | 'month' | 'all';

export const PERIODS: { id: PeriodId; label: string }[] = [
  { id: 'yesterday', label: 'Yesterday' },
  { id: 'week', label: 'Last 7 days' },
  { id: 'month', label: 'Last 30 days' },
  { id: 'all', label: 'Every day' },
];

// The shop's today and calendar arithmetic are the one clock's (lib/format.ts), shared by every view.
export { addDays, shopToday } from './format.ts';

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
