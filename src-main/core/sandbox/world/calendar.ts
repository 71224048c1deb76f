import { DateTime } from 'luxon';

// Local-date lookups happen for every generated record, so day boundaries in the shop's zone are
// computed once with luxon (which knows the DST rules) and then found by binary search.
export class ShopCalendar {
  readonly timeZone: string;
  private readonly starts: number[] = [];
  private readonly dates: string[] = [];

  constructor(timeZone: string, firstDay: string, lastDay: string) {
    this.timeZone = timeZone;
    let day = DateTime.fromISO(firstDay, { zone: timeZone }).minus({ days: 2 });
    const end = DateTime.fromISO(lastDay, { zone: timeZone }).plus({ days: 60 });
    while (day <= end) {
      this.starts.push(day.startOf('day').toMillis());
      this.dates.push(day.toISODate() ?? '');
      day = day.plus({ days: 1 });
    }
  }

  /** Start of a local date, in epoch ms. */
  startOf(date: string): number {
    const i = this.dates.indexOf(date);
    if (i >= 0) return this.starts[i] ?? 0;
    return DateTime.fromISO(date, { zone: this.timeZone }).startOf('day').toMillis();
  }

  /** The local date (YYYY-MM-DD) in the shop's zone of an instant. */
  dateOf(ms: number): string {
    let lo = 0;
    let hi = this.starts.length - 1;
    if (ms < (this.starts[0] ?? 0) || ms >= (this.starts[hi] ?? 0) + 86_400_000) {
      return DateTime.fromMillis(ms, { zone: this.timeZone }).toISODate() ?? '';
    }
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if ((this.starts[mid] ?? 0) <= ms) lo = mid;
      else hi = mid - 1;
    }
    return this.dates[lo] ?? '';
  }

  /** Local wall-clock time → epoch ms. */
  localToMs(date: string, hour: number, minute: number, second: number, ms = 0): number {
    return DateTime.fromISO(date, { zone: this.timeZone })
      .set({ hour, minute, second, millisecond: ms })
      .toMillis();
  }

  /** `2026-02-15T16:30:00.824993+0100`: Vipps's offset form, without the colon. */
  formatWithOffset(ms: number, micros: number): string {
    const dt = DateTime.fromMillis(ms, { zone: this.timeZone });
    const base = dt.toFormat("yyyy-MM-dd'T'HH:mm:ss");
    const frac = String((ms % 1000) * 1000 + micros).padStart(6, '0');
    return `${base}.${frac}${dt.toFormat('ZZZ')}`;
  }

  weekday(date: string): number {
    return DateTime.fromISO(date, { zone: this.timeZone }).weekday;
  }

  addDays(date: string, n: number): string {
    return DateTime.fromISO(date, { zone: this.timeZone }).plus({ days: n }).toISODate() ?? date;
  }
}

/** `2026-02-15T14:30:00.123456Z`: Vipps's UTC form with microseconds. */
export function formatUtcMicros(ms: number, micros: number): string {
  const iso = new Date(ms).toISOString();
  return `${iso.slice(0, 19)}.${String((ms % 1000) * 1000 + micros).padStart(6, '0')}Z`;
}

/** `2026-02-15T14:30:00Z`: whole seconds, as SentryPOS sends them. */
export function formatUtcSeconds(ms: number): string {
  return `${new Date(ms).toISOString().slice(0, 19)}Z`;
}
