const currencyFormats = new Map<string, Intl.NumberFormat | null>();

function currencyFormat(currency: string, locale: string | undefined): Intl.NumberFormat | null {
  const key = `${locale ?? ''}|${currency}`;
  let format = currencyFormats.get(key);
  if (format === undefined) {
    try {
      format = new Intl.NumberFormat(locale, { style: 'currency', currency });
    } catch {
      format = null; // Not a currency ICU knows; the caller falls back to plain minor units.
    }
    currencyFormats.set(key, format);
  }
  return format;
}

/**
 * Places the decimal point in the integer's digits instead of dividing, so no amount ever passes
 * through binary floating point: 1999 NOK → "19.99", 1999 JPY → "1999", -5 NOK → "-0.05".
 */
export function minorToDecimalString(minor: number, exponent: number): string {
  const sign = minor < 0 ? '-' : '';
  const digits = String(Math.abs(minor));
  if (exponent <= 0) return sign + digits;
  const padded = digits.padStart(exponent + 1, '0');
  return `${sign}${padded.slice(0, -exponent)}.${padded.slice(-exponent)}`;
}

/** Formats integer minor units in the currency's own exponent (JPY 0, NOK 2, KWD 3). */
export function formatMoney(minor: number, currency: string, locale?: string): string {
  const format = currencyFormat(currency, locale);
  if (!format) return `${minor} (minor units) ${currency}`;
  const exponent = currencyExponent(currency);
  // Intl formats a decimal string exactly (ES2023 Intl.NumberFormat v3).
  return format.format(minorToDecimalString(minor, exponent) as `${number}`);
}

const dateTimeFormats = new Map<string, Intl.DateTimeFormat | null>();

/** Building an Intl formatter costs far more than using one, and a scrolling table formats thousands. */
function dateTimeFormat(
  key: string,
  locale: string | undefined,
  options: Intl.DateTimeFormatOptions,
): Intl.DateTimeFormat | null {
  let format = dateTimeFormats.get(key);
  if (format === undefined) {
    try {
      format = new Intl.DateTimeFormat(locale, options);
    } catch {
      format = null; // An unknown zone: the caller shows the value as stored.
    }
    dateTimeFormats.set(key, format);
  }
  return format;
}

/** The clock time of a UTC instant in the shop's zone, the same zone its business date was computed in. */
export function formatTime(instant: string, timeZone: string | undefined, locale?: string): string {
  const date = new Date(instant);
  if (Number.isNaN(date.getTime())) return instant;
  const format = dateTimeFormat(`time|${locale ?? ''}|${timeZone ?? ''}`, locale, {
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
    timeZone,
  });
  return format ? format.format(date) : instant;
}

export function formatCount(n: number, locale?: string): string {
  return new Intl.NumberFormat(locale).format(n);
}

/**
 * "1 sale", "2 sales", "0 sales": a count with its noun in the form English wants. Intl's plural
 * rules say which form; the words themselves are English, as the rest of the app.
 */
export function countOf(n: number, one: string, other: string, locale?: string): string {
  const form = new Intl.PluralRules('en').select(n) === 'one' ? one : other;
  return `${formatCount(n, locale)} ${form}`;
}

/** The number of decimals a currency is written with (NOK 2, JPY 0, KWD 3). */
const exponents = new Map<string, number>();

export function currencyExponent(currency: string): number {
  let exponent = exponents.get(currency);
  if (exponent === undefined) {
    exponent = currencyFormat(currency, 'en')?.resolvedOptions().maximumFractionDigits ?? 2;
    exponents.set(currency, exponent);
  }
  return exponent;
}

/**
 * An amount as a person types it ("1 299,50", "-45", "12.5") in a currency, as exact minor units (digits
 * shifted as text, never multiplied as floats), or a plain sentence saying what is wrong with it. More
 * decimals than the currency has are refused, never rounded: "10.999" NOK is a typo, and rounding it
 * would filter for an amount nobody typed.
 */
export function readAmountInput(
  text: string,
  currency: string,
): { ok: true; minor: number } | { ok: false; message: string } {
  const exponent = currencyExponent(currency);
  const example = exponent === 0 ? '100' : `100.${'5'.padEnd(exponent, '0')}`;
  const m = /^([+-]?)(\d+)(?:[.,](\d*))?$/.exec(text.replace(/[\s\u00a0']/g, ''));
  if (!m) return { ok: false, message: `“${text}” is not an amount. Type a number, e.g. ${example}.` };
  const [, sign, whole = '0', frac = ''] = m;
  if (frac.length > exponent) {
    const allowed = exponent === 0 ? 'no decimals' : `at most ${exponent} decimal${exponent > 1 ? 's' : ''}`;
    return { ok: false, message: `${currency} amounts have ${allowed}; “${text}” has ${frac.length}.` };
  }
  const minor = Number(whole + frac.padEnd(exponent, '0'));
  if (!Number.isSafeInteger(minor)) return { ok: false, message: `“${text}” is too large an amount.` };
  return { ok: true, minor: sign === '-' && minor !== 0 ? -minor : minor };
}

/** A business date (YYYY-MM-DD, already in the shop's zone) in the user's locale, without shifting it. */
export function formatBusinessDate(date: string, locale?: string): string {
  const d = new Date(`${date}T12:00:00Z`);
  if (Number.isNaN(d.getTime())) return date;
  const format = dateTimeFormat(`date|${locale ?? ''}`, locale, {
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    timeZone: 'UTC',
  });
  return format ? format.format(d) : date;
}

/**
 * Date and clock time of a UTC instant in the shop's zone (the zone its business dates are computed in),
 * in the reader's locale. `withZone` names the zone, for places where a bare time could be read as the
 * reader's own clock (a sync or test time next to nothing else that says whose clock it is).
 */
export function formatInstant(
  instant: string,
  timeZone: string | undefined,
  locale?: string,
  withZone = false,
): string {
  const date = new Date(instant);
  if (Number.isNaN(date.getTime())) return instant;
  const format = dateTimeFormat(`instant|${locale ?? ''}|${timeZone ?? ''}`, locale, {
    dateStyle: 'medium',
    timeStyle: 'short',
    timeZone,
  });
  if (!format) return instant;
  return withZone && timeZone ? `${format.format(date)}, ${zoneName(timeZone)}` : format.format(date);
}

/** "Europe/Oslo" → "Oslo time": the shop manager knows the city, not the IANA area. */
export function zoneName(timeZone: string): string {
  if (timeZone === 'UTC' || timeZone === 'Etc/UTC') return 'UTC';
  const city = timeZone.split('/').pop() ?? timeZone;
  return `${city.replace(/_/g, ' ')} time`;
}

/** "3 minutes ago", in words the reader's locale uses. */
export function formatRelative(instant: string, now: number, locale?: string): string {
  const seconds = Math.round((Date.parse(instant) - now) / 1000);
  if (Number.isNaN(seconds)) return instant;
  // "always": numeric "auto" calls the current second "now", which reads oddly after "Last sync".
  const rtf = new Intl.RelativeTimeFormat(locale, { numeric: 'always' });
  const abs = Math.abs(seconds);
  if (abs < 45) return rtf.format(-Math.max(abs, 1), 'second');
  if (abs < 2700) return rtf.format(Math.round(seconds / 60), 'minute');
  if (abs < 79_200) return rtf.format(Math.round(seconds / 3600), 'hour');
  return rtf.format(Math.round(seconds / 86_400), 'day');
}

/** Today's business date (YYYY-MM-DD) in the shop's zone, not the machine's; en-CA writes ISO order. */
export function shopToday(timeZone: string | undefined, now: number | Date = Date.now()): string {
  const format =
    dateTimeFormat(`today|${timeZone ?? ''}`, 'en-CA', {
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      timeZone,
    }) ?? dateTimeFormat('today|UTC', 'en-CA', { timeZone: 'UTC' });
  return format?.format(now) ?? new Date(now).toISOString().slice(0, 10);
}

/** Adds whole days to a business date as a calendar date, never through a local clock. */
export function addDays(date: string, days: number): string {
  const d = new Date(`${date}T12:00:00Z`);
  d.setUTCDate(d.getUTCDate() + days);
  return d.toISOString().slice(0, 10);
}
