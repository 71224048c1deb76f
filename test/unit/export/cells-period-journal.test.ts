import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DEFAULT_ACCOUNTS } from '../../../src-main/core/export/accounts.ts';
import { decodeRow, encodeRow } from '../../../src-main/core/export/booked-rows.ts';
import {
  ShopClock,
  csvLocale,
  dateCell,
  major,
  moneyFormat,
  safeText,
} from '../../../src-main/core/export/cells.ts';
import { type DailyRow, vatOfGross } from '../../../src-main/core/export/daily.ts';
import { type PayoutFacts, payoutVoucher, revenueVouchers } from '../../../src-main/core/export/journal.ts';
import { PeriodError, checkPeriod, lastFullMonth } from '../../../src-main/core/export/period.ts';
import { adjustmentVouchers, type Adjustment } from '../../../src-main/core/export/post-close.ts';

const balance = (v: { debitMinor: number; creditMinor: number }[]) =>
  v.reduce((s, l) => s + l.debitMinor - l.creditMinor, 0);

describe('cells', () => {
  it('neutralizes text a spreadsheet would run as a formula, and leaves the rest alone', () => {
    for (const t of ['=1+1', '+47 22', '-5', '@SUM(A1)', '\tx', '\rx', '=HYPERLINK("http://x","y")'])
      expect(safeText(t)).toBe(`'${t}`);
    for (const t of ['Kari', '1-2', 'a=b', ' =x', '']) expect(safeText(t)).toBe(t);
    expect(safeText(null)).toBe('');
  });

  it('amounts leave as major units by the currency exponent, formatted with the code', () => {
    expect(major(12345, 'NOK')).toBe(123.45);
    expect(major(-5, 'NOK')).toBe(-0.05);
    expect(major(1200, 'JPY')).toBe(1200);
    expect(major(1234, 'KWD')).toBe(1.234);
    expect(moneyFormat('NOK')).toBe('#,##0.00 "NOK";-#,##0.00 "NOK"');
    expect(moneyFormat('JPY')).toBe('#,##0 "JPY";-#,##0 "JPY"');
  });

  it('dates are the shop-zone wall clock, across a daylight-saving change', () => {
    expect(dateCell('2026-03-29').toISOString()).toBe('2026-03-29T00:00:00.000Z');
    const clock = new ShopClock('Europe/Oslo');
    // 00:30 UTC is 01:30 in Oslo (winter); 01:30 UTC after the spring change is 03:30.
    expect(clock.dateTime('2026-03-29T00:30:00Z')?.toISOString()).toBe('2026-03-29T01:30:00.000Z');
    expect(clock.dateTime('2026-03-29T01:30:00.900Z')?.toISOString()).toBe('2026-03-29T03:30:00.000Z');
    expect(clock.dateTime('not a time')).toBeNull();
  });

  it('CSV separators by locale, with a comma-separated default', () => {
    expect(csvLocale('nb-NO')).toEqual({ delimiter: ';', decimal: ',' });
    expect(csvLocale('en-GB')).toEqual({ delimiter: ',', decimal: '.' });
    expect(csvLocale('xx-YY')).toEqual({ delimiter: ',', decimal: '.' });
  });
});

describe('period', () => {
  it('refuses open-ended, malformed, reversed and overlong periods in plain words', () => {
    expect(() => checkPeriod('2026-10-01', undefined)).toThrow(/needs both ends/);
    expect(() => checkPeriod('2026-13-01', '2026-12-31')).toThrow(PeriodError);
    expect(() => checkPeriod('2026-10-31', '2026-10-01')).toThrow(/ends \(2026-10-01\) before it starts/);
    expect(() => checkPeriod('2026-01-01', '2062-01-01')).toThrow(/at most 400 days/);
    expect(checkPeriod('2026-10-01', '2026-10-31')).toEqual({ from: '2026-10-01', to: '2026-10-31' });
  });

  it('the last full month, across a year end and a leap February', () => {
    expect(lastFullMonth('2026-01-10')).toEqual({ from: '2025-12-01', to: '2025-12-31' });
    expect(lastFullMonth('2028-03-01')).toEqual({ from: '2028-02-01', to: '2028-02-29' });
  });
});

describe('journal', () => {
  const row = (o: Partial<DailyRow>): DailyRow => ({
    date: '2026-10-14',
    tender: 'vipps',
    currency: 'NOK',
    rateBp: 2500,
    grossMinor: 0,
    vatMinor: 0,
    netMinor: 0,
    source: 'default rate',
    ...o,
  });
  const gross = (g: number, rateBp: number | null, tender = 'vipps') => {
    const vat = rateBp === null ? 0 : vatOfGross(g, rateBp);
    return row({ tender, rateBp, grossMinor: g, vatMinor: vat, netMinor: g - vat });
  };

  it('VAT inside a gross amount rounds half away from zero, the same for refunds', () => {
    expect(vatOfGross(12500, 2500)).toBe(2500);
    expect(vatOfGross(-12500, 2500)).toBe(-2500);
    expect(vatOfGross(1, 2500)).toBe(0);
    expect(vatOfGross(3, 2500)).toBe(1);
  });

  it('every revenue and payout voucher balances to the minor unit (property)', () => {
    const rates = fc.constantFrom<number | null>(2500, 1500, 1200, 0, null);
    const tenders = fc.constantFrom('cash', 'vipps', 'tgi', 'sensepass', 'cents', 'other');
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.integer({ min: -10_000_000, max: 10_000_000 }), rates, tenders)),
        (xs) => {
          for (const v of revenueVouchers(
            xs.map(([g, r, t]) => gross(g, r, t)),
            DEFAULT_ACCOUNTS,
          )) {
            expect(balance(v)).toBe(0);
            for (const l of v) expect(l.debitMinor >= 0 && l.creditMinor >= 0).toBe(true);
          }
        },
      ),
    );
    const minor = fc.integer({ min: -1_000_000, max: 1_000_000 });
    fc.assert(
      fc.property(minor, minor, minor, minor, minor, minor, (c, r, f, a, act, d) => {
        const p: PayoutFacts = {
          id: 1,
          ledgerId: 'L1',
          ledgerDate: '2026-10-15',
          provider: 'vipps',
          currency: 'NOK',
          capturesMinor: c,
          refundsMinor: r,
          feesMinor: f,
          adjustmentsMinor: a,
          expectedMinor: c + r - f + a,
          actualMinor: act,
          differenceMinor: d,
        };
        expect(balance(payoutVoucher(p, DEFAULT_ACCOUNTS))).toBe(0);
      }),
    );
  });

  it('post-close adjustments become balanced vouchers dated the day they are booked', () => {
    const adj: Adjustment[] = [
      {
        kind: 'takings',
        date: '2026-10-14',
        tender: 'tgi',
        currency: 'NOK',
        rateBp: 2500,
        thenMinor: 10_000,
        nowMinor: 15_000,
        revenue: gross(5000, 2500, 'tgi'),
        words: '',
      },
    ];
    const [v] = adjustmentVouchers(adj, DEFAULT_ACCOUNTS, '2026-11-01');
    expect(balance(v!)).toBe(0);
    expect(v!.every((l) => l.date === '2026-11-01' && l.voucher.startsWith('A-S-2026-10-14'))).toBe(true);
    expect(v!.find((l) => l.account === DEFAULT_ACCOUNTS.clearing.tgi)?.debitMinor).toBe(5000);
    expect(v![0]!.reference).toBe('Closed day 2026-10-14');
  });
});

describe('booked rows', () => {
  it('a row survives encoding: dates as dates, formats and bold kept', () => {
    const rows = [
      { cells: [new Date(Date.UTC(2026, 9, 14)), 'Kari', 12.5, null] },
      { cells: ['Made at', new Date(Date.UTC(2026, 10, 1, 9, 30))], formats: [null, 'yyyy-mm-dd hh:mm:ss'] },
      { cells: ['Totals'], bold: true },
      { cells: [] },
    ];
    for (const r of rows) {
      const back = decodeRow(encodeRow(r));
      expect(encodeRow(back)).toBe(encodeRow(r));
      expect(back.cells).toEqual(r.cells);
    }
  });
});
