import { describe, expect, it } from 'vitest';
import {
  CENTS_STATUS,
  centsOutcome,
  donationToMinor,
  type CentsRecordContext,
} from '../../../../src-main/core/providers/cents/normalize.ts';
import { centsConfigSchema, centsTokenUrl } from '../../../../src-main/core/providers/cents/config.ts';
import type { RecordOutcome } from '../../../../src-main/core/providers/connector.ts';
import type { CanonicalTransaction } from '../../../../src-main/core/model/transaction.ts';

const rc: CentsRecordContext = { connectionId: 'c1', shopTimeZone: 'Europe/Oslo' };

function ok(o: RecordOutcome): CanonicalTransaction {
  if (!o.ok) throw new Error(`quarantined: ${o.error}`);
  return o.record;
}

/** The API page's fields, with the floats Cents sends (major units). */
const tx = {
  id: '7b0f6c1e-2f4a-4d1b-9c3e-5a6b7c8d9e0f',
  external_id: 'STRIPE_pi_3NkZ2aLkdIwHu7ix0T9gYb5d',
  company_id: '6f1c2b8e-4d5a-4c7e-9b1a-2f3e4d5c6b7a',
  payment_gateway_company_id: 'acct_1',
  company_sector: 'food_and_beverage',
  payment_gateway_id: 'a1b2c3d4-e5f6-4a7b-8c9d-0e1f2a3b4c5d',
  payment_gateway_order_transaction_id: 'inv_0000042',
  order_amount: 153.86,
  total_amount: 154,
  currency: 'NOK',
  charity_id: 'c4a71e1d-6c2b-4f0e-9d3a-7b8c9d0e1f2a',
  donation_cause: 'clean-oceans',
  donation_amount: 0.14,
  donation_currency: 'NOK',
  created_date: '2026-03-05T22:30:00.000Z',
  updated_date: '2026-03-05T22:30:02.000Z',
  consumer_user_id: '',
  consumer_user_full_name: 'Kari Nordmann',
  consumer_user_email: '',
  consumer_user_phone: '+4799999999',
  billable_address: { street_address: '', city: 'Oslo', region_state: '', zip_code: '', country: 'NO' },
  transaction_status: 'paid',
  hmac: 'ab',
  refunded_amount: 0,
  reconciliation_id: 'rec_0123456789abcdef',
};

describe('Cents transactions', () => {
  it('turn major-unit floats into exact minor units; order + donation lines add up to the total', () => {
    const r = ok(centsOutcome(tx, rc));
    expect(r).toMatchObject({
      provider: 'cents',
      externalId: tx.id,
      kind: 'capture',
      amountMinor: 15400,
      currency: 'NOK',
      status: 'completed',
      providerStatus: 'paid',
      occurredAt: '2026-03-05T22:30:00.000Z',
      businessDate: '2026-03-05',
      customerName: 'Kari Nordmann',
      customerEmail: null,
      customerPhone: '+4799999999',
      method: 'STRIPE',
    });
    expect(r.lines.map((l) => [l.category, l.lineGrossMinor])).toEqual([
      ['order', 15386],
      ['donation', 14],
    ]);
    // 0.29 * 100 is 28.999999999999996 in binary floating point; the shortest decimal form is exact.
    expect(
      ok(centsOutcome({ ...tx, order_amount: 0.29, total_amount: 1, donation_amount: 0.71 }, rc)).lines[0]
        ?.lineGrossMinor,
    ).toBe(29);
    expect(ok(centsOutcome({ ...tx, created_date: '2026-03-05T23:30:00Z' }, rc)).businessDate).toBe(
      '2026-03-06',
    );
    expect(ok(centsOutcome({ ...tx, created_date: '2026-03-05' }, rc)).businessDate).toBe('2026-03-05');
  });

  it('keep every reference: the prefixed external_id whole and bare, reconciliation_id, order id', () => {
    expect(ok(centsOutcome(tx, rc)).references).toEqual([
      { kind: 'id', value: tx.id },
      { kind: 'external_id', value: 'STRIPE_pi_3NkZ2aLkdIwHu7ix0T9gYb5d' },
      { kind: 'gateway_id', value: 'pi_3NkZ2aLkdIwHu7ix0T9gYb5d' },
      { kind: 'reconciliation_id', value: 'rec_0123456789abcdef' },
      { kind: 'order_id', value: 'inv_0000042' },
    ]);
  });

  it('read donation_amount in either documented unit', () => {
    // A float with a fraction is major units.
    expect(donationToMinor(0.14, 'NOK', 14)).toBe(14);
    expect(donationToMinor('0.14', 'NOK', null)).toBe(14);
    // An integer that is the whole round-up in major units (order 153.00, total 154.00).
    expect(donationToMinor(1, 'NOK', 100)).toBe(100);
    // An integer in minor units, as the API reference documents it.
    expect(donationToMinor(14, 'NOK', 14)).toBe(14);
    expect(donationToMinor(14, 'NOK', null)).toBe(14);
    // JPY has no minor unit: both readings agree.
    expect(donationToMinor(100, 'JPY', 100)).toBe(100);
    const whole = ok(centsOutcome({ ...tx, order_amount: 153, total_amount: 154, donation_amount: 1 }, rc));
    expect(whole.lines[1]?.lineGrossMinor).toBe(100);
    const minor = ok(centsOutcome({ ...tx, donation_amount: 14 }, rc));
    expect(minor.lines[1]?.lineGrossMinor).toBe(14);
  });

  it('map every status, keep unknown ones raw, and tell partial refunds from full ones', () => {
    const status = (transaction_status: string, refunded_amount = 0) =>
      ok(centsOutcome({ ...tx, transaction_status, refunded_amount }, rc));
    expect(Object.keys(CENTS_STATUS).sort()).toEqual(
      ['disputed', 'draft', 'failed', 'paid', 'pre_transaction', 'refunded', 'to_be_payed'].sort(),
    );
    expect(status('pre_transaction').status).toBe('pending');
    expect(status('draft').status).toBe('pending');
    expect(status('to_be_payed').status).toBe('pending');
    expect(status('paid').status).toBe('completed');
    expect(status('disputed').status).toBe('disputed');
    expect(status('failed').status).toBe('failed');
    expect(status('refunded', 153.86).status).toBe('refunded');
    expect(status('refunded', 154).status).toBe('refunded');
    expect(status('refunded', 50.5).status).toBe('partially_refunded');
    expect(status('paid', 50.5).status).toBe('partially_refunded');
    expect(status('refunded').status).toBe('refunded');
    expect(status('chargeback_pending')).toMatchObject({
      status: 'unknown',
      providerStatus: 'chargeback_pending',
    });
  });

  it('quarantine a broken record with the reason', () => {
    const { id: _id, ...rest } = tx;
    const o = centsOutcome({ ...rest, total_amount: '12,5O kr', order_amount: '12,5O kr' }, rc);
    expect(o).toMatchObject({ ok: false, externalId: null });
    expect(!o.ok && o.error).toMatch(/total_amount/);
    const badCurrency = centsOutcome({ ...tx, currency: 'KRONER' }, rc);
    expect(badCurrency).toMatchObject({ ok: false, externalId: tx.id });
  });
});

describe('Cents config', () => {
  it('builds the Cognito token URL from a domain prefix and region, or takes it whole', () => {
    const prefix = centsConfigSchema.parse({
      clientId: 'x',
      cognitoDomain: 'cents-prod',
      region: 'eu-west-1',
    });
    expect(centsTokenUrl(prefix)).toBe('https://cents-prod.auth.eu-west-1.amazoncognito.com/oauth2/token');
    const host = centsConfigSchema.parse({ clientId: 'x', cognitoDomain: 'auth.centsdonations.com' });
    expect(centsTokenUrl(host)).toBe('https://auth.centsdonations.com/oauth2/token');
    expect(centsConfigSchema.safeParse({ clientId: 'x', cognitoDomain: 'cents-prod' }).success).toBe(false);
    expect(
      centsConfigSchema.parse({ clientId: 'x', tokenUrl: 'https://t.example/oauth2/token' }).baseUrl,
    ).toBe('https://api.centsdonations.com/v1');
  });
});
