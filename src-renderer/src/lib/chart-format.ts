import { currencyExponent, formatMoney } from './format.ts';

/** Minor units as a plain number for a chart axis; the exact amount is in the tooltip and table. */
export const major = (minor: number, currency: string) => minor / 10 ** currencyExponent(currency);

/** A compact axis tick in the locale and currency: "NOK 12K". */
export function tickMoney(value: number, currency: string, locale?: string): string {
  try {
    return new Intl.NumberFormat(locale, {
      style: 'currency',
      currency,
      notation: 'compact',
      maximumFractionDigits: 1,
    }).format(value);
  } catch {
    return String(value);
  }
}

/** Back to exact minor units for a tooltip (chart values are major units rounded to the exponent). */
export const moneyOf = (value: number, currency: string, locale?: string) =>
  formatMoney(Math.round(value * 10 ** currencyExponent(currency)), currency, locale);

/** A business date as a short axis label ("2 Nov", "2 Nov 2026" when the range spans years). */
export function dayLabel(date: string, locale?: string, withYear = false): string {
  return new Intl.DateTimeFormat(locale, {
    day: 'numeric',
    month: 'short',
    ...(withYear ? { year: 'numeric' } : {}),
    timeZone: 'UTC',
  }).format(new Date(`${date}T12:00:00Z`));
}
