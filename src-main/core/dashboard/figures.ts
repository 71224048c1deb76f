import type { DashboardFigures } from './dashboard-schemas.ts';
import type { FeeRow, ProviderDayRow, RollupRow, VatRow } from './dashboard-queries.ts';

/** A tender that was sold: refunded ones were sales first, and their refund is shown on its own. */
export const SOLD = new Set(['completed', 'refunded']);

function addTo<K>(map: Map<K, number>, key: K, value: number): void {
  map.set(key, (map.get(key) ?? 0) + value);
}

/** Sales in a provider-day row: reconciled tenders by their invoice, others one each. */
export const salesOf = (r: ProviderDayRow): number => (r.providers === null ? r.tenders : r.sales);

/**
 * The headline figures of one period from its rollup rows, its sold tenders by provider (for the
 * number of sales), its itemised VAT and its fees. Currencies come most revenue first.
 */
export function periodFigures(
  rows: readonly RollupRow[],
  providerRows: readonly ProviderDayRow[],
  vat: readonly VatRow[],
  feeRows: readonly FeeRow[],
): DashboardFigures {
  const gross = new Map<string, number>();
  const refunds = new Map<string, [number, number]>();
  const fees = new Map<string, number>();
  const payouts = new Map<string, [number, number]>();
  let completed = 0;
  let failed = 0;
  for (const r of rows) {
    if (r.kind === 'sale') {
      if (SOLD.has(r.status)) {
        completed += r.n;
        addTo(gross, r.currency, r.amount);
      }
      if (r.status === 'failed') failed += r.n;
      if (r.status === 'refunded') {
        const x = refunds.get(r.currency) ?? [0, 0];
        refunds.set(r.currency, [x[0] + r.n, x[1] + r.amount]);
      }
    } else if (r.kind === 'payout') {
      const x = payouts.get(r.currency) ?? [0, 0];
      payouts.set(r.currency, [x[0] + r.n, x[1] - r.amount]);
    }
  }
  for (const r of feeRows) addTo(fees, r.currency, r.amount);
  const sales = new Map<string, number>();
  for (const r of providerRows) addTo(sales, r.currency, salesOf(r));
  const revenue = [...gross]
    .filter(([currency, amount]) => amount !== 0 || (sales.get(currency) ?? 0) > 0)
    .sort(([a, x], [b, y]) => y - x || a.localeCompare(b))
    .map(([currency, grossMinor]) => {
      const n = sales.get(currency) ?? 0;
      const v = vat.find((x) => x.currency === currency);
      const [refundCount, refundsMinor] = refunds.get(currency) ?? [0, 0];
      return {
        currency,
        grossMinor,
        vatMinor: v?.vat ?? 0,
        netMinor: grossMinor - (v?.vat ?? 0),
        itemisedMinor: v?.gross ?? 0,
        sales: n,
        averageMinor: n > 0 ? Math.round(grossMinor / n) : null,
        refunds: refundCount,
        refundsMinor,
      };
    });
  const attempted = completed + failed;
  return {
    revenue,
    completed,
    failed,
    attempted,
    successRate: attempted > 0 ? completed / attempted : null,
    fees: [...fees].map(([currency, amountMinor]) => ({ currency, amountMinor })),
    payouts: [...payouts].map(([currency, [count, amountMinor]]) => ({ currency, count, amountMinor })),
  };
}
