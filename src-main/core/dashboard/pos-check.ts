import type { DashboardOutput } from './dashboard-schemas.ts';
import type { RollupRow } from './dashboard-queries.ts';

type Pos = DashboardOutput['pos'];

/**
 * The POS's figures for the period in the terms of its own summary endpoint (`/sales/summary`, see
 * sentrypos-sales-api.txt): every tender and attempt per status, and per network every attempt with
 * the amount of the completed ones. They come from the same rollup rows as every other figure, so a
 * test can hold the Dashboard itself against that endpoint, day by day, to the minor unit.
 */
export function posTotals(rows: readonly RollupRow[]): Pick<Pos, 'byStatus' | 'byNetwork'> {
  const byStatus = new Map<string, Pos['byStatus'][number]>();
  const byNetwork = new Map<string, Pos['byNetwork'][number]>();
  for (const r of rows) {
    if (r.kind !== 'sale') continue;
    const s = byStatus.get(`${r.status}\0${r.currency}`) ?? {
      status: r.status,
      currency: r.currency,
      count: 0,
      amountMinor: 0,
    };
    s.count += r.n;
    s.amountMinor += r.amount;
    byStatus.set(`${r.status}\0${r.currency}`, s);
    const n = byNetwork.get(`${r.network}\0${r.currency}`) ?? {
      network: r.network,
      currency: r.currency,
      count: 0,
      completedMinor: 0,
    };
    n.count += r.n;
    if (r.status === 'completed') n.completedMinor += r.amount;
    byNetwork.set(`${r.network}\0${r.currency}`, n);
  }
  const order = <T extends { count: number }>(m: Map<string, T>) =>
    [...m.values()].sort((a, b) => b.count - a.count);
  return { byStatus: order(byStatus), byNetwork: order(byNetwork) };
}

/**
 * The POS days whose own summary disagrees with what the sync received (or whose records could not
 * all be fetched), from each sync's day check. Said on the Dashboard, not only as a dot in the strip:
 * every figure of such a day may be short.
 */
export function disagreeingDays(
  completeness: DashboardOutput['completeness'],
  posProvider: string,
): Pos['disagreeing'] {
  return completeness
    .filter((c) => c.provider === posProvider)
    .flatMap((c) =>
      c.days
        .filter((d) => d.state === 'partial')
        .map((d) => ({ connection: c.name, date: d.date, detail: d.detail ?? '' })),
    );
}
