import { describe, expect, it } from 'vitest';
import { moneyDirection } from '../../../src-main/core/model/money-direction.ts';
import { describeRecord, paidWith, referenceLabel } from '../../../src-main/core/providers/describe.ts';
import {
  humanizeField,
  productsText,
  type RecordFacts,
} from '../../../src-main/core/providers/shared/words.ts';

const facts = (patch: Partial<RecordFacts & { customerName: string | null }> = {}) => ({
  kind: 'capture' as const,
  status: 'completed' as const,
  providerStatus: null,
  externalId: 'x',
  amountMinor: 100,
  method: null,
  network: null,
  customerName: null,
  providerText: null,
  references: {},
  lines: [],
  ...patch,
});
const line = (name: string, quantity = 1, category: string | null = null) => ({ name, quantity, category });

describe('descriptions', () => {
  it('names up to three products, a quantity above one, and how many more there are', () => {
    expect(productsText([line('Coffee', 2), line('Bun')])).toBe('2 × Coffee, Bun');
    expect(productsText([line('A'), line('B'), line('C'), line('D'), line('E')])).toBe('A, B, C + 2 more');
    // A refund's lines count back; the kind already says it is a refund.
    expect(productsText([line('Bun', -1), line('Tea', -2)])).toBe('Bun, 2 × Tea');
    expect(productsText([line('Newspaper'), line('Tips'), line('Newspaper')])).toBe('2 × Newspaper, Tips');
    expect(productsText([line('  ')])).toBeNull();
    expect(productsText([])).toBeNull();
  });

  it('builds a SentryPOS sale from its products, customer and card network', () => {
    const sale = facts({
      kind: 'sale',
      network: 'VIPPS',
      customerName: 'Kari Nordmann',
      lines: [line('Coffee', 2), line('Bun')],
    });
    expect(describeRecord('sentrypos', sale)).toBe('2 × Coffee, Bun · Kari Nordmann · Vipps');
    expect(describeRecord('sentrypos', facts({ kind: 'sale', network: 'MASTERCARD' }))).toBe('Mastercard');
    expect(describeRecord('sentrypos', facts({ kind: 'sale' }))).toBe('Sale');
  });

  it('reads every Vipps ledger entry type in plain words, and names one it does not know', () => {
    const entry = (providerStatus: string, externalId = 'funds:1:x', reference?: string) =>
      describeRecord(
        'vipps',
        facts({ providerStatus, externalId, references: reference ? { reference } : {} }),
      );
    expect(entry('payout-scheduled')).toBe('Paid out to your bank');
    expect(entry('scheduled-for-payout')).toBe('Paid out to your bank');
    expect(entry('capture', 'funds:1:c', 'inv_7')).toBe('Settled payment for order inv_7');
    expect(entry('capture-fee', 'fees:1:c', 'inv_7')).toBe('Fee for the payment of order inv_7');
    expect(entry('fees-retained')).toBe('Fees kept back from the takings');
    expect(entry('brand-new-type')).toBe('Vipps ledger entry “brand-new-type”');
    const sales = (patch: Partial<RecordFacts>) =>
      describeRecord('vipps', facts({ externalId: 'sales:1:capture:9', ...patch }));
    expect(sales({ providerText: 'VARIABLE_AMOUNT', method: 'WALLET' })).toBe(
      'Amount typed in at the till · Vipps app',
    );
    expect(sales({ providerText: 'MPOS · FOOD', method: 'CARD', lines: [line('Sandwich')] })).toBe(
      'Sandwich · Card',
    );
  });

  it('describes TGI, SensePass and Cents records by what their providers send', () => {
    expect(describeRecord('tgi', facts({ references: { cid: 'OSL001', tid: 'qPuAHhbw' } }))).toBe(
      'Payment from customer OSL001',
    );
    expect(describeRecord('tgi', facts({ kind: 'refund', references: { cid: 'OSL001' } }))).toBe(
      'Refund to customer OSL001',
    );
    expect(describeRecord('sensepass', facts({ providerText: 'Café POS 1', method: 'CreditCard' }))).toBe(
      'At Café POS 1 · Credit card',
    );
    const cents = facts({
      method: 'STRIPE',
      customerName: 'Lars Johansen',
      lines: [line('Order', 1, 'order'), line('Donation (clean-oceans)', 1, 'donation')],
    });
    expect(describeRecord('cents', cents)).toBe(
      'Order + round-up for clean oceans · Lars Johansen · Card (Stripe)',
    );
    expect(describeRecord('cents', facts({ providerStatus: 'pre_transaction' }))).toBe(
      'Card check before the payment',
    );
  });

  it('says how a record was paid in its owner’s spelling, or as sent when it is not known', () => {
    expect(paidWith('sentrypos', { method: null, network: 'AMEX' })).toBe('American Express');
    expect(paidWith('vipps', { method: 'WALLET', network: null })).toBe('Vipps app');
    expect(paidWith('sensepass', { method: 'PayPal', network: null })).toBe('PayPal');
    expect(paidWith('tgi', { method: null, network: null })).toBeNull();
  });
});

describe('reference labels', () => {
  it('labels each provider’s references, and reads a merchant’s own keys as words', () => {
    expect(referenceLabel('vipps', 'pspReference')).toBe('Vipps reference');
    expect(referenceLabel('vipps', 'recipientHandle')).toBe('Vipps merchant');
    expect(referenceLabel('vipps', 'ledgerId')).toBe('Settlement ledger');
    expect(referenceLabel('sentrypos', 'invoiceId')).toBe('Invoice number');
    expect(referenceLabel('tgi', 'tid')).toBe('Transaction id');
    expect(referenceLabel('cents', 'reconciliation_id')).toBe('Reconciliation id');
    // SensePass posData is keyed by the merchant: a common name, else the key as words.
    expect(referenceLabel('sensepass', 'invoiceId')).toBe('Invoice number');
    expect(referenceLabel('sensepass', 'tableNumber')).toBe('Table number');
    expect(humanizeField('till_receipt-no')).toBe('Till receipt no');
  });
});

describe('money direction', () => {
  it('reads a payout as money to the bank, refunds and fees as money out, whatever their sign', () => {
    expect(moneyDirection('payout', -5_815_369)).toBe('bank');
    expect(moneyDirection('fee', 86)).toBe('out');
    expect(moneyDirection('fee', -60_538)).toBe('out');
    expect(moneyDirection('refund', -500)).toBe('out');
    expect(moneyDirection('sale', 12_950)).toBe('in');
    expect(moneyDirection('adjustment', 4_760)).toBe('in');
    expect(moneyDirection('adjustment', -100)).toBe('out');
  });
});
