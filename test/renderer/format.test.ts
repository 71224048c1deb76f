import { describe, expect, it } from 'vitest';
import { formatMoney, minorToDecimalString } from '../../src-renderer/src/lib/format.ts';

describe('minorToDecimalString', () => {
  it('places the point by the currency exponent without float arithmetic', () => {
    expect(minorToDecimalString(1999, 2)).toBe('19.99');
    expect(minorToDecimalString(5, 2)).toBe('0.05');
    expect(minorToDecimalString(-5, 2)).toBe('-0.05');
    expect(minorToDecimalString(1999, 0)).toBe('1999');
    expect(minorToDecimalString(1234, 3)).toBe('1.234');
    expect(minorToDecimalString(0, 2)).toBe('0.00');
    expect(minorToDecimalString(Number.MAX_SAFE_INTEGER, 2)).toBe('90071992547409.91');
  });
});

// ICU separates a currency code from the number with a no-break space.
const money = (minor: number, currency: string) =>
  formatMoney(minor, currency, 'en-US').replace(/\u00a0/g, ' ');

describe('formatMoney', () => {
  it("formats in each currency's own exponent", () => {
    expect(money(12_950, 'NOK')).toBe('NOK 129.50');
    expect(money(1999, 'JPY')).toBe('¥1,999');
    expect(money(1234, 'KWD')).toBe('KWD 1.234');
    expect(money(-250, 'EUR')).toBe('-€2.50');
  });

  it('keeps amounts beyond float precision exact', () => {
    expect(money(Number.MAX_SAFE_INTEGER, 'USD')).toBe('$90,071,992,547,409.91');
  });

  it('falls back to minor units for a code ICU does not know', () => {
    expect(formatMoney(100, 'XX1')).toBe('100 (minor units) XX1');
  });
});
