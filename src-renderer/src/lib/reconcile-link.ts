import type { DiscrepancyClassId } from './reconcile-state.svelte.ts';

/** Where a link into the Reconcile view points: a queue and the days it covers. */
export interface ReconcileLink {
  /** null: the overview alone ('linked' has no queue of its own). */
  tab: 'review' | 'unmatched' | 'discrepancy' | null;
  discrepancyClass: DiscrepancyClassId | null;
  span: { from: string; to: string } | null;
}

const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;
const isDate = (v: string | null): v is string =>
  v !== null && ISO_DATE.test(v) && !Number.isNaN(Date.parse(v));

/**
 * Reads `#/reconcile?state=review|unmatched|discrepancy|linked[&class=…][&from=…&to=…]`, as the
 * Dashboard's reconciliation-health figures link here. Anything it cannot read is left out rather
 * than guessed: an unknown state opens the usual view, a half or reversed period shows every day.
 */
export function parseReconcileLink(hash: string): ReconcileLink | null {
  const match = /^#\/reconcile\?(.*)$/.exec(hash);
  if (!match) return null;
  const q = new URLSearchParams(match[1]);
  const state = q.get('state');
  const tab = state === 'review' || state === 'unmatched' || state === 'discrepancy' ? state : null;
  const cls = q.get('class');
  const [from, to] = [q.get('from'), q.get('to')];
  return {
    tab,
    discrepancyClass:
      tab === 'discrepancy' && cls && /^[a-z_]{1,60}$/.test(cls) ? (cls as DiscrepancyClassId) : null,
    span: isDate(from) && isDate(to) && from <= to ? { from, to } : null,
  };
}
