import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  currencyExponent,
  decimalToMinor,
  floatToMinor,
  majorToMinor,
  minorToDecimal,
} from '../../../src-main/core/model/money.ts';

const CURRENCIES = ['NOK', 'USD', 'ILS', 'EUR', 'JPY', 'KWD', 'CAD', 'RUB'];

describe('money', () => {
  it('takes each exponent from Intl', () => {
    expect(currencyExponent('NOK')).toBe(2);
    expect(currencyExponent('JPY')).toBe(0);
    expect(currencyExponent('KWD')).toBe(3);
    expect(() => currencyExponent('XXQ')).toThrow(/Unknown ISO 4217/);
    expect(() => currencyExponent('nok')).toThrow(/Unknown ISO 4217/);
  });

  it('parses decimal strings exactly, as providers send them', () => {
    expect(decimalToMinor('1234.56', 'USD')).toBe(123456);
    expect(decimalToMinor('-0.05', 'NOK')).toBe(-5);
    expect(decimalToMinor('12', 'ILS')).toBe(1200);
    expect(decimalToMinor('0.1', 'KWD')).toBe(100);
    expect(decimalToMinor('1e-2', 'EUR')).toBe(1);
    expect(decimalToMinor('1.005', 'USD')).toBe(101); // half away from zero, decided on digits
    expect(decimalToMinor('-1.005', 'USD')).toBe(-101);
    expect(decimalToMinor('1.004', 'USD')).toBe(100);
    expect(decimalToMinor('-0.001', 'USD')).toBe(0);
  });

  it('rejects anything that is not a plain decimal', () => {
    for (const bad of ['', 'abc', '1,50', '1.2.3', 'NaN', '0x10', '--1', '1 000']) {
      expect(() => decimalToMinor(bad, 'NOK'), bad).toThrow(/Not a decimal amount/);
    }
    expect(() => decimalToMinor('9'.repeat(30), 'NOK')).toThrow(/out of range/);
    expect(() => floatToMinor(Number.NaN, 'NOK')).toThrow(/finite/);
  });

  it('converts floats via their shortest decimal form', () => {
    expect(floatToMinor(153.86, 'USD')).toBe(15386);
    expect(floatToMinor(0.1 + 0.2, 'USD')).toBe(30);
    expect(floatToMinor(1.005, 'USD')).toBe(101);
    expect(floatToMinor(1.5e-7, 'USD')).toBe(0);
    expect(() => floatToMinor(1e21, 'JPY')).toThrow(/out of range/);
    expect(majorToMinor('12.30', 'NOK')).toBe(1230);
    expect(majorToMinor(12.3, 'NOK')).toBe(1230);
  });

  it('round-trips minor → decimal → minor for every safe amount (property)', () => {
    fc.assert(
      fc.property(fc.constantFrom(...CURRENCIES), fc.maxSafeInteger(), fc.boolean(), (cur, n, neg) => {
        const minor = neg ? -n : n;
        expect(decimalToMinor(minorToDecimal(minor, cur), cur)).toBe(minor === 0 ? 0 : minor);
      }),
    );
  });

  it('round-trips minor → float → minor wherever the float can hold the amount (property)', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...CURRENCIES),
        fc.integer({ min: -(2 ** 50), max: 2 ** 50 }),
        (cur, minor) => {
          const asFloat = Number(minorToDecimal(minor, cur));
          expect(floatToMinor(asFloat, cur)).toBe(minor === 0 ? 0 : minor);
        },
      ),
    );
  });
});
