import fc from 'fast-check';
import { DateTime } from 'luxon';
import { describe, expect, it } from 'vitest';
import { FaultEngine } from '../../../src-main/core/sandbox/faults/fault-engine.ts';
import { ShopCalendar } from '../../../src-main/core/sandbox/world/calendar.ts';
import {
  convertMinor,
  minorToDecimalString,
  minorToFloat,
} from '../../../src-main/core/sandbox/world/money.ts';
import { MISTYPE_KINDS, mistype } from '../../../src-main/core/sandbox/world/imperfections.ts';
import { Rng } from '../../../src-main/core/sandbox/world/prng.ts';
import { roundUpDonation } from '../../../src-main/core/sandbox/world/record-cents.ts';

describe('ShopCalendar (cached offsets must agree with luxon, DST days included)', () => {
  for (const zone of ['Europe/Oslo', 'Asia/Jerusalem', 'America/New_York', 'Australia/Lord_Howe']) {
    it(zone, () => {
      const cal = new ShopCalendar(zone, '2026-01-01', '2026-12-31');
      const start = DateTime.fromISO('2026-01-01', { zone }).toMillis();
      fc.assert(
        fc.property(
          fc.integer({ min: 0, max: 364 * 86_400_000 }),
          fc.integer({ min: 0, max: 999 }),
          (offset, micros) => {
            const ms = start + offset;
            const dt = DateTime.fromMillis(ms, { zone });
            expect(cal.dateOf(ms)).toBe(dt.toISODate());
            const formatted = cal.formatWithOffset(ms, micros);
            expect(formatted.slice(0, 19)).toBe(dt.toFormat("yyyy-MM-dd'T'HH:mm:ss"));
            expect(formatted.slice(-5)).toBe(dt.toFormat('ZZZ'));
            expect(
              Date.parse(formatted.replace(/\.(\d{3})\d{3}/, '.$1').replace(/(\d{2})(\d{2})$/, '$1:$2')),
            ).toBe(ms);
          },
        ),
        { numRuns: 300 },
      );
      for (const date of [
        '2026-03-08',
        '2026-03-27',
        '2026-03-29',
        '2026-10-25',
        '2026-11-01',
        '2026-04-05',
      ]) {
        for (const hour of [0, 1, 4, 12, 23]) {
          expect(cal.localToMs(date, hour, 30, 0)).toBe(
            DateTime.fromISO(date, { zone }).set({ hour, minute: 30 }).toMillis(),
          );
        }
      }
    });
  }
});

describe('money', () => {
  it("renders minor units exactly in each currency's exponent", () => {
    expect(minorToDecimalString(123456, 'NOK')).toBe('1234.56');
    expect(minorToDecimalString(-5, 'USD')).toBe('-0.05');
    expect(minorToDecimalString(1234, 'JPY')).toBe('1234');
    expect(minorToDecimalString(1234, 'KWD')).toBe('1.234');
    expect(minorToFloat(15386, 'NOK')).toBe(153.86);
    fc.assert(
      fc.property(fc.integer({ min: -1e9, max: 1e9 }), (n) => Math.round(minorToFloat(n, 'EUR') * 100) === n),
    );
  });

  it('converts with rounding to the target exponent, and rounds donations up to the next whole unit', () => {
    expect(convertMinor(10000, 'NOK', 'ILS', 0.34)).toBe(3400);
    expect(convertMinor(1000, 'USD', 'JPY', 150.123)).toBe(1501);
    expect(roundUpDonation(15386, 'NOK')).toBe(14);
    expect(roundUpDonation(15300, 'NOK')).toBe(100);
  });
});

describe('Rng', () => {
  it('is reproducible per seed and stream, and independent across streams', () => {
    const a = new Rng(1, 'day:2026-01-01');
    const b = new Rng(1, 'day:2026-01-01');
    const c = new Rng(1, 'day:2026-01-02');
    const seq = (r: Rng) => Array.from({ length: 5 }, () => r.nextU32());
    const first = seq(a);
    expect(seq(b)).toEqual(first);
    expect(seq(c)).not.toEqual(first);
  });
});

describe('FaultEngine', () => {
  it('nth, every and limit are counted per provider + endpoint; token endpoints opt in', () => {
    const f = new FaultEngine({
      rules: [
        { kind: 'http-503', provider: 'tgi', nth: [2] },
        { kind: 'reset', every: 3, limit: 2 },
      ],
    });
    const kinds = Array.from({ length: 10 }, () => f.next('tgi', 'list', false)?.rule.kind ?? '-');
    expect(kinds).toEqual(['-', 'http-503', 'reset', '-', '-', 'reset', '-', '-', '-', '-']);
    expect(f.next('cents', 'token', true)).toBeNull();
    f.configure('all');
    expect(f.rules.length).toBe(10);
    expect(() => f.configure('nope')).toThrow(/unknown fault profile/);
  });
});

describe('mistype', () => {
  it('each kind changes the reference, the way its name says; the same stream gives the same result', () => {
    const ref = 'inv_0000123ab01';
    const rng = new Rng(4, 'mistype');
    for (let i = 0; i < 200; i++) {
      for (const kind of MISTYPE_KINDS) {
        const typed = mistype(ref, rng, kind);
        expect(typed).not.toBe(ref);
        if (kind === 'whitespace') expect(typed.replace(' ', '')).toBe(ref);
        if (kind === 'case') expect(typed).toBe(ref.toUpperCase());
        if (kind === 'truncate') expect(ref.startsWith(typed) && ref.length - typed.length <= 3).toBe(true);
        if (kind === 'drop') expect(typed).toHaveLength(ref.length - 1);
        if (kind === 'transpose') expect([...typed].sort()).toEqual([...ref].sort());
      }
    }
    const kinds = (r: Rng) => Array.from({ length: 50 }, () => mistype(ref, r));
    expect(kinds(new Rng(5, 'x'))).toEqual(kinds(new Rng(5, 'x')));
    expect(new Set(kinds(new Rng(6, 'x'))).size).toBeGreaterThan(10);
  });
});
