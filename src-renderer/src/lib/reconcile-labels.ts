import type { ProviderId } from '../../../src-main/core/model/transaction.ts';
import { providerLabel } from './labels.ts';

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

const STATE_LABELS: Record<string, string> = {
  linked: 'Linked',
  review: 'Needs review',
  unmatched: 'Unmatched',
  explained: 'Explained',
  discrepancy: "Doesn't add up",
};
export const stateLabel = (state: string): string => STATE_LABELS[state] ?? state;

/** A 0–1 match score as a percentage a person reads at a glance. */
export const scoreLabel = (score: number | null | undefined): string =>
  score === null || score === undefined ? '–' : `${Math.round(score * 100)} %`;

export const scoreTone = (score: number | null | undefined): 'good' | 'wait' | 'bad' | 'neutral' =>
  score === null || score === undefined ? 'neutral' : score >= 0.9 ? 'good' : score >= 0.6 ? 'wait' : 'bad';
