import { isIsoDate } from '../model/time.ts';

/** A closed range of business dates in the shop's zone; exports never run open-ended. */
export interface ExportPeriod {
  from: string;
  to: string;
}

export class PeriodError extends Error {}

/** The longest period one export covers: a year and a bit, so a typo (2062) is caught, not run. */
const MAX_DAYS = 400;

export function checkPeriod(from: string | undefined | null, to: string | undefined | null): ExportPeriod {
  if (!from || !to)
    throw new PeriodError(
      `An export needs both ends of its period: --from ${from ?? '?'} --to ${to ?? '?'} (for example --from 2026-10-01 --to 2026-10-31).`,
    );
  for (const [name, d] of [
    ['from', from],
    ['to', to],
  ] as const)
    if (!isIsoDate(d)) throw new PeriodError(`--${name} ${d} is not a date written YYYY-MM-DD.`);
  if (from > to) throw new PeriodError(`The period ends (${to}) before it starts (${from}).`);
  const days = (Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / 86_400_000 + 1;
  if (days > MAX_DAYS)
    throw new PeriodError(`The period is ${days} days long; one export covers at most ${MAX_DAYS} days.`);
  return { from, to };
}

/** The last full calendar month before `today` (a shop-zone date). */
export function lastFullMonth(today: string): ExportPeriod {
  const [y, m] = today.split('-').map(Number) as [number, number];
  const first = new Date(Date.UTC(y, m - 2, 1));
  const last = new Date(Date.UTC(y, m - 1, 0));
  return { from: first.toISOString().slice(0, 10), to: last.toISOString().slice(0, 10) };
}
