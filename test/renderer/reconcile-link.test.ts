import { describe, expect, it } from 'vitest';
import { reconcileHref } from '../../src-renderer/src/lib/dashboard-state.svelte.ts';
import { parseReconcileLink } from '../../src-renderer/src/lib/reconcile-link.ts';

const span = { from: '2026-11-01', to: '2026-11-30' };

describe('parseReconcileLink', () => {
  it('reads back every link the Dashboard builds', () => {
    expect(parseReconcileLink(reconcileHref({ state: 'review', ...span }))).toEqual({
      tab: 'review',
      discrepancyClass: null,
      span,
    });
    expect(parseReconcileLink(reconcileHref({ state: 'unmatched', ...span }))?.tab).toBe('unmatched');
    expect(
      parseReconcileLink(reconcileHref({ state: 'discrepancy', class: 'payout_short', ...span })),
    ).toEqual({ tab: 'discrepancy', discrepancyClass: 'payout_short', span });
    // Linked sales have no queue: the overview of those days opens.
    expect(parseReconcileLink(reconcileHref({ state: 'linked', ...span }))).toEqual({
      tab: null,
      discrepancyClass: null,
      span,
    });
  });

  it('leaves out what it cannot read instead of guessing', () => {
    expect(parseReconcileLink('#/reconcile')).toBeNull();
    expect(parseReconcileLink('#/dashboard?state=review')).toBeNull();
    expect(parseReconcileLink('#/reconcile?state=everything')).toEqual({
      tab: null,
      discrepancyClass: null,
      span: null,
    });
    expect(parseReconcileLink('#/reconcile?state=review&from=2026-11-30&to=2026-11-01')?.span).toBeNull();
    expect(parseReconcileLink('#/reconcile?state=review&from=2026-11-01')?.span).toBeNull();
    expect(parseReconcileLink('#/reconcile?state=review&from=2026-13-45&to=2026-13-46')?.span).toBeNull();
    expect(parseReconcileLink('#/reconcile?state=review&class=payout_short')?.discrepancyClass).toBeNull();
    expect(
      parseReconcileLink('#/reconcile?state=discrepancy&class=%3Cscript%3E')?.discrepancyClass,
    ).toBeNull();
  });
});
