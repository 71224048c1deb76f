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
  capture: 'Capture',
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
