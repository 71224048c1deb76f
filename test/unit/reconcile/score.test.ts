import { describe, expect, it } from 'vitest';
import { DecisionIndex, type DecisionRow } from '../../../src-main/core/reconcile/decision-index.ts';
import { describeDiscrepancy, formatMoney } from '../../../src-main/core/reconcile/describe.ts';
import type { Rec } from '../../../src-main/core/reconcile/load-day.ts';
import {
  ReconcileSettings,
  DEFAULT_RECONCILE_SETTINGS,
} from '../../../src-main/core/reconcile/reconcile-settings.ts';
import { amountField, refSimilarity, scorePair } from '../../../src-main/core/reconcile/score.ts';
import { rec } from '../../support/reconcile-rec.ts';

const settings = ReconcileSettings.parse({
  ...DEFAULT_RECONCILE_SETTINGS,
  fxRates: [{ currency: 'ILS', rate: 2.94, from: '2026-01-01', to: null }],
});

const sale = rec({});
const pay = (over: Partial<Rec>) =>
  rec({ id: 2, provider: 'tgi', kind: 'capture', network: null, refs: [], ...over });

describe('amount fit', () => {
  it('equal, a tip on the receipt, a tip within the allowance, and a difference', () => {
    expect(amountField(sale, pay({}), settings).fit).toBe('equal');
    expect(
      amountField(sale, pay({ provider: 'vipps', amount: 12000, tipMinor: 2000 }), settings).field.score,
    ).toBe(1);
    // 100 NOK on a 100 NOK sale is 100 %: above 30 %, but within the 100 NOK allowance.
    expect(amountField(sale, pay({ amount: 20000 }), settings).fit).toBe('tip');
    expect(amountField(sale, pay({ amount: 20001 }), settings).fit).toBe('differs');
    expect(amountField(sale, pay({ amount: 9990 }), settings).fit).toBe('differs');
  });

  it('converts a foreign payment with the rate in force, within the tolerance, and says when there is none', () => {
    // 100 NOK at 2.94 NOK per ILS is ILS 34.01; the record rounds to ILS 34.00.
    const f = amountField(sale, pay({ provider: 'sensepass', currency: 'ILS', amount: 3400 }), settings);
    expect(f.fit).toBe('equal');
    expect(f.field.detail).toMatchObject({ converted: 9996, rate: 2.94, paidCurrency: 'ILS' });
    expect(amountField(sale, pay({ currency: 'USD', amount: 930 }), settings).fit).toBe('no-rate');
    expect(amountField(sale, pay({ currency: 'ILS', amount: 3400, date: '2025-12-31' }), settings).fit).toBe(
      'no-rate',
    );
  });

  it('matches Cents on the order amount, not the total with its round-up donation', () => {
    expect(
      amountField(sale, pay({ provider: 'cents', amount: 10100, orderMinor: 10000 }), settings).fit,
    ).toBe('equal');
  });
});

describe('scores', () => {
  it('reads every way a reference gets mistyped as nearly the same', () => {
    const ref = 'inv_00001234abcd';
    for (const typo of [
      'inv_00001243abcd',
      'inv_00001234ab',
      'INV_00001234ABCD',
      ' inv_00001234abcd ',
      'inv_0001234abcd',
    ])
      expect(refSimilarity(ref, typo), typo).toBeGreaterThanOrEqual(0.75);
    expect(refSimilarity(ref, 'mpos-9f8e7d6c5b')).toBeLessThan(0.5);
    const s = scorePair(sale, pay({ provider: 'cents', refs: ['INV_00001234ABCD'] }), settings, 0);
    expect(s.referenceFit).toBe('similar');
    expect(s.fields.reference.note).toMatch(/mistyped/);
  });

  it('never pairs a wallet tender with another provider, nor a card tender with cash', () => {
    expect(scorePair(rec({ network: 'VIPPS' }), pay({}), settings, 0).score).toBe(0);
    expect(
      scorePair(rec({ network: 'CASH' }), pay({ provider: 'vipps', method: 'WALLET' }), settings, 0).score,
    ).toBe(0);
    expect(
      scorePair(rec({ network: 'VIPPS' }), pay({ provider: 'vipps', method: 'WALLET' }), settings, 0).score,
    ).toBe(1);
  });

  it('forgives a provider clock that runs off once its offset is known, but not an hour away', () => {
    const late = pay({ atMs: sale.atMs + 4 * 60_000 });
    expect(scorePair(sale, late, settings, 0).fields.time.score).toBeLessThan(1);
    expect(scorePair(sale, late, settings, 4 * 60_000).fields.time.score).toBe(1);
    expect(scorePair(sale, pay({ atMs: sale.atMs + 3_600_000 }), settings, 0).score).toBe(0);
  });

  it('leaves out what a side does not have, so a provider with no reference can still score full marks', () => {
    const s = scorePair(sale, pay({ atMs: sale.atMs + 10_000 }), settings, 0);
    expect(s.fields.reference.score).toBeNull();
    expect(s.fields.customer.score).toBeNull();
    expect(s.score).toBeGreaterThanOrEqual(settings.autoAcceptScore);
  });
});

describe('decisions in force', () => {
  const row = (id: number, action: DecisionRow['action'], sale = 's1'): DecisionRow => ({
    id,
    at: '',
    actor: 'me',
    action,
    sale_key: sale,
    record_provider: 'tgi',
    record_connection: 'c',
    record_external_id: 'T1',
    group_key: null,
    undone_at: null,
  });
  it('the latest decision on a pair wins', () => {
    const a = new DecisionIndex([row(1, 'reject'), row(2, 'link')]);
    expect(a.linked('s1')).toEqual(['tgi:c:T1']);
    expect(a.rejected('s1', 'tgi:c:T1')).toBe(false);
    expect(a.saleOf('tgi:c:T1')).toBe('s1');
    const b = new DecisionIndex([row(1, 'accept'), row(2, 'unlink')]);
    expect(b.linked('s1')).toEqual([]);
    expect(b.rejected('s1', 'tgi:c:T1')).toBe(true);
  });
  it('answers for a record as for its stable key, and for a record no decision names', () => {
    const a = new DecisionIndex([row(1, 'link'), row(2, 'reject', 's2')]);
    const named = { provider: 'tgi', connectionId: 'c', externalId: 'T1' };
    expect(a.saleOf(named)).toBe('s1');
    expect(a.rejected('s2', named)).toBe(true);
    expect(a.rejected('s1', named)).toBe(false);
    // Same external id at another connection: another record.
    expect(a.saleOf({ ...named, connectionId: 'd' })).toBeUndefined();
    expect(a.rejected('s2', { ...named, externalId: 'T2' })).toBe(false);
  });
});

describe('sentences', () => {
  it('say what happened in a shop manager’s words, with the currency code and the day', () => {
    expect(formatMoney(1234050, 'NOK')).toBe('NOK 12,340.50');
    expect(formatMoney(1500, 'JPY')).toBe('JPY 1,500');
    expect(
      describeDiscrepancy({
        class: 'payout_difference',
        date: '2026-03-03',
        provider: 'vipps',
        currency: 'NOK',
        amountMinor: -1840,
        invoice: null,
        reference: null,
        expectedMinor: 1235840,
        actualMinor: 1234000,
        pendingDays: null,
      }),
    ).toBe(
      'Vipps paid out NOK 12,340.00 on 3 March 2026, NOK 18.40 less than the captures minus refunds and fees it settles.',
    );
  });
});
