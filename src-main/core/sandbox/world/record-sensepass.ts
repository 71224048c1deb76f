import { fxRate } from './catalog.ts';
import { convertMinor, minorToDecimalString, minorToFloat } from './money.ts';
import type { Rng } from './prng.ts';
import { linkOf, referenceFor, type PaymentPlan, type SalePlan } from './sale-plan.ts';
import type { WorldWriter } from './writer.ts';

export const SENSEPASS_STATUS_NAMES: Record<number, string> = {
  0: 'Initialize',
  1: 'Tap Detected',
  2: 'User Approved',
  3: 'User Declined',
  4: 'Proccessing Payment',
  5: 'Transaction Approved',
  6: 'Transaction Declined',
  7: 'Transaction Failed',
  8: 'Transaction Timeout',
  9: 'Transaction Cancel',
  10: 'Waiting For Tap',
  11: 'Transaction Refund',
  12: 'Transaction Processing Refund',
  13: 'Transaction Partially Refunded',
};

export const BUSINESS = {
  businessId: '9574846265849362',
  businessName: 'Posrecon Demo Café',
  pos: 'Posrecon Demo Café POS 1',
};

/**
 * One SensePass transaction. `amount` is a decimal string in some records and a number in others
 * (both occur on the real API); refunds change the record's status rather than adding a record, and
 * a partial refund keeps its stale "Transaction Approved" statusName: trust the code, not the name.
 */
export function sensePassRecord(
  rng: Rng,
  fields: {
    number: string;
    dateMs: number;
    amountMinor: number;
    currency: string;
    status: number;
    bit: boolean;
    invoiceId: string | null;
    refundedMinor: number;
  },
): Record<string, unknown> {
  const dec = minorToDecimalString(fields.amountMinor, fields.currency);
  const statusName =
    fields.status === 13 ? SENSEPASS_STATUS_NAMES[5] : (SENSEPASS_STATUS_NAMES[fields.status] ?? 'Unknown');
  return {
    TransactionNumber: fields.number,
    date: new Date(fields.dateMs).toISOString(),
    amount: rng.chance(0.5) ? dec : minorToFloat(fields.amountMinor, fields.currency),
    baseAmount: dec,
    currency: fields.currency,
    status: fields.status,
    statusName,
    timeoutDate: new Date(fields.dateMs + 903_000).toISOString(),
    maxInstallments: 1,
    reason: fields.status === 6 ? 'Card declined' : null,
    methodType: fields.bit ? 4 : 1,
    ...BUSINESS,
    businessOwnerPhone: '123456789',
    businessCountry: 'Israel',
    businessCity: 'Tel Aviv',
    businessStreet: 'Menachem Begin',
    businessHouseNumber: 144,
    businessAddress: 'Tel Aviv, Menachem Begin 144',
    locale: { language: 'en' },
    metadata: { receiptSaveUid: rng.uuid(), transactionEventId: rng.uuid() },
    posData: fields.invoiceId === null ? {} : { invoiceId: fields.invoiceId },
    products: [],
    productsSum: {
      allAmountSum: '0.00',
      allTipSum: 'NaN',
      allVatSum: '0.00',
      allTotalSum: '0.00',
      allDiscountSum: '0.00',
      allDiscountedAmountSum: '0.00',
    },
    paymentDetails: { type: 'Manual_Capture', paymentMethod: fields.bit ? 'Bit' : 'CreditCard' },
    paymentMethodImages: {},
    balance: minorToFloat(fields.amountMinor - fields.refundedMinor, fields.currency),
    clientPhoneNumber: null,
    clientEmail: null,
  };
}

export function insertSensePass(w: WorldWriter, rec: Record<string, unknown>, amountMinor: number): void {
  w.sensepass(
    {
      number: String(rec.TransactionNumber),
      dateMs: Date.parse(String(rec.date)),
      status: Number(rec.status),
      amountMinor,
      currency: String(rec.currency),
      methodType: Number(rec.methodType),
    },
    rec,
  );
}

export function writeSensePass(
  w: WorldWriter,
  rng: Rng,
  sale: SalePlan,
  p: PaymentPlan,
  shopCurrency: string,
): void {
  const currency = p.currency;
  const rate = fxRate(shopCurrency, currency);
  const amountMinor = convertMinor(p.amount + p.tip, shopCurrency, currency, rate);
  const invoiceId = referenceFor(p, sale.invoiceId, rng);
  const bit = p.network === 'BIT';
  const link = linkOf(sale, p);
  const add = (number: string, dateMs: number, status: number, refundedMinor: number, role: string) => {
    const rec = sensePassRecord(rng, {
      number,
      dateMs,
      amountMinor,
      currency,
      status,
      bit,
      invoiceId,
      refundedMinor,
    });
    insertSensePass(w, rec, amountMinor);
    w.truth(link, 'sensepass', 'transactions', role, { TransactionNumber: number });
    return rec;
  };
  if (p.failedFirst) add(rng.hex(56), p.providerTimeMs - 90_000, 6, 0, 'failed-attempt');
  const refund = p.refund;
  const refundedMinor = refund ? convertMinor(refund.amount, shopCurrency, currency, rate) : 0;
  const status = p.pending ? 4 : refund ? (refund.kind === 'full' ? 11 : 13) : 5;
  const number = rng.hex(56);
  const rec = add(
    number,
    p.providerTimeMs,
    status,
    refundedMinor,
    refund ? `payment+${refund.kind}-refund` : 'payment',
  );
  if (p.duplicate) {
    insertSensePass(w, rec, amountMinor);
    w.truth(link, 'sensepass', 'transactions', 'duplicate-notification', { TransactionNumber: number });
  }
  if (p.duplicateChargeDelayMs > 0)
    add(rng.hex(56), p.providerTimeMs + p.duplicateChargeDelayMs, 5, 0, 'duplicate-charge');
}
