import { DateTime } from 'luxon';
import { currencyExponent } from '../model/money.ts';

/**
 * How values become spreadsheet cells. Amounts leave as numbers in major units (never text, never
 * minor units); dates leave as real dates in the shop's zone; text that a spreadsheet would read as a
 * formula is neutralized (OWASP CSV injection), in the workbook and in CSV alike.
 */

/** Text starting with one of these is a formula (or DDE) to Excel, LibreOffice or Sheets. */
const FORMULA_START = /^[=+\-@\t\r]/;

/**
 * A leading apostrophe is what OWASP recommends: every reader shows the text as typed, and none
 * evaluates it, even after the cell is edited or the CSV is opened again.
 */
export function safeText(text: string | null | undefined): string {
  if (text === null || text === undefined) return '';
  return FORMULA_START.test(text) ? `'${text}` : text;
}

/** Minor units to the major-unit number a spreadsheet sums (12345 NOK minor → 123.45). */
export function major(minor: number, currency: string): number {
  const exp = currencyExponent(currency);
  // Division by a power of ten gives the nearest double to the decimal, which prints as the decimal.
  return exp === 0 ? minor : minor / 10 ** exp;
}

const formats = new Map<string, string>();
/** "#,##0.00 "NOK"": the code, not a symbol, because kr is NOK, SEK and DKK alike. */
export function moneyFormat(currency: string): string {
  let f = formats.get(currency);
  if (!f) {
    const exp = currencyExponent(currency);
    const digits = exp === 0 ? '#,##0' : `#,##0.${'0'.repeat(exp)}`;
    f = `${digits} "${currency}";-${digits} "${currency}"`;
    formats.set(currency, f);
  }
  return f;
}

export const DATE_FORMAT = 'yyyy-mm-dd';
export const DATE_TIME_FORMAT = 'yyyy-mm-dd hh:mm:ss';

/**
 * Spreadsheets have no time zones: a cell holds a wall-clock reading. ExcelJS turns a JS Date into a
 * serial number from its UTC fields, so the Date handed over carries the shop-zone reading as if UTC.
 */
export function dateCell(isoDate: string): Date {
  // Rows come in day order, so the previous day's cell is usually this one (a Date handed to a sheet
  // is never changed).
  if (isoDate === lastDate.iso) return lastDate.cell;
  const [y, m, d] = isoDate.split('-').map(Number) as [number, number, number];
  lastDate = { iso: isoDate, cell: new Date(Date.UTC(y, m - 1, d)) };
  return lastDate.cell;
}
let lastDate = { iso: '', cell: new Date(0) };

/** Zone offsets change twice a year: one lookup per hour of UTC time is plenty (and 50× cheaper). */
export class ShopClock {
  readonly zone: string;
  #offsets = new Map<number, number>();
  constructor(zone: string) {
    this.zone = zone;
  }
  /** A UTC instant (ISO string) as the shop's wall-clock reading, for a date-time cell. */
  dateTime(utcIso: string): Date | null {
    const ms = Date.parse(utcIso);
    if (Number.isNaN(ms)) return null;
    const hour = Math.floor(ms / 3_600_000);
    let offset = this.#offsets.get(hour);
    if (offset === undefined) {
      offset = DateTime.fromMillis(ms, { zone: this.zone }).offset;
      this.#offsets.set(hour, offset);
    }
    // Whole seconds: the workbook shows seconds, and sub-second noise breaks equality checks.
    return new Date(Math.floor(ms / 1000) * 1000 + offset * 60_000);
  }
}

/** The cell value for a CSV: the same neutralized text, dates as ISO text, numbers by locale. */
export interface CsvLocale {
  delimiter: string;
  decimal: string;
}
export const CSV_LOCALES: Record<string, CsvLocale> = {
  'en-GB': { delimiter: ',', decimal: '.' },
  'en-US': { delimiter: ',', decimal: '.' },
  'nb-NO': { delimiter: ';', decimal: ',' },
  'sv-SE': { delimiter: ';', decimal: ',' },
  'da-DK': { delimiter: ';', decimal: ',' },
  'de-DE': { delimiter: ';', decimal: ',' },
};
export function csvLocale(locale: string): CsvLocale {
  return CSV_LOCALES[locale] ?? { delimiter: ',', decimal: '.' };
}
