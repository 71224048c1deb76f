import type { ReconState } from '../../../src-main/core/model/recon-state.ts';
import type {
  NormalizedStatus,
  ProviderId,
  TransactionKind,
} from '../../../src-main/core/model/transaction.ts';

/*
 * The contract's enums, typed by hand because the renderer may import only types from src-main; the
 * `satisfies` checks fail the build if a value is not one of the contract's, and the Exclude checks
 * if one is missing.
 */
export const PROVIDERS = [
  'sentrypos',
  'vipps',
  'tgi',
  'sensepass',
  'cents',
] as const satisfies readonly ProviderId[];
export const TRANSACTION_KINDS = [
  'sale',
  'capture',
  'refund',
  'fee',
  'payout',
  'adjustment',
] as const satisfies readonly TransactionKind[];
export const NORMALIZED_STATUSES = [
  'completed',
  'pending',
  'authorized',
  'failed',
  'cancelled',
  'refunded',
  'partially_refunded',
  'disputed',
  'unknown',
] as const satisfies readonly NormalizedStatus[];
/** In the order a shop manager works through them: what is done, then what needs a look. */
export const RECON_STATES = [
  'linked',
  'review',
  'unmatched',
  'explained',
  'not_applicable',
] as const satisfies readonly ReconState[];

type Missing<All, Listed> = [Exclude<All, Listed>] extends [never] ? true : Exclude<All, Listed>;
export const _complete: [
  Missing<ProviderId, (typeof PROVIDERS)[number]>,
  Missing<TransactionKind, (typeof TRANSACTION_KINDS)[number]>,
  Missing<NormalizedStatus, (typeof NORMALIZED_STATUSES)[number]>,
  Missing<ReconState, (typeof RECON_STATES)[number]>,
] = [true, true, true, true];
