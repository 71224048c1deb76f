import type { SearchHeadline, SearchTotals } from '../api/schemas.ts';
import { TRANSACTION_KINDS, type TransactionKind } from '../model/transaction.ts';
import { counted } from '../model/counted.ts';

/**
 * One row of a totals query (or of one slice of it): per currency and kind, every matched record
 * (`n`, `amount`) and, of those, the second views (`vn`, `vamount`) that are not counted again.
 */
export type TotalsRow = {
  currency: string;
  kind: string;
  n: number;
  amount: number;
  vn: number;
  vamount: number;
};

const KIND_ORDER = new Map<string, number>(TRANSACTION_KINDS.map((k, i) => [k, i]));

/**
 * Which figure leads, in this order. Payments received (net of refunds) first: it is the money that
 * reached the shop through its providers, the figure payouts settle and the bank shows. Sales are what
 * the till billed, the same purchases again (plus cash), so they are never added to it; they lead only
 * where nothing was paid, as when a product word finds only till sales.
 */
const HEADLINES: [SearchHeadline, readonly TransactionKind[]][] = [
  ['received', ['capture', 'refund']],
  ['sales', ['sale']],
  ['payouts', ['payout']],
  ['fees', ['fee']],
  ['adjustments', ['adjustment']],
];

/**
 * What was left out, in words. Second views are Vipps records only: Report ledger entries of Sales API
 * captures and refunds (recon_views, from the reconcile engine), and fees-ledger entries, either the
 * copy of a funds-ledger fees-retained (recon_views) or a charge its settlement counts (0011).
 */
export function viewsNote(views: ReadonlyMap<string, number>): string | null {
  const of = (...kinds: string[]) => kinds.reduce((s, k) => s + (views.get(k) ?? 0), 0);
  const payments = of('capture', 'refund');
  const fees = of('fee');
  const other = [...views.values()].reduce((s, n) => s + n, 0) - payments - fees;
  const parts: string[] = [];
  if (payments)
    parts.push(
      `Vipps payments are counted once, from the Sales API; ${counted(payments, 'Report ledger entry', 'Report ledger entries')} of the same payments ${payments === 1 ? 'is' : 'are'} not counted again.`,
    );
  if (fees)
    parts.push(
      `Vipps fees are counted once, when they are paid (kept back from the takings, or invoiced); ${counted(fees, 'fees ledger entry', 'fees ledger entries')} of the same fees ${fees === 1 ? 'is' : 'are'} not counted again.`,
    );
  if (other)
    parts.push(
      `${counted(other, 'other record repeats', 'other records repeat')} money already counted and ${other === 1 ? 'is' : 'are'} not counted again.`,
    );
  return parts.length ? parts.join(' ') : null;
}

/** Totals from the rows of one totals query, or of several slices of it (summed per currency and kind). */
export function toTotals(rows: readonly TotalsRow[]): SearchTotals {
  const by = new Map<string, Map<string, { count: number; amountMinor: number }>>();
  const views = new Map<string, number>();
  let matched = 0;
  let secondViews = 0;
  for (const r of rows) {
    matched += r.n;
    secondViews += r.vn;
    if (r.vn) views.set(r.kind, (views.get(r.kind) ?? 0) + r.vn);
    let kinds = by.get(r.currency);
    if (!kinds) by.set(r.currency, (kinds = new Map()));
    const t = kinds.get(r.kind) ?? { count: 0, amountMinor: 0 };
    kinds.set(r.kind, { count: t.count + r.n - r.vn, amountMinor: t.amountMinor + r.amount - r.vamount });
  }
  const byCurrency = [...by]
    // Slices come back each in order; their union is sorted again.
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([currency, kinds]) => {
      const byKind = [...kinds]
        .filter(([, t]) => t.count !== 0)
        .sort(([a], [b]) => (KIND_ORDER.get(a) ?? 99) - (KIND_ORDER.get(b) ?? 99))
        .map(([kind, t]) => ({ kind: kind as TransactionKind, ...t }));
      const lead = HEADLINES.find(([, ks]) => byKind.some((k) => ks.includes(k.kind))) ?? HEADLINES[0]!;
      const amountMinor = byKind
        .filter((k) => lead[1].includes(k.kind))
        .reduce((s, k) => s + k.amountMinor, 0);
      return {
        currency,
        count: byKind.reduce((s, k) => s + k.count, 0),
        headline: { what: lead[0], amountMinor },
        byKind,
      };
    })
    .filter((c) => c.count !== 0);
  return {
    matched,
    count: matched - secondViews,
    secondViews,
    byCurrency,
    note: viewsNote(views),
  };
}
