/**
 * Money is an integer count of minor units plus an ISO 4217 code. Every conversion here is exact:
 * decimal strings are parsed digit by digit (BigInt), never through binary floating point.
 */
export interface Money {
  readonly minor: number;
  readonly currency: string;
}

const exponentCache = new Map<string, number>();
const knownCurrencies = new Set(Intl.supportedValuesOf('currency'));

export function isCurrencyCode(code: string): boolean {
  return /^[A-Z]{3}$/.test(code) && knownCurrencies.has(code);
}

/** The currency's exponent as ICU knows it (JPY 0, NOK 2, KWD 3). */
export function currencyExponent(currency: string): number {
  let exp = exponentCache.get(currency);
  if (exp === undefined) {
    if (!isCurrencyCode(currency))
      throw new RangeError(`Unknown ISO 4217 currency code: ${JSON.stringify(currency)}`);
    exp =
      new Intl.NumberFormat('en', { style: 'currency', currency }).resolvedOptions().maximumFractionDigits ??
      2;
    exponentCache.set(currency, exp);
  }
  return exp;
}

const DECIMAL = /^([+-]?)(\d+)(?:\.(\d*))?(?:[eE]([+-]?\d+))?$/;

/**
 * Parses a decimal string ("1234.56", "-0.5", "1e-7") into minor units, rounding half away from zero
 * to the currency's exponent. Throws on anything that is not a plain decimal number.
 */
export function decimalToMinor(text: string, currency: string): number {
  const m = DECIMAL.exec(text.trim());
  if (!m) throw new RangeError(`Not a decimal amount: ${JSON.stringify(text)}`);
  const [, sign, intPart = '0', fracPart = '', expPart] = m;
  const shift = currencyExponent(currency) + (expPart ? Number(expPart) : 0);
  let digits = intPart + fracPart;
  // Place the decimal point `shift` digits to the right of where it was.
  let pointAt = intPart.length + shift;
  if (pointAt < 0) {
    digits = '0'.repeat(-pointAt) + digits;
    pointAt = 0;
  }
  if (pointAt > digits.length) digits += '0'.repeat(pointAt - digits.length);
  let whole = BigInt(digits.slice(0, pointAt) || '0');
  const rest = digits.slice(pointAt);
  if (rest.length > 0 && rest.charCodeAt(0) >= 53 /* '5' */) whole += 1n;
  const value = sign === '-' ? -whole : whole;
  if (value > BigInt(Number.MAX_SAFE_INTEGER) || value < BigInt(Number.MIN_SAFE_INTEGER)) {
    throw new RangeError(`Amount out of range: ${JSON.stringify(text)}`);
  }
  return value === 0n ? 0 : Number(value);
}

/**
 * Converts a float in major units (as some providers send) via its shortest decimal form, so that
 * 153.86 becomes 15386 and never 15385.999….
 */
export function floatToMinor(value: number, currency: string): number {
  if (!Number.isFinite(value)) throw new RangeError(`Not a finite amount: ${String(value)}`);
  return decimalToMinor(String(value), currency);
}

/** Accepts what providers actually send: a decimal string or a JSON number, both in major units. */
export function majorToMinor(value: string | number, currency: string): number {
  return typeof value === 'number' ? floatToMinor(value, currency) : decimalToMinor(value, currency);
}

/** Exact decimal string in major units, e.g. (-5, 'NOK') → "-0.05". */
export function minorToDecimal(minor: number, currency: string): string {
  if (!Number.isSafeInteger(minor)) throw new RangeError(`Minor units must be a safe integer: ${minor}`);
  const exp = currencyExponent(currency);
  const abs = Math.abs(minor)
    .toString()
    .padStart(exp + 1, '0');
  const text = exp === 0 ? abs : `${abs.slice(0, -exp)}.${abs.slice(-exp)}`;
  return minor < 0 ? `-${text}` : text;
}

export function money(minor: number, currency: string): Money {
  if (!Number.isSafeInteger(minor)) throw new RangeError(`Minor units must be a safe integer: ${minor}`);
  currencyExponent(currency);
  return { minor, currency };
}
