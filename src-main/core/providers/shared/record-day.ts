import { addDays, minDate } from './days.ts';
import { businessDate, isIsoDate, parseInstant } from '../../model/time.ts';

/**
 * The day to read again for a quarantined record, from the first of `fields` its raw JSON carries in a
 * readable form. A bare date is taken as given. An instant gives the earlier of its UTC day and its
 * shop-zone day: some providers filter by UTC days, others by the shop's, and reading one day too many
 * costs a request where one too few would miss the record. A timestamp without zone is read as UTC
 * and moved a day earlier (its zone is a guess; the re-read runs on to today). Null when none is readable.
 */
export function dayFromFields(raw: unknown, fields: readonly string[], shopTimeZone: string): string | null {
  if (raw === null || typeof raw !== 'object') return null;
  for (const field of fields) {
    const value = (raw as Record<string, unknown>)[field];
    if (typeof value !== 'string') continue;
    const text = value.trim();
    if (isIsoDate(text)) return text;
    try {
      const zoned = /(Z|[+-]\d{2}:?\d{2})$/i.test(text.replace(' ', 'T'));
      const at = parseInstant(text, 'UTC');
      const day = minDate(at.toISODate() ?? '', businessDate(at, shopTimeZone));
      if (!isIsoDate(day)) continue;
      return zoned ? day : addDays(day, -1);
    } catch {
      continue;
    }
  }
  return null;
}
