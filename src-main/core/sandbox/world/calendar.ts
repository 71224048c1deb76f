import { DateTime } from 'luxon';

// Local-date lookups happen for every generated record, so day boundaries in the shop's zone are
// computed once with luxon (which knows the DST rules) and then found by binary search.
export class ShopCalendar {
  readonly timeZone: string;
  private readonly starts: number[] = [];
  private readonly dates: string[] = [];
  /** UTC offset (minutes) of each day, or null when a DST change falls inside it (luxon handles those). */
  private readonly offsets: (number | null)[] = [];

  constructor(timeZone: string, firstDay: string, lastDay: string) {
    this.timeZone = timeZone;
    let day = DateTime.fromISO(firstDay, { zone: timeZone }).minus({ days: 2 });
    const end = DateTime.fromISO(lastDay, { zone: timeZone }).plus({ days: 60 });
    while (day <= end) {
      const start = day.startOf('day');
      const next = start.plus({ days: 1 });
      this.starts.push(start.toMillis());
      this.dates.push(day.toISODate() ?? '');
      this.offsets.push(start.offset === next.offset ? start.offset : null);
      day = day.plus({ days: 1 });
    }
  }

  private indexOf(ms: number): number {
    let lo = 0;
    let hi = this.starts.length - 1;
    if (ms < (this.starts[0] ?? 0) || ms >= (this.starts[hi] ?? 0) + 86_400_000) return -1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if ((this.starts[mid] ?? 0) <= ms) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  }

  /** Start of a local date, in epoch ms. */
  startOf(date: string): number {
    const i = this.dates.indexOf(date);
    if (i >= 0) return this.starts[i] ?? 0;
    return DateTime.fromISO(date, { zone: this.timeZone }).startOf('day').toMillis();
  }

  /** The local date (YYYY-MM-DD) in the shop's zone of an instant. */
  dateOf(ms: number): string {
    const i = this.indexOf(ms);
    if (i < 0) return DateTime.fromMillis(ms, { zone: this.timeZone }).toISODate() ?? '';
    return this.dates[i] ?? '';
  }

  /** Local wall-clock time → epoch ms. */
  localToMs(date: string, hour: number, minute: number, second: number, ms = 0): number {
    const i = this.dates.indexOf(date);
    if (i >= 0 && this.offsets[i] !== null)
      return (this.starts[i] ?? 0) + ((hour * 60 + minute) * 60 + second) * 1000 + ms;
    return DateTime.fromISO(date, { zone: this.timeZone })
      .set({ hour, minute, second, millisecond: ms })
      .toMillis();
  }

  /** `2026-02-15T16:30:00.824993+0100`: Vipps's offset form, without the colon. */
  formatWithOffset(ms: number, micros: number): string {
    const offset = this.offsets[this.indexOf(ms)];
    if (offset !== null && offset !== undefined) {
      const local = new Date(ms + offset * 60_000).toISOString().slice(0, 19);
      const abs = Math.abs(offset);
      const zone = `${offset < 0 ? '-' : '+'}${String(Math.floor(abs / 60)).padStart(2, '0')}${String(abs % 60).padStart(2, '0')}`;
      return `${local}.${String((ms % 1000) * 1000 + micros).padStart(6, '0')}${zone}`;
    }
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
