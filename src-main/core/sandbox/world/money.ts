// Money stays in integer minor units everywhere in the generator; these helpers only render it in the
// shapes each provider uses on the wire (decimal strings, floats in major units).

const exponents = new Map<string, number>();

export function currencyExponent(currency: string): number {
  let exp = exponents.get(currency);
  if (exp === undefined) {
    exp =
      new Intl.NumberFormat('en', { style: 'currency', currency }).resolvedOptions().maximumFractionDigits ??
      2;
    exponents.set(currency, exp);
  }
  return exp;
}

/** Exact decimal string ("1234.56"), built from integers so no float rounding can creep in. */
export function minorToDecimalString(minor: number, currency: string): string {
  const exp = currencyExponent(currency);
  if (exp === 0) return String(minor);
  const sign = minor < 0 ? '-' : '';
  const abs = String(Math.abs(minor)).padStart(exp + 1, '0');
  return `${sign}${abs.slice(0, -exp)}.${abs.slice(-exp)}`;
}

/** A float in major units, as Cents (and some SensePass records) send it: 15386 → 153.86. */
export function minorToFloat(minor: number, currency: string): number {
  return Number(minorToDecimalString(minor, currency));
}

/** Converts between currencies at a fixed rate, rounding half away from zero to the target exponent. */
export function convertMinor(minor: number, from: string, to: string, rate: number): number {
  const scale = 10 ** (currencyExponent(to) - currencyExponent(from));
  const value = minor * rate * scale;
  return Math.sign(value) * Math.round(Math.abs(value));
}
