import type { OperationOutput } from '../../src-main/core/api/contract.ts';

type Summary = OperationOutput<'reconcile:summary'>;
type Item = OperationOutput<'reconcile:list'>['items'][number];
type Explanation = OperationOutput<'reconcile:explain'>;
type Candidates = OperationOutput<'reconcile:candidates'>;

const CLASSES = [
  ['sale_without_payment', 'Sales with no payment'],
  ['payment_without_sale', 'Payments with no sale'],
  ['amount_mismatch', 'Amounts that differ by more than a tip'],
  ['duplicate_charge', 'Duplicate charges'],
  ['refund_without_original', 'Refunds with no original payment'],
  ['pending_too_long', 'Payments pending too long'],
  ['payout_difference', 'Payouts that differ from what they settle'],
  ['mistyped_reference', 'Mistyped references, matched anyway'],
] as const;

export function summary(overrides: Partial<Summary> = {}, review = 2): Summary {
  return {
    from: null,
    to: null,
    reconciled: true,
    totals: {
      sales: 120,
      linked: 110,
      review,
      unmatched: 1,
      explained: 7,
      unmatchedPayments: 1,
      linkedShare: 110 / 113,
    },
    rows: [
      {
        date: '2026-11-30',
        provider: 'tgi',
        linked: 40,
        review,
        unmatched: 0,
        explained: 0,
        money: [{ currency: 'NOK', linkedMinor: 1_234_500, reviewMinor: 25_102, unmatchedMinor: 0 }],
      },
      {
        date: '2026-11-30',
        provider: 'vipps',
        linked: 70,
        review: 0,
        unmatched: 1,
        explained: 0,
        money: [{ currency: 'NOK', linkedMinor: 2_000_000, reviewMinor: 0, unmatchedMinor: 73_890 }],
      },
    ],
    classes: CLASSES.map(([c, label]) => ({
      class: c,
      label,
      count: c === 'sale_without_payment' || c === 'payment_without_sale' ? 1 : 0,
      money: [],
    })),
    explained: { cash: 7, failedAttempts: 0, pendingYoung: 0 },
    payouts: [],
    warnings: [],
    ...overrides,
  };
}

export function item(n: number, overrides: Partial<Item> = {}): Item {
  return {
    key: `sale:conn:inv_${n}`,
    kind: 'sale',
    date: '2026-11-30',
    state: 'review',
    class: null,
    providers: 'tgi',
    currency: 'NOK',
    amountMinor: 12_551,
    score: 0.97,
    version: `v${n}`,
    text: `Sale inv_${n} of NOK 125.51 on 30 November 2026 may have been paid through TGI: please check the suggestion.`,
    transactionIds: [n * 10, n * 10 + 1],
    ...overrides,
  };
}

export function explanation(n: number, overrides: Partial<Explanation> = {}): Explanation {
  const member = (id: number, role: 'sale' | 'payment', provider: string) => ({
    id,
    provider,
    connectionId: 'conn',
    externalId: `x${id}`,
    role,
    kind: role === 'sale' ? 'sale' : 'capture',
    amountMinor: 12_551,
    currency: 'NOK',
    status: 'completed',
    occurredAt: '2026-11-30T10:26:50.000Z',
    businessDate: '2026-11-30',
    references: [
      role === 'sale'
        ? { kind: 'invoiceId', label: 'Invoice number', value: `inv_${n}` }
        : { kind: 'tid', label: 'Transaction id', value: 'bDbGqAdH' },
    ],
  });
  return {
    key: `sale:conn:inv_${n}`,
    kind: 'sale',
    state: 'review',
    method: 'score',
    score: 0.97,
    version: `v${n}`,
    anchorDate: '2026-11-30',
    currency: 'NOK',
    saleMinor: 12_551,
    paidMinor: 12_551,
    text: `Sale inv_${n} of NOK 125.51 on 30 November 2026, paid through TGI.`,
    members: [member(n * 10, 'sale', 'sentrypos'), member(n * 10 + 1, 'payment', 'tgi')],
    pairs: [
      {
        tenderId: n * 10,
        paymentId: n * 10 + 1,
        how: 'score',
        status: 'suggested',
        score: 0.97,
        fields: [
          {
            field: 'amount',
            label: 'Amount',
            score: 1,
            note: 'equal',
            detail: { sale: 12_551, paid: 12_551, difference: 0 },
          },
          {
            field: 'time',
            label: 'Time',
            score: 1,
            note: '5 min 21 s after the sale',
            detail: { seconds: 321 },
          },
          {
            field: 'method',
            label: 'Payment method',
            score: 0.8,
            note: 'card, through a card provider',
            detail: { sale: 'MASTERCARD', paid: 'tgi' },
          },
        ],
        runnerUp: {
          paymentId: 999,
          tenderId: n * 10,
          score: 0.61,
          fields: [{ field: 'time', label: 'Time', score: 0.2, note: '3 h after the sale', detail: {} }],
          why: 'It lost on time: 3 h after the sale.',
          record: {
            side: 'payment',
            provider: 'tgi',
            amountMinor: 12_551,
            currency: 'NOK',
            occurredAt: '2026-11-30T13:31:02.000Z',
            businessDate: '2026-11-30',
            references: [{ kind: 'tid', label: 'Transaction id', value: 'zzQ9xY' }],
          },
        },
      },
    ],
    refunds: [],
    payouts: [],
    discrepancies: [],
    decisions: [],
    ...overrides,
  };
}

export function candidates(key: string): Candidates {
  return {
    record: {
      id: 70,
      side: 'sale',
      groupKey: key,
      currency: 'NOK',
      amountMinor: 36_945,
      occurredAt: '2026-11-11T09:27:03.000Z',
    },
    window: {
      minMinor: 36_945,
      maxMinor: 36_945,
      from: '2026-11-10T09:27:03.000Z',
      to: '2026-11-12T09:27:03.000Z',
    },
    items: [
      {
        id: 16_997,
        provider: 'tgi',
        kind: 'capture',
        amountMinor: 36_945,
        currency: 'NOK',
        occurredAt: '2026-11-11T09:31:19.000Z',
        businessDate: '2026-11-11',
        customerName: null,
        reference: 'OSL002',
        differenceMinor: 0,
        secondsApart: 256,
        groupKey: null,
        groupVersion: null,
        linkable: true,
        note: 'Not part of any sale.',
        link: { groupKey: key, version: 'u1', transactionId: 16_997 },
      },
      {
        id: 4042,
        provider: 'vipps',
        kind: 'capture',
        amountMinor: 36_945,
        currency: 'NOK',
        occurredAt: '2026-11-11T09:25:55.000Z',
        businessDate: '2026-11-11',
        customerName: null,
        reference: '302321',
        differenceMinor: 0,
        secondsApart: -68,
        groupKey: 'sale:conn:inv_other',
        groupVersion: 'o1',
        linkable: false,
        note: 'Already pays sale inv_other: unlink it there first.',
        link: { groupKey: key, version: 'u1', transactionId: 4042 },
      },
    ],
  };
}
