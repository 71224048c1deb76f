import type { Rec } from './load-day.ts';
import type { ReconcileSettings } from './reconcile-settings.ts';

/** One POS sale of the day as the clock estimate sees it: its tenders and its invoice id. */
export interface SaleTenders {
  invoice: string | undefined;
  tenders: readonly Rec[];
}

function median(xs: number[]): number {
  if (!xs.length) return 0;
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)] ?? 0;
}

/**
 * Each provider's clock offset on day `date` (median payment − sale gap, in ms), from what the records
 * say: payments carrying a sale's invoice id, and for providers without references (TGI) the tenders
 * whose amount has exactly one payment near it. Only records booked by the day's end count (business
 * day `date` or before): the next day's arrival (a nightly sync) then leaves the day's offsets as they
 * were, so the day before a new day is matched again only where the new records reach (engine.ts). People's decisions and which sale claimed what play no
 * part: a decision says nothing about a provider's clock, and an offset that moved with every decision
 * would re-score the whole day, so a decision could not be answered by re-matching only its own sale.
 * `payments` come in time order (matchDay's stable order).
 */
export function dayOffsets(
  date: string,
  sales: readonly SaleTenders[],
  payments: readonly Rec[],
  byRef: ReadonlyMap<string, readonly Rec[]>,
  settings: ReconcileSettings,
): Map<string, number> {
  const gaps = new Map<string, number[]>();
  const add = (provider: string, gap: number) =>
    (gaps.get(provider) ?? gaps.set(provider, []).get(provider)!).push(gap);
  const keyed = new Set<number>();
  for (const s of sales) {
    if (!s.invoice || !s.tenders.length) continue;
    for (const p of byRef.get(s.invoice) ?? []) {
      if (p.date > date) continue;
      // The tender nearest in amount (then in time) is the one the payment paid.
      let best: Rec | undefined;
      let [x, y] = [Infinity, Infinity];
      for (const t of s.tenders) {
        if (t.date > date) continue;
        const [a, b] = [Math.abs(p.amount - t.amount), Math.abs(p.atMs - t.atMs)];
        if (a < x || (a === x && b < y)) [best, x, y] = [t, a, b];
      }
      if (!best) continue;
      add(p.provider, p.atMs - best.atMs);
      keyed.add(best.id);
    }
  }
  const withKeys = new Set([...gaps].filter(([, xs]) => xs.length >= 3).map(([p]) => p));
  const windowMs = settings.timeWindowMinutes * 60_000;
  // Payments by amount, for the amounts of tenders no reference placed only (the rest are never asked).
  const byAmount = new Map<number, Rec[]>();
  for (const s of sales)
    for (const t of s.tenders) if (!keyed.has(t.id) && t.date <= date) byAmount.set(t.amount, []);
  for (const p of payments) if (p.date <= date) byAmount.get(p.amount)?.push(p);
  for (const s of sales) {
    for (const t of s.tenders) {
      if (keyed.has(t.id) || t.date > date) continue;
      let only: Rec | undefined;
      let near = 0;
      // The payments of the amount are in time order: only those within the window are read (on a busy
      // day a common amount has hundreds in the three days).
      const same = byAmount.get(t.amount) ?? [];
      let lo = 0;
      for (let hi = same.length; lo < hi;) {
        const mid = (lo + hi) >> 1;
        if (same[mid]!.atMs < t.atMs - windowMs) lo = mid + 1;
        else hi = mid;
      }
      for (let i = lo; i < same.length && same[i]!.atMs <= t.atMs + windowMs; i++) {
        if (same[i]!.currency !== t.currency) continue;
        only = same[i];
        if (++near > 1) break;
      }
      if (near === 1 && only && !withKeys.has(only.provider)) add(only.provider, only.atMs - t.atMs);
    }
  }
  const out = new Map<string, number>();
  for (const [provider, xs] of gaps) if (xs.length >= 3) out.set(provider, median(xs));
  return out;
}
