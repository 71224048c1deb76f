import type { ReconState } from '../../../src-main/core/model/recon-state.ts';
import type { ProviderId } from '../../../src-main/core/model/transaction.ts';
import { RECON_STATES } from './catalog.ts';
import { providerLabel, reconStateLabel } from './labels.ts';

/** "tgi+vipps" → "TGI + Vipps"; "none" is a sale no payment was found for. */
export function providersLabel(providers: string): string {
  if (!providers || providers === 'none') return 'No payment found';
  return providers
    .split('+')
    .map((p) => providerLabel(p as ProviderId))
    .join(' + ');
}

const ROLE_LABELS: Record<string, string> = {
  sale: 'Sale',
  payment: 'Payment',
  view: 'Same payment, as the settlement report shows it',
  attempt: 'Failed attempt',
  refund: 'Refund',
  fee: 'Fee',
  duplicate: 'Charged twice',
  'pre-transaction': 'Card check before the payment',
};
export const roleLabel = (role: string): string => ROLE_LABELS[role] ?? role;

const ACTION_LABELS: Record<string, string> = {
  accept: 'Accepted a suggestion',
  reject: 'Rejected a suggestion',
  link: 'Linked a payment by hand',
  unlink: 'Took a payment out',
};
export const actionLabel = (action: string): string => ACTION_LABELS[action] ?? action;

/** A group's or a record's state (the Transactions list's words), or a discrepancy's. */
export const stateLabel = (state: string): string =>
  state === 'discrepancy'
    ? "Doesn't add up"
    : (RECON_STATES as readonly string[]).includes(state)
      ? reconStateLabel(state as ReconState)
      : state;

/** A 0–1 match score as a percentage a person reads at a glance. */
export const scoreLabel = (score: number | null | undefined): string =>
  score === null || score === undefined ? '–' : `${Math.round(score * 100)} %`;

export const scoreTone = (score: number | null | undefined): 'good' | 'wait' | 'bad' | 'neutral' =>
  score === null || score === undefined ? 'neutral' : score >= 0.9 ? 'good' : score >= 0.6 ? 'wait' : 'bad';
