import { describe, expect, it } from 'vitest';
import {
  countOf,
  formatBusinessDate,
  formatInstant,
  formatMoney,
  minorToDecimalString,
  readAmountInput,
  shopToday,
  zoneName,
} from '../../src-renderer/src/lib/format.ts';

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

describe('readAmountInput', () => {
  it("reads what people type, in the currency's own decimals, exactly", () => {
    expect(readAmountInput('1 299,50', 'NOK')).toEqual({ ok: true, minor: 129_950 });
    expect(readAmountInput('-45', 'ILS')).toEqual({ ok: true, minor: -4500 });
    expect(readAmountInput('12.5', 'EUR')).toEqual({ ok: true, minor: 1250 });
    expect(readAmountInput('1500', 'JPY')).toEqual({ ok: true, minor: 1500 });
    expect(readAmountInput('1.234', 'KWD')).toEqual({ ok: true, minor: 1234 });
  });

  it('refuses too many decimals, and what is not a number, in a sentence that says why', () => {
    expect(readAmountInput('10.999', 'NOK')).toEqual({
      ok: false,
      message: 'NOK amounts have at most 2 decimals; “10.999” has 3.',
    });
    expect(readAmountInput('10.5', 'JPY')).toEqual({
      ok: false,
      message: 'JPY amounts have no decimals; “10.5” has 1.',
    });
    expect(readAmountInput('ten', 'NOK')).toEqual({
      ok: false,
      message: '“ten” is not an amount. Type a number, e.g. 100.50.',
    });
    expect(readAmountInput('99999999999999999', 'NOK')).toMatchObject({ ok: false });
  });
});

describe('one clock', () => {
  it("writes an instant on the shop's clock, naming the zone when asked, whatever the machine's zone", () => {
    // 13:46 UTC on 1 December is 14:46 in Oslo and 08:46 in New York.
    expect(formatInstant('2026-12-01T13:46:13.669Z', 'Europe/Oslo', 'en-US')).toBe('Dec 1, 2026, 2:46 PM');
    expect(formatInstant('2026-12-01T13:46:13.669Z', 'Europe/Oslo', 'en-GB', true)).toBe(
      '1 Dec 2026, 14:46, Oslo time',
    );
    expect(formatInstant('2026-12-01T13:46:13.669Z', 'America/New_York', 'en-US')).toBe(
      'Dec 1, 2026, 8:46 AM',
    );
    expect(zoneName('America/Los_Angeles')).toBe('Los Angeles time');
    expect(zoneName('UTC')).toBe('UTC');
    expect(formatInstant('not a time', 'Europe/Oslo')).toBe('not a time');
  });

  it("knows the shop's today, which is not the machine's near midnight", () => {
    // 23:30 UTC on 30 November is already 1 December in Oslo.
    expect(shopToday('Europe/Oslo', Date.parse('2026-11-30T23:30:00Z'))).toBe('2026-12-01');
    expect(shopToday('America/New_York', Date.parse('2026-11-30T23:30:00Z'))).toBe('2026-11-30');
  });

  it('writes a business date as the date inputs do, in the reader’s locale, without shifting it', () => {
    expect(formatBusinessDate('2026-11-01', 'en-US')).toBe('11/01/2026');
    expect(formatBusinessDate('2026-11-01', 'nb-NO')).toBe('01.11.2026');
  });
});

describe('countOf', () => {
  it('says one sale, two sales and no sales, with the count in the shop locale', () => {
    expect(countOf(1, 'sale', 'sales', 'en-GB')).toBe('1 sale');
    expect(countOf(0, 'sale', 'sales', 'en-GB')).toBe('0 sales');
    expect(countOf(2, 'try', 'tries', 'en-GB')).toBe('2 tries');
    expect(countOf(12345, 'payment', 'payments', 'nb-NO')).toBe('12 345 payments');
  });
});
