import { DateTime } from 'luxon';

/**
 * Times as a person reads them: a business date is already the shop's day and reads as the reader's
 * locale writes dates; an instant is shown in the shop's time zone, never the machine's, with the zone
 * named, since the same clock time means another moment elsewhere. `locale` undefined is the
 * runtime's default. Machine output (--json, files) keeps ISO UTC instead.
 */
export function formatBusinessDate(date: string, locale?: string): string {
  const dt = DateTime.fromISO(date, { zone: 'utc', locale });
  return dt.isValid ? dt.toLocaleString(DateTime.DATE_SHORT) : date;
}

/** `14.36, 1.12.2026 (Europe/Oslo)` in nb-NO; `12/1/26, 2:36 PM (Europe/Oslo)` in en-US. */
export function formatShopTime(iso: string, timeZone: string, locale?: string): string {
  const dt = DateTime.fromISO(iso, { setZone: false, locale }).setZone(timeZone);
  if (!dt.isValid) return iso;
  return `${dt.toLocaleString(DateTime.DATETIME_SHORT)} (${timeZone})`;
}

/**
 * The reader's locale from a POSIX environment (LC_ALL, then LC_TIME, then LANG: `nb_NO.UTF-8` →
 * `nb-NO`); undefined for C/POSIX or nothing set, which leaves the runtime's default.
 */
export function localeFromEnv(env: Record<string, string | undefined>): string | undefined {
  const raw = env.LC_ALL || env.LC_TIME || env.LANG;
  const tag = raw?.split(/[.@]/)[0]?.replace('_', '-');
  if (!tag || tag === 'C' || tag === 'POSIX') return undefined;
  try {
    return Intl.DateTimeFormat.supportedLocalesOf([tag])[0];
  } catch {
    return undefined;
  }
}
