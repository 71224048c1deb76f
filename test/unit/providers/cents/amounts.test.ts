// Cents amounts beyond NOK: a zero-decimal currency (JPY), a three-decimal one (KWD), floats that binary
// floating point cannot hold exactly, amounts sent as strings, and malformed amounts (issue 16 item 9).
import { describe, expect, it } from 'vitest';
import {
  centsOutcome,
  donationToMinor,
  type CentsRecordContext,
} from '../../../../src-main/core/providers/cents/normalize.ts';
import type { RecordOutcome } from '../../../../src-main/core/providers/connector.ts';
import type { CanonicalTransaction } from '../../../../src-main/core/model/transaction.ts';

const rc: CentsRecordContext = { connectionId: 'c1', shopTimeZone: 'Europe/Oslo' };

function ok(o: RecordOutcome): CanonicalTransaction {
  if (!o.ok) throw new Error(`quarantined: ${o.error}`);
  return o.record;
}

/** The API page's fields; amounts and currencies are overridden per case. */
const tx = {
  id: '7b0f6c1e-2f4a-4d1b-9c3e-5a6b7c8d9e0f',
  external_id: 'STRIPE_pi_3NkZ2aLkdIwHu7ix0T9gYb5d',
  company_id: '6f1c2b8e-4d5a-4c7e-9b1a-2f3e4d5c6b7a',
  payment_gateway_id: 'a1b2c3d4-e5f6-4a7b-8c9d-0e1f2a3b4c5d',
  payment_gateway_order_transaction_id: 'inv_0000042',
  order_amount: 153.86 as number | string,
  total_amount: 154 as number | string,
  currency: 'NOK',
  donation_cause: 'clean-oceans',
  donation_amount: 0.14 as number | string | null,
  donation_currency: 'NOK',
  created_date: '2026-03-05T12:30:00.000Z',
  transaction_status: 'paid',
  refunded_amount: 0 as number | string,
  reconciliation_id: 'rec_0123456789abcdef',
};

type Amounts = Pick<
  typeof tx,
  'order_amount' | 'total_amount' | 'donation_amount' | 'refunded_amount' | 'currency'
>;

/** Normalizes one record in `currency` (also the donation's) and returns amount, lines and status. */
function amounts(a: Partial<Amounts>) {
  const currency = a.currency ?? tx.currency;
  const r = ok(centsOutcome({ ...tx, ...a, currency, donation_currency: currency }, rc));
  return {
    currency: r.currency,
    amountMinor: r.amountMinor,
    lines: r.lines.map((l) => l.lineGrossMinor),
    status: r.status,
  };
}

describe('Cents amounts in a zero-decimal currency (JPY)', () => {
  it('take whole yen as they are: 1500 is 1500, never 150000', () => {
    expect(amounts({ currency: 'JPY', order_amount: 1500, total_amount: 1501, donation_amount: 1 })).toEqual({
      currency: 'JPY',
      amountMinor: 1501,
      lines: [1500, 1],
      status: 'completed',
    });
    // The same record with every amount a string.
    expect(
      amounts({ currency: 'JPY', order_amount: '1500', total_amount: '1501', donation_amount: '1' }),
    ).toMatchObject({ amountMinor: 1501, lines: [1500, 1] });
    // A decimal point with zeros after it is still whole yen.
    expect(
      amounts({ currency: 'JPY', order_amount: '1500.00', total_amount: 1501.0, donation_amount: '1.0' }),
    ).toMatchObject({
      amountMinor: 1501,
      lines: [1500, 1],
    });
    // The currency code's case does not matter.
    expect(
      amounts({ currency: 'jpy', order_amount: 1500, total_amount: 1501, donation_amount: 1 }),
    ).toMatchObject({ currency: 'JPY', amountMinor: 1501 });
  });

  it('compare refunds in yen: 500 of 1500 is partial, 1500 is full', () => {
    const jpy = { currency: 'JPY', order_amount: 1500, total_amount: 1501, donation_amount: 1 };
    expect(amounts({ ...jpy, refunded_amount: 500 }).status).toBe('partially_refunded');
    expect(amounts({ ...jpy, refunded_amount: '1500' }).status).toBe('refunded');
  });
});

describe('Cents amounts in a three-decimal currency (KWD)', () => {
  it('keep the third decimal: 12.345 is 12345 fils', () => {
    expect(
      amounts({ currency: 'KWD', order_amount: 12.345, total_amount: 13, donation_amount: 0.655 }),
    ).toEqual({ currency: 'KWD', amountMinor: 13000, lines: [12345, 655], status: 'completed' });
    expect(
      amounts({ currency: 'KWD', order_amount: '12.345', total_amount: '13.000', donation_amount: '0.655' }),
    ).toMatchObject({ amountMinor: 13000, lines: [12345, 655] });
    // Partial and full refunds to the fils.
    const kwd = { currency: 'KWD', order_amount: 12.345, total_amount: 13, donation_amount: 0.655 };
    expect(amounts({ ...kwd, refunded_amount: 12.344 }).status).toBe('partially_refunded');
    expect(amounts({ ...kwd, refunded_amount: 12.345 }).status).toBe('refunded');
    expect(amounts({ ...kwd, refunded_amount: '12.345' }).status).toBe('refunded');
  });

  it('read a whole-number donation by the record’s own round-up, in fils', () => {
    // Order 12.000, total 13.000: a donation of 1 is one dinar, 1000 fils.
    expect(
      amounts({ currency: 'KWD', order_amount: 12, total_amount: 13, donation_amount: 1 }).lines,
    ).toEqual([12000, 1000]);
    // Order 12.345, total 13.000: a donation of 655 is in minor units (the API reference's form).
    expect(
      amounts({ currency: 'KWD', order_amount: 12.345, total_amount: 13, donation_amount: 655 }).lines,
    ).toEqual([12345, 655]);
    expect(donationToMinor(1, 'KWD', 1000)).toBe(1000);
    expect(donationToMinor(655, 'KWD', 655)).toBe(655);
    expect(donationToMinor(0.655, 'KWD', null)).toBe(655);
  });
});

describe('Cents amounts that binary floating point cannot hold exactly', () => {
  it('convert through the decimal Cents wrote, not through float arithmetic', () => {
    // 153.86 * 100 is 15386.000000000002 and 19.99 * 100 is 1998.9999999999998.
    expect(153.86 * 100).not.toBe(15386);
    expect(Math.trunc(19.99 * 100)).toBe(1998);
    expect(amounts({ order_amount: 153.86, total_amount: 154, donation_amount: 0.14 }).lines).toEqual([
      15386, 14,
    ]);
    expect(amounts({ order_amount: 19.99, total_amount: 20, donation_amount: 0.01 }).lines).toEqual([
      1999, 1,
    ]);
    // 1.005 * 1000 is 1004.9999999999999: 1.005 KWD is exactly 1005 fils.
    expect(Math.trunc(1.005 * 1000)).toBe(1004);
    expect(
      amounts({ currency: 'KWD', order_amount: 1.005, total_amount: 2, donation_amount: 0.995 }),
    ).toMatchObject({ amountMinor: 2000, lines: [1005, 995] });
    // 1.005 * 100 is 100.49999999999999, which Math.round takes to 100. Cents wrote 1.005, a half øre
    // over 1.00, and rounding to the currency's exponent goes half away from zero: 101.
    expect(Math.round(1.005 * 100)).toBe(100);
    expect(amounts({ order_amount: 1.005, total_amount: 2 }).lines[0]).toBe(101);
    // 0.1 + 0.2 is 0.30000000000000004: 30 øre, as the sum of 10 and 20 øre.
    expect(amounts({ order_amount: 0.1 + 0.2, total_amount: 1, donation_amount: 0.7 }).lines).toEqual([
      30, 70,
    ]);
    // A refund of the whole order, as a float, is the whole order: refunded, not partially.
    expect(amounts({ refunded_amount: 153.86 }).status).toBe('refunded');
    expect(amounts({ refunded_amount: 76.93 }).status).toBe('partially_refunded');
  });
});

describe('Cents amounts sent as strings', () => {
  it('are decimals in major units, read digit by digit', () => {
    expect(amounts({ order_amount: '153.86', total_amount: '154', donation_amount: '0.14' })).toMatchObject({
      amountMinor: 15400,
      lines: [15386, 14],
    });
    expect(amounts({ currency: 'JPY', order_amount: '1500', total_amount: '1501' }).amountMinor).toBe(1501);
    expect(amounts({ currency: 'KWD', order_amount: '12.345', total_amount: '13' }).lines[0]).toBe(12345);
    expect(amounts({ refunded_amount: '153.86' }).status).toBe('refunded');
  });

  it('read a whole-number donation string as the same number would be read', () => {
    // "14" on a 153.86 → 154 round-up is 14 øre, as 14 is; reading it as 14 kroner (1400 øre) would
    // make the lines add up to more than the total.
    expect(amounts({ donation_amount: '14' }).lines).toEqual([15386, 14]);
    expect(amounts({ donation_amount: 14 }).lines).toEqual([15386, 14]);
    // "1" on a 153.00 → 154.00 round-up is one krone, as 1 is.
    expect(amounts({ order_amount: '153', total_amount: '154', donation_amount: '1' }).lines).toEqual([
      15300, 100,
    ]);
    expect(
      amounts({ currency: 'KWD', order_amount: '12.345', total_amount: '13', donation_amount: '655' }).lines,
    ).toEqual([12345, 655]);
    expect(donationToMinor('14', 'NOK', 14)).toBe(donationToMinor(14, 'NOK', 14));
    expect(donationToMinor('1', 'NOK', 100)).toBe(donationToMinor(1, 'NOK', 100));
    // A decimal point says major units.
    expect(donationToMinor('14.00', 'NOK', null)).toBe(1400);
  });
});

describe('Cents records with a malformed amount', () => {
  const malformed: [string, unknown][] = [
    ['a decimal comma', '12,50'],
    ['letters', 'abc'],
    ['the word NaN', 'NaN'],
    ['a NaN number', NaN],
    ['an infinite number', Infinity],
    ['an empty string', ''],
    ['padding', ' 12.50'],
    ['two points', '1.2.3'],
    ['a hexadecimal string', '0x10'],
    ['a currency sign', 'kr 12.50'],
    ['a boolean', true],
  ];
  const fields = ['order_amount', 'total_amount', 'refunded_amount', 'donation_amount'] as const;

  it.each(malformed)('are quarantined with the field and the value in plain words: %s', (_what, value) => {
    for (const field of fields) {
      const o = centsOutcome({ ...tx, [field]: value }, rc);
      expect(o, `${field} = ${String(value)}`).toMatchObject({
        ok: false,
        externalId: tx.id,
        raw: { id: tx.id },
      });
      const error = o.ok ? '' : o.error;
      expect(error).toContain(field);
      expect(error).toContain('Not an amount');
      // The value as Cents sent it, not a regular expression or a zod type name.
      expect(error).toContain(typeof value === 'string' ? JSON.stringify(value) : String(value));
      expect(error).not.toMatch(/pattern|Invalid input|\/\^/);
    }
  });

  it('a missing order or total amount is named as missing', () => {
    const { order_amount: _o, ...noOrder } = tx;
    const o = centsOutcome(noOrder, rc);
    expect(o).toMatchObject({ ok: false, externalId: tx.id });
    expect(!o.ok && o.error).toMatch(/Missing amount[\s\S]*order_amount/);
  });

  it('an amount too large to count in minor units exactly is quarantined, not rounded', () => {
    const o = centsOutcome({ ...tx, total_amount: '123456789012345678.90' }, rc);
    expect(o).toMatchObject({ ok: false, externalId: tx.id });
    expect(!o.ok && o.error).toMatch(/out of range/);
  });
});
