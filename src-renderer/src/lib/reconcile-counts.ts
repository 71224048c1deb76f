import type { DiscrepancyClassId, Summary } from './reconcile-state.svelte.ts';

/** The queue tabs' counts; a count the narrowed lists can't be counted by is left out. */
export interface TabCounts {
  review?: number;
  unmatched?: number;
  unmatchedSales?: number;
  unmatchedPayments?: number;
  classes: { class: DiscrepancyClassId; label: string; count?: number }[];
}

/**
 * What the tabs count, over what the lists show: `base` is the summary of the days they cover (every
 * day still open, or a link's days); under a grid cell, its own day and provider (its row has review
 * and unmatched; the rest is not counted per provider, so it goes without a number rather than with
 * another list's).
 */
export function tabCounts(
  base: Summary | null,
  cell: { date: string; provider: string } | null,
  period: Summary | null,
): TabCounts | null {
  if (!base) return null;
  if (cell) {
    const row = period?.rows.find((r) => r.date === cell.date && r.provider === cell.provider);
    return {
      review: row?.review,
      unmatched: row?.unmatched,
      classes: base.classes.map((c) => ({ class: c.class, label: c.label })),
    };
  }
  return {
    review: base.totals.review,
    unmatched: base.totals.unmatched + base.totals.unmatchedPayments,
    unmatchedSales: base.totals.unmatched,
    unmatchedPayments: base.totals.unmatchedPayments,
    classes: base.classes,
  };
}
