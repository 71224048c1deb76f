import { z } from 'zod';

export const PROVIDERS = ['sentrypos', 'vipps', 'tgi', 'sensepass', 'cents'] as const;
export const ProviderId = z.enum(PROVIDERS);
export type ProviderId = z.infer<typeof ProviderId>;

/** What a record is in the flow of money: a POS sale, the provider's capture, and so on. */
export const TRANSACTION_KINDS = ['sale', 'capture', 'refund', 'fee', 'payout', 'adjustment'] as const;
export const TransactionKind = z.enum(TRANSACTION_KINDS);
export type TransactionKind = z.infer<typeof TransactionKind>;

/** Provider statuses map onto these; the provider's own status is always kept next to it. */
export const NORMALIZED_STATUSES = [
  'pending',
  'authorized',
  'completed',
  'failed',
  'cancelled',
  'refunded',
  'partially_refunded',
  'disputed',
  'unknown',
] as const;
export const NormalizedStatus = z.enum(NORMALIZED_STATUSES);
export type NormalizedStatus = z.infer<typeof NormalizedStatus>;

/** A reference a record carries, named by the provider's field (invoiceId, pspReference, tid, …). */
export interface Reference {
  kind: string;
  value: string;
}

export interface TransactionLine {
  lineNo: number;
  name: string;
  quantity: number;
  unit: string | null;
  unitPriceGrossMinor: number | null;
  unitPriceNetMinor: number | null;
  lineGrossMinor: number;
  lineNetMinor: number | null;
  discountMinor: number;
  vatRateBp: number | null;
  vatMinor: number | null;
  category: string | null;
}

/** The canonical form every connector normalizes into. */
export interface CanonicalTransaction {
  provider: ProviderId;
  connectionId: string;
  externalId: string;
  kind: TransactionKind;
  amountMinor: number;
  currency: string;
  status: NormalizedStatus;
  providerStatus: string | null;
  occurredAt: string; // UTC ISO-8601
  occurredAtRaw: string; // exactly as the provider sent it
  businessDate: string; // YYYY-MM-DD in the shop's zone (Vipps ledger rows: the ledger date as given)
  ledgerDate: string | null;
  customerName: string | null;
  customerEmail: string | null;
  customerPhone: string | null;
  method: string | null;
  network: string | null;
  description: string | null;
  references: Reference[];
  lines: TransactionLine[];
  raw: unknown;
}
