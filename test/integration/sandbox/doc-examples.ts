// Shapes of the example responses on the providers' pages (../shared/providers/*.txt), copied down to
// one record each. Values only give each field's type; `null` means "any type, or null".

import { docListPage } from '../../unit/providers/sensepass/doc-examples.ts';

export const SENTRYPOS_SALES = {
  sales: [
    {
      id: 'pay_abc123',
      invoiceId: 'inv_abc123',
      customer: null,
      amountCents: 2500,
      status: 'COMPLETED',
      network: 'VISA',
      createdAt: '2026-02-15T14:30:00Z',
      completedAt: null, // a timestamp; null while PENDING and on FAILED attempts
    },
  ],
  pagination: { total: 42, limit: 100, hasMore: false },
};

export const SENTRYPOS_SUMMARY = {
  summary: {
    totalAmountCents: 125000,
    totalTransactions: 42,
    averageTransactionCents: 2976,
    successRate: 0.95,
  },
  dailyBreakdown: [{ date: '2026-02-01', amountCents: 5000, transactions: 2, successfulTransactions: 2 }],
  networkBreakdown: [{ network: 'VISA', amountCents: 65000, transactions: 22, percentage: 0.52 }],
};

const LINE = {
  lineId: 's',
  name: 's',
  quantity: 0,
  unitPriceGross: 0,
  unitPriceNet: 0,
  discountTotal: 0,
  lineTotalGross: 0,
  lineTotalNet: 0,
  vatRate: 0,
  vatAmount: 0,
  category: 's',
};

export const VIPPS_SALES_PAGE = {
  items: [
    {
      entryType: 'capture',
      time: '2019-08-24T14:15:22Z',
      pspReference: null,
      reference: 's',
      currency: 's',
      paymentType: 'CARD',
      amounts: { gross: 0, net: 0, vat: 0 },
      lines: [LINE],
      customer: null,
      classification: { solution: 'VARIABLE_AMOUNT', salesCategory: null },
      completeness: { hasLineItems: true, hasVatBreakdown: true, hasCustomerIdentity: true },
    },
  ],
  cursor: 's',
  hasMore: true,
};

export const TGI_LIST = {
  query: { limit: 50, results: 50, totalRecords: 3200 },
  page: { total: 64, current: 1, next: 2, prev: 1 },
  cursor: { prevUrl: null, nextUrl: '/transactions?limit=50&page=2' },
  data: [{ tid: 'HIWRLD' }],
};

export const TGI_POST_REPLY = { status: 200, message: '2 transactions received', runId: 'EZmKByjAvm' };

/** The SensePass page's list example, as the normalizer tests hold it; `amount` may be either type. */
export const SENSEPASS_LIST = {
  ...docListPage,
  data: [{ ...docListPage.data[0], amount: null }],
};

/** Every field the Cents schema marks, with its documented type (floats as numbers). */
export const CENTS_LIST = {
  data: [
    {
      id: 's',
      external_id: 's',
      company_id: 's',
      payment_gateway_company_id: 's',
      company_sector: 's',
      payment_gateway_id: 's',
      payment_gateway_order_transaction_id: 's',
      order_amount: 1.5,
      total_amount: 1.5,
      currency: 's',
      charity_id: 's',
      donation_cause: 's',
      donation_amount: 1.5,
      donation_currency: 's',
      created_date: 's',
      updated_date: 's',
      consumer_user_id: 's',
      consumer_user_full_name: 's',
      consumer_user_email: 's',
      consumer_user_phone: 's',
      billable_address: { street_address: 's', city: 's', region_state: 's', zip_code: 's', country: 's' },
      transaction_status: 's',
      hmac: 's',
      refunded_amount: 1.5,
      reconciliation_id: 's',
    },
  ],
  last_key: 's',
};

/** Recursively: every key of the example is present in the actual value with the same JSON type. */
export function shapeMismatches(example: unknown, actual: unknown, path = '$'): string[] {
  if (example === null) return [];
  const type = (v: unknown) => (v === null ? 'null' : Array.isArray(v) ? 'array' : typeof v);
  if (type(example) !== type(actual)) return [`${path}: expected ${type(example)}, got ${type(actual)}`];
  if (Array.isArray(example)) {
    const arr = actual as unknown[];
    if (example.length === 0) return [];
    if (arr.length === 0) return [`${path}: empty array, cannot check its items`];
    return arr.flatMap((item, i) => shapeMismatches(example[0], item, `${path}[${i}]`));
  }
  if (typeof example === 'object') {
    const obj = actual as Record<string, unknown>;
    return Object.entries(example as Record<string, unknown>).flatMap(([k, v]) =>
      k in obj ? shapeMismatches(v, obj[k], `${path}.${k}`) : [`${path}.${k}: missing`],
    );
  }
  return [];
}
