import { currencyExponent, isCurrencyCode, majorToMinor } from '../../model/money.ts';
import { businessDate, isIsoDate, parseInstant, toUtcIso } from '../../model/time.ts';
import type {
  CanonicalTransaction,
  NormalizedStatus,
  Reference,
  TransactionLine,
} from '../../model/transaction.ts';
import type { RecordOutcome } from '../connector.ts';
import { toOutcome } from '../shared/records.ts';
import { CentsTransaction } from './wire.ts';

/** Cents statuses (`to_be_payed` is missing from the copied page); anything new maps to `unknown`. */
export const CENTS_STATUS: Readonly<Record<string, NormalizedStatus>> = {
  pre_transaction: 'pending',
  draft: 'pending',
  to_be_payed: 'pending',
  paid: 'completed',
  refunded: 'refunded',
  disputed: 'disputed',
  failed: 'failed',
};

export interface CentsRecordContext {
  connectionId: string;
  shopTimeZone: string;
}

function currencyOf(code: string): string {
  const upper = code.toUpperCase();
  if (!isCurrencyCode(upper)) throw new RangeError(`Unknown currency ${JSON.stringify(code)}`);
  return upper;
}

/**
 * `donation_amount` is documented as minor units in one place and as a float in another, so its unit
 * is decided per value, from its form:
 * - a decimal with a point ("0.14", 0.14) is major units (minor units are whole);
 * - a whole number n, sent as 14 or as "14", is major units when the record's own totals say so
 *   (total − order, the round-up, is exactly n major units), and otherwise minor units, the form the
 *   API reference documents.
 * `gapMinor` is total − order in the donation's currency, or null when they are not comparable.
 */
export function donationToMinor(value: number | string, currency: string, gapMinor: number | null): number {
  const whole = typeof value === 'number' ? value : /^-?\d+$/.test(value) ? Number(value) : NaN;
  if (!Number.isSafeInteger(whole)) return majorToMinor(value, currency);
  const asMajor = whole * 10 ** currencyExponent(currency);
  return gapMinor === asMajor ? asMajor : whole;
}

/** `created_date` is a date-time with zone; a bare date (the schema says "date") is taken as given. */
function when(raw: string, zone: string): { occurredAt: string; businessDate: string } {
  if (isIsoDate(raw)) return { occurredAt: `${raw}T00:00:00.000Z`, businessDate: raw };
  // Cents runs on AWS, which speaks UTC: a date-time without zone is read as UTC.
  const dt = parseInstant(raw, 'UTC');
  return { occurredAt: toUtcIso(dt), businessDate: businessDate(dt, zone) };
}

/** A refund smaller than the order is partial; the round-up donation may stay with the charity. */
function statusOf(t: CentsTransaction, orderMinor: number, refundedMinor: number): NormalizedStatus {
  const mapped = CENTS_STATUS[t.transaction_status] ?? 'unknown';
  if (mapped !== 'completed' && mapped !== 'refunded') return mapped;
  if (refundedMinor > 0 && refundedMinor < orderMinor) return 'partially_refunded';
  if (refundedMinor > 0) return 'refunded';
  return mapped;
}

function line(lineNo: number, name: string, minor: number, category: string): TransactionLine {
  return {
    lineNo,
    name,
    quantity: 1,
    unit: null,
    unitPriceGrossMinor: minor,
    unitPriceNetMinor: null,
    lineGrossMinor: minor,
    lineNetMinor: null,
    discountMinor: 0,
    vatRateBp: null,
    vatMinor: null,
    category,
  };
}

const blank = (v: string | null | undefined): string | null => (v ? v : null);

export function normalizeCents(
  t: CentsTransaction,
  raw: unknown,
  rc: CentsRecordContext,
): CanonicalTransaction {
  const currency = currencyOf(t.currency);
  // order_amount / total_amount / refunded_amount are floats in major units (153.86), converted via
  // their shortest decimal form so 153.86 is 15386 and never 15385.
  const orderMinor = majorToMinor(t.order_amount, currency);
  const totalMinor = majorToMinor(t.total_amount, currency);
  const refundedMinor = t.refunded_amount == null ? 0 : majorToMinor(t.refunded_amount, currency);
  const donationCurrency = t.donation_currency ? currencyOf(t.donation_currency) : currency;
  const sameCurrency = donationCurrency === currency;
  const donationMinor =
    t.donation_amount == null
      ? null
      : donationToMinor(t.donation_amount, donationCurrency, sameCurrency ? totalMinor - orderMinor : null);
  const lines = [line(1, 'Order', orderMinor, 'order')];
  if (donationMinor !== null && sameCurrency) {
    lines.push(
      line(2, `Donation${t.donation_cause ? ` (${t.donation_cause})` : ''}`, donationMinor, 'donation'),
    );
  }
  const references: Reference[] = [{ kind: 'id', value: t.id }];
  if (t.external_id) {
    references.push({ kind: 'external_id', value: t.external_id });
    // Cents prefixes the gateway's own id with the gateway's name: STRIPE_pi_… → pi_….
    const bare = /^[A-Z][A-Z0-9]*_(.+)$/.exec(t.external_id)?.[1];
    if (bare) references.push({ kind: 'gateway_id', value: bare });
  }
  if (t.reconciliation_id) references.push({ kind: 'reconciliation_id', value: t.reconciliation_id });
  if (t.payment_gateway_order_transaction_id) {
    references.push({ kind: 'order_id', value: t.payment_gateway_order_transaction_id });
  }
  const at = when(t.created_date, rc.shopTimeZone);
  return {
    provider: 'cents',
    connectionId: rc.connectionId,
    externalId: t.id,
    kind: 'capture',
    amountMinor: totalMinor,
    currency,
    status: statusOf(t, orderMinor, refundedMinor),
    providerStatus: t.transaction_status,
    occurredAt: at.occurredAt,
    occurredAtRaw: t.created_date,
    businessDate: at.businessDate,
    ledgerDate: null,
    customerName: blank(t.consumer_user_full_name),
    customerEmail: blank(t.consumer_user_email),
    customerPhone: blank(t.consumer_user_phone),
    method: t.external_id ? (/^([A-Z][A-Z0-9]*)_/.exec(t.external_id)?.[1] ?? null) : null,
    network: null,
    description: t.donation_cause ? `Round-up for ${t.donation_cause}` : null,
    references,
    lines,
    raw,
  };
}

export function centsOutcome(raw: unknown, rc: CentsRecordContext): RecordOutcome {
  return toOutcome(raw, CentsTransaction, 'id', (t, r) => normalizeCents(t, r, rc));
}
