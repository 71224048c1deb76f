import type { ConnectionInfo, RecordOutcome } from '../connector.ts';
import { majorToMinor, money } from '../../model/money.ts';
import type { NormalizedStatus, TransactionLine } from '../../model/transaction.ts';
import { canonical, instantFields, References, text } from '../shared/canonical.ts';
import { toOutcome } from '../shared/records.ts';
import { SensePassTransaction, type SensePassConfirmation, type SensePassProduct } from './wire.ts';

/**
 * Every documented status code. The code is the truth: a doc example pairs `status: 0` with
 * "Transaction Approved", and a partial refund keeps a stale `statusName`, so the name is only kept raw.
 */
export const SENSEPASS_STATUS: Readonly<Record<number, { name: string; status: NormalizedStatus }>> = {
  0: { name: 'Initialize', status: 'pending' },
  1: { name: 'TapDetected', status: 'pending' },
  2: { name: 'UserApproved', status: 'pending' },
  3: { name: 'UserDeclined', status: 'cancelled' },
  4: { name: 'ProccessingPayment', status: 'pending' },
  5: { name: 'TransactionApproved', status: 'completed' },
  6: { name: 'TransactionDeclined', status: 'failed' },
  7: { name: 'TransactionFailed', status: 'failed' },
  8: { name: 'TransactionTimeout', status: 'failed' },
  9: { name: 'TransactionCancel', status: 'cancelled' },
  10: { name: 'WaitingForTap', status: 'pending' },
  11: { name: 'TransactionRefund', status: 'refunded' },
  // The refund is under way; the money is on its way back, and a later sync records if it fails.
  12: { name: 'TransactionProcessingRefund', status: 'refunded' },
  13: { name: 'TransactionPartiallyRefunded', status: 'partially_refunded' },
};

export interface SensePassNormalizeContext {
  connection: Pick<ConnectionInfo, 'id' | 'provider'>;
  shopTimeZone: string;
}

const CONFIRMATION_REFERENCES = [
  'confirmationNumber',
  'fullConfirmationCode',
  'authNumber',
  'referenceNumber',
  'voucher',
  'sensePassReferenceId',
  'requestID',
  'providerId',
] as const satisfies readonly (keyof SensePassConfirmation)[];

/**
 * The reference kinds SensePass fills with its own ids. Every other reference of a SensePass record came
 * from the merchant's free-form posData, so reconciliation reads only those as the POS's.
 */
export const SENSEPASS_OWN_REFERENCES = [
  'TransactionNumber',
  'receiptSaveUid',
  'transactionEventId',
  'paymentProcessRequestID',
  ...CONFIRMATION_REFERENCES,
] as const;

/** Product `amount` and `discount` are read as major units (like `amount` and `productsSum`), `amount` per unit. */
function toLine(p: SensePassProduct, i: number, currency: string): TransactionLine {
  const unit = p.amount === null || p.amount === undefined ? null : majorToMinor(p.amount, currency);
  const quantity = p.quantity ?? 1;
  const discount = p.discount === null || p.discount === undefined ? 0 : majorToMinor(p.discount, currency);
  return {
    lineNo: i + 1,
    name: text(p.name) ?? '',
    quantity,
    unit: null,
    unitPriceGrossMinor: unit,
    unitPriceNetMinor: null,
    lineGrossMinor: Math.round((unit ?? 0) * quantity) - discount,
    lineNetMinor: null,
    discountMinor: discount,
    vatRateBp: null,
    vatMinor: null,
    category: null,
  };
}

/** One SensePass transaction → a canonical capture; a refund changes its status, not its amount. */
export function normalizeTransaction(raw: unknown, ctx: SensePassNormalizeContext): RecordOutcome {
  return toOutcome(raw, SensePassTransaction, 'TransactionNumber', (t) => {
    const currency = t.currency.trim().toUpperCase();
    const known = SENSEPASS_STATUS[t.status];
    const confirmations = [...(t.confirmation ? [t.confirmation] : []), ...(t.confirmations ?? [])];
    const refs = new References().add('TransactionNumber', t.TransactionNumber);
    // posData is the merchant's own POS data: its keys are the merchant's reference names (invoiceId, …).
    for (const [k, v] of Object.entries(t.posData ?? {})) refs.add(k, v);
    refs
      .add('receiptSaveUid', t.metadata?.receiptSaveUid)
      .add('transactionEventId', t.metadata?.transactionEventId);
    refs.add('paymentProcessRequestID', t.paymentProcessRequestID);
    for (const c of confirmations) for (const k of CONFIRMATION_REFERENCES) refs.add(k, c[k]);
    const billing = t.extraDetails?.addressData?.billingAddress;
    const name = [text(billing?.firstName), text(billing?.lastName)].filter(Boolean).join(' ');
    return canonical(ctx.connection, {
      externalId: t.TransactionNumber,
      kind: 'capture',
      amountMinor: money(majorToMinor(t.amount, currency), currency).minor,
      currency,
      status: known?.status ?? 'unknown',
      providerStatus: `${t.status} ${known?.name ?? text(t.statusName) ?? 'unknown'}`,
      ...instantFields(t.date, ctx.shopTimeZone),
      customerName: name || null,
      customerEmail: text(t.clientEmail),
      customerPhone: text(t.clientPhoneNumber),
      method:
        text(t.paymentDetails?.paymentMethod) ??
        text(t.paymentMethodData?.PaymentType) ??
        text(confirmations[0]?.paymentMethodName),
      network: text(confirmations[0]?.acquirer),
      description: text(t.pos) ?? text(t.businessName),
      references: refs.toArray(),
      lines: (t.products ?? []).map((p, i) => toLine(p, i, currency)),
      raw,
    });
  });
}
