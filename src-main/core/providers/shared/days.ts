import { DateTime } from 'luxon';
import type { SyncWindow } from '../connector.ts';

/** Calendar arithmetic on `YYYY-MM-DD` strings; the dates carry no zone, so UTC keeps it exact. */
export function addDays(date: string, days: number): string {
  return DateTime.fromISO(date, { zone: 'utc' }).plus({ days }).toISODate() ?? date;
}

export function maxDate(a: string, b: string): string {
  return a > b ? a : b;
}

export function minDate(a: string, b: string): string {
  return a < b ? a : b;
}

/** Consecutive runs of at most `size` days covering `from`..`to` inclusive, oldest first. */
export function dayChunks(from: string, to: string, size: number): { from: string; to: string }[] {
  const out: { from: string; to: string }[] = [];
  for (let d = from; d <= to; d = addDays(d, size))
    out.push({ from: d, to: minDate(addDays(d, size - 1), to) });
  return out;
}

/**
 * The last UTC calendar day that is certainly over, given only the shop's date: the UTC day that holds
 * the shop's midnight may still be running. Providers whose date filters are UTC days use this.
 */
export function lastClosedUtcDay(today: string, shopZone: string): string {
  const shopMidnight = DateTime.fromISO(today, { zone: shopZone }).startOf('day').toUTC();
  return addDays(shopMidnight.toISODate() ?? today, -1);
}

/**
 * The UTC calendar day in which the shop's `today` ends: today itself east of UTC, the next day west of
 * it. Providers filtering by UTC days fetch up to here; later UTC days hold none of the shop's sales yet.
 */
export function lastUtcDayOfShopDay(today: string, shopZone: string): string {
  return DateTime.fromISO(today, { zone: shopZone }).endOf('day').toUTC().toISODate() ?? today;
}

/** Where a run starts: `--since`, else the bookmark minus the lookback, else `historyDays` of history. */
export function startDate(window: SyncWindow, through: string | null, historyDays: number): string {
  if (window.since) return window.since;
  if (through) return minDate(addDays(through, -window.lookbackDays), window.today);
  return addDays(window.today, -historyDays);
}

/** Start of a shop-zone day as a UTC ISO instant without milliseconds (`2024-01-01T23:00:00Z`). */
export function zoneDayStartUtc(date: string, zone: string): string {
  return DateTime.fromISO(date, { zone }).startOf('day').toUTC().toFormat("yyyy-MM-dd'T'HH:mm:ss'Z'");
}
