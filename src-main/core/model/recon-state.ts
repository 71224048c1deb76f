import { z } from 'zod';

/**
 * Where a record stands in reconciliation: the state of the match group it belongs to (migration
 * 0005), `unmatched` for a sale or payment that none holds, and `not_applicable` for records that are
 * not matched to a sale (a fee, an adjustment, a payout that reconciliation has not checked).
 */
export const RECON_STATES = ['linked', 'review', 'unmatched', 'explained', 'not_applicable'] as const;
export const ReconState = z.enum(RECON_STATES);
export type ReconState = z.infer<typeof ReconState>;

/** Each state as a shop manager says it (the Transactions view has the same words in its labels). */
export const RECON_STATE_WORDS: Readonly<Record<ReconState, string>> = {
  linked: 'linked',
  review: 'needs review',
  unmatched: 'unmatched',
  explained: 'explained',
  not_applicable: 'nothing to match',
};
