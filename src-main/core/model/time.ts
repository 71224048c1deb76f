import { DateTime } from 'luxon';

/** IANA zone names as ICU knows them, plus UTC, which `supportedValuesOf` leaves out on some builds. */
export function isTimeZone(zone: string): boolean {
  if (!zone || zone !== zone.trim()) return false;
  try {
    new Intl.DateTimeFormat('en', { timeZone: zone });
    return DateTime.local().setZone(zone).isValid;
  } catch {
    return false;
  }
}

/**
 * Parses a provider timestamp into a UTC instant. Accepts what providers actually send:
 * `…Z` with up to microseconds, `…+0200` (offset without a colon) and `…+02:00`.
 * A string without zone is rejected unless `assumeZone` says which zone the provider means.
 */
export function parseInstant(raw: string, assumeZone?: string): DateTime {
  const text = raw.trim().replace(' ', 'T');
  const hasZone = /(Z|[+-]\d{2}:?\d{2})$/i.test(text);
  if (!hasZone && !assumeZone) throw new RangeError(`Timestamp has no time zone: ${JSON.stringify(raw)}`);
  const dt = DateTime.fromISO(text, { zone: hasZone ? 'utc' : assumeZone, setZone: false });
  if (!dt.isValid) throw new RangeError(`Not a timestamp: ${JSON.stringify(raw)}`);
  return dt.toUTC();
}

export function toUtcIso(dt: DateTime): string {
  return dt.toUTC().toISO({ suppressMilliseconds: false, includeOffset: true }) ?? '';
}

/** The shop's calendar day for an instant: computed in the shop's zone, never the machine's. */
export function businessDate(instant: DateTime, shopZone: string): string {
  return instant.setZone(shopZone).toISODate() ?? '';
}

export function isIsoDate(text: string): boolean {
  return /^\d{4}-\d{2}-\d{2}$/.test(text) && DateTime.fromISO(text, { zone: 'utc' }).isValid;
}
