// The shop's today is the one clock's (lib/format.ts), shared by every view.
export { shopToday } from './format.ts';

export interface MonthPreset {
  label: string;
  from: string;
  to: string;
}

const iso = (d: Date) => d.toISOString().slice(0, 10);

/**
 * Accountants book a month at a time: the last three full months, newest first, then this month so
 * far. Labels are the month's name, so a manager never has to count days.
 */
export function monthPresets(today: string, locale = 'en-GB'): MonthPreset[] {
  const [y, m] = today.split('-').map(Number) as [number, number];
  const name = (d: Date) =>
    new Intl.DateTimeFormat(locale, { month: 'long', year: 'numeric', timeZone: 'UTC' }).format(d);
  const presets: MonthPreset[] = [];
  for (let back = 1; back <= 3; back++) {
    const first = new Date(Date.UTC(y, m - 1 - back, 1));
    const last = new Date(Date.UTC(y, m - back, 0));
    presets.push({ label: name(first), from: iso(first), to: iso(last) });
  }
  const first = new Date(Date.UTC(y, m - 1, 1));
  presets.push({ label: `${name(first)} so far`, from: iso(first), to: today });
  return presets;
}
