import type { MoneyDirection } from '../../../src-main/core/model/money-direction.ts';
import type { ReconState } from '../../../src-main/core/model/recon-state.ts';
import type {
  NormalizedStatus,
  ProviderId,
  TransactionKind,
} from '../../../src-main/core/model/transaction.ts';

const PROVIDER_LABELS: Record<ProviderId, string> = {
  sentrypos: 'SentryPOS',
  vipps: 'Vipps',
  tgi: 'TGI',
  sensepass: 'SensePass',
  cents: 'Cents',
};

const KIND_LABELS: Record<TransactionKind, string> = {
  sale: 'Sale',
  capture: 'Payment',
  refund: 'Refund',
  fee: 'Fee',
  payout: 'Payout',
  adjustment: 'Adjustment',
};

const STATUS_LABELS: Record<NormalizedStatus, string> = {
  pending: 'Pending',
  authorized: 'Authorized',
  completed: 'Completed',
  failed: 'Failed',
  cancelled: 'Cancelled',
  refunded: 'Refunded',
  partially_refunded: 'Partially refunded',
  disputed: 'Disputed',
  unknown: 'Unknown',
};

/** Which badge colour a status gets: good, in progress, bad or neutral. */
const STATUS_TONES: Record<NormalizedStatus, 'good' | 'wait' | 'bad' | 'neutral'> = {
  pending: 'wait',
  authorized: 'wait',
  completed: 'good',
  failed: 'bad',
  cancelled: 'neutral',
  refunded: 'neutral',
  partially_refunded: 'neutral',
  disputed: 'bad',
  unknown: 'neutral',
};

export const providerLabel = (id: ProviderId): string => PROVIDER_LABELS[id] ?? id;
export const kindLabel = (kind: TransactionKind): string => KIND_LABELS[kind] ?? kind;
export const statusLabel = (status: NormalizedStatus): string => STATUS_LABELS[status] ?? status;
export const statusTone = (status: NormalizedStatus) => STATUS_TONES[status] ?? 'neutral';

/** A provider's own status on hover, so the badge says one thing and the provider's word is still there. */
export const providerStatusHint = (
  provider: ProviderId,
  providerStatus: string | null,
): string | undefined =>
  providerStatus ? `${providerLabel(provider)}'s own status: ${providerStatus}` : undefined;

const RECON_STATE_LABELS: Record<ReconState, string> = {
  linked: 'Linked',
  review: 'Needs review',
  unmatched: 'Unmatched',
  explained: 'Explained',
  not_applicable: 'Nothing to match',
};
const RECON_STATE_HINTS: Record<ReconState, string> = {
  linked: 'Matched: the sale, its payment and the payout agree',
  review: 'A match is suggested or something differs: a person should look',
  unmatched: 'No sale or payment was found to go with it',
  explained: 'Not a problem: a failed attempt that was retried, a card check, a cash sale',
  not_applicable: 'Fees, payouts and adjustments are not matched to a sale',
};
const RECON_STATE_TONES: Record<ReconState, 'good' | 'wait' | 'bad' | 'neutral'> = {
  linked: 'good',
  review: 'wait',
  unmatched: 'bad',
  explained: 'neutral',
  not_applicable: 'neutral',
};
export const reconStateLabel = (s: ReconState): string => RECON_STATE_LABELS[s] ?? s;
export const reconStateHint = (s: ReconState): string => RECON_STATE_HINTS[s] ?? '';
export const reconStateTone = (s: ReconState) => RECON_STATE_TONES[s] ?? 'neutral';

/** The amount as the shop sees it: a payout is its own money going to its bank, refunds and fees go out. */
export function shopAmount(direction: MoneyDirection, amountMinor: number): number {
  return direction === 'out' ? -Math.abs(amountMinor) : Math.abs(amountMinor);
}
export const DIRECTION_HINTS: Record<MoneyDirection, string> = {
  in: 'Money in',
  out: 'Money out',
  bank: 'Paid out to your bank account: your own money moving, not a cost',
};

/** Cached fields as the change log names them (columns), in plain words. */
const FIELD_LABELS: Record<string, string> = {
  amount_minor: 'Amount',
  currency: 'Currency',
  status: 'Status',
  provider_status: "Provider's status",
  occurred_at: 'Time',
  occurred_at_raw: 'Time as sent',
  business_date: 'Business day',
  ledger_date: 'Ledger day',
  customer_name: 'Customer',
  customer_email: 'Email',
  customer_phone: 'Phone',
  method: 'Payment method',
  network: 'Card network',
  description: "Provider's text",
  kind: 'Kind',
};
export const fieldLabel = (field: string): string => FIELD_LABELS[field] ?? field.replaceAll('_', ' ');
