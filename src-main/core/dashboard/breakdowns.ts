import { DateTime } from 'luxon';
import { providerName } from '../reconcile/describe.ts';
import type { DashboardOutput } from './dashboard-schemas.ts';
import type { GrossRow, ProviderDayRow, QuarterRow, RollupRow } from './dashboard-queries.ts';
import { SOLD, salesOf } from './figures.ts';
import { datesBetween, type ResolvedPeriod } from './period.ts';

type Out = DashboardOutput;

/** A sale whose reconciliation found no payment, and tenders no reconcile run has looked at yet. */
export const NO_PAYMENT = 'none';
export const NOT_RECONCILED = 'unreconciled';

export function seriesLabel(id: string): string {
  if (id === NO_PAYMENT) return 'No payment found';
  if (id === NOT_RECONCILED) return 'Not reconciled yet';
  return providerName(id);
}

const seriesOf = (r: ProviderDayRow) => (r.providers === null ? NOT_RECONCILED : r.providers || NO_PAYMENT);

/**
 * The daily chart in one currency: each day's gross split by who took the money, beside the day as
 * many days earlier in the previous period. Every connected payment provider is a series, with or
 * without money, so a silent provider shows as such instead of vanishing from the legend.
 */
export function dailyRevenue(
  p: ResolvedPeriod,
  currency: string,
  grossRows: readonly GrossRow[],
  providerRows: readonly ProviderDayRow[],
  paymentProviders: readonly string[],
): { daily: Out['daily']; providers: Out['providers'] } {
  const gross = new Map<string, number>();
  for (const r of grossRows) if (r.currency === currency) gross.set(r.date, r.amount);
  const byDay = new Map<string, { sales: number; byProvider: Record<string, number> }>();
  const totals = new Map<string, number>(paymentProviders.map((id) => [id, 0]));
  for (const r of providerRows) {
    if (r.currency !== currency) continue;
    const day = byDay.get(r.date) ?? { sales: 0, byProvider: {} };
    day.sales += salesOf(r);
    const id = seriesOf(r);
    if (r.date >= p.from) {
      day.byProvider[id] = (day.byProvider[id] ?? 0) + r.amount;
      totals.set(id, (totals.get(id) ?? 0) + r.amount);
    }
    byDay.set(r.date, day);
  }
  const shift = (date: string) =>
    DateTime.fromISO(date, { zone: 'utc' }).minus({ days: p.days }).toISODate() ?? date;
  const daily = datesBetween(p.from, p.to).map((date) => {
    const previousDate = shift(date);
    return {
      date,
      grossMinor: gross.get(date) ?? 0,
      sales: byDay.get(date)?.sales ?? 0,
      byProvider: byDay.get(date)?.byProvider ?? {},
      previousDate,
      previousGrossMinor: gross.get(previousDate) ?? 0,
    };
  });
  // Single providers in the order given, then splits, then the sales no payment was found for.
  const rank = (id: string) =>
    id === NOT_RECONCILED
      ? 4
      : id === NO_PAYMENT
        ? 3
        : id.includes('+')
          ? 2
          : paymentProviders.includes(id)
            ? 0
            : 1;
  const providers = [...totals]
    .sort(
      ([a], [b]) =>
        rank(a) - rank(b) ||
        (rank(a) === 0 ? paymentProviders.indexOf(a) - paymentProviders.indexOf(b) : a.localeCompare(b)),
    )
    .map(([id, amountMinor]) => ({ id, label: seriesLabel(id), amountMinor }));
  return { daily, providers };
}

/** Sold tenders per network (card scheme, Vipps, Bit, cash), most money first, with each one's share. */
export function networks(rows: readonly RollupRow[], from: string, currency: string): Out['byNetwork'] {
  const by = new Map<string, { count: number; amountMinor: number }>();
  let total = 0;
  for (const r of rows) {
    if (r.date < from || r.kind !== 'sale' || r.currency !== currency || !SOLD.has(r.status)) continue;
    const key = r.network || 'Unknown';
    const x = by.get(key) ?? { count: 0, amountMinor: 0 };
    x.count += r.n;
    x.amountMinor += r.amount;
    by.set(key, x);
    total += r.amount;
  }
  return [...by]
    .map(([network, x]) => ({ network, ...x, share: total > 0 ? x.amountMinor / total : 0 }))
    .sort((a, b) => b.amountMinor - a.amountMinor || a.network.localeCompare(b.network));
}

/** Failed POS tenders per network in the period, most first (every currency: a failure is a failure). */
export function failedNetworks(rows: readonly RollupRow[], from: string): Out['failed']['byNetwork'] {
  const by = new Map<string, number>();
  for (const r of rows)
    if (r.date >= from && r.kind === 'sale' && r.status === 'failed')
      by.set(r.network || 'Unknown', (by.get(r.network || 'Unknown') ?? 0) + r.n);
  return [...by].map(([network, count]) => ({ network, count })).sort((a, b) => b.count - a.count);
}

/** Sold and failed tenders per hour of the shop's clock (0–23), every hour present. */
export function hours(rows: readonly QuarterRow[], timeZone: string, currency: string): Out['byHour'] {
  const out = Array.from({ length: 24 }, (_, hour) => ({ hour, count: 0, amountMinor: 0, failed: 0 }));
  // A zone's offset changes at most a few times a year: work it out once per UTC day and only
  // hour by hour on a day whose offset moves (luxon's zone math is the slow part here).
  const dayOffset = new Map<string, number | null>();
  const offsetAt = (iso: string) => DateTime.fromISO(iso, { zone: 'utc' }).setZone(timeZone).offset;
  for (const r of rows) {
    const day = r.utcHour.slice(0, 10);
    let offset = dayOffset.get(day);
    if (offset === undefined) {
      const first = offsetAt(`${day}T00:00:00Z`);
      offset = first === offsetAt(`${day}T23:59:59Z`) ? first : null;
      dayOffset.set(day, offset);
    }
    const minutes = Number(r.utcHour.slice(11, 13)) * 60 + r.quarter * 15;
    const local = offset ?? offsetAt(`${r.utcHour}:${String(r.quarter * 15).padStart(2, '0')}:00Z`);
    const hour = Math.floor(((((minutes + local) % 1440) + 1440) % 1440) / 60);
    const slot = out[hour];
    if (!slot) continue;
    if (r.status === 'failed') slot.failed += r.n;
    else if (r.currency === currency) {
      slot.count += r.n;
      slot.amountMinor += r.amount;
    }
  }
  return out;
}

/**
 * The three best and three worst days by gross. Worst leaves out days with no sales (a closed shop
 * is not a bad day) and today, which is not over yet.
 */
export function rankDays(
  daily: Out['daily'],
  today: string,
): { best: Out['bestDays']; worst: Out['worstDays'] } {
  const days = daily
    .filter((d) => d.sales > 0)
    .map(({ date, grossMinor, sales }) => ({ date, grossMinor, sales }))
    .sort((a, b) => b.grossMinor - a.grossMinor || a.date.localeCompare(b.date));
  const best = days.slice(0, 3);
  const worst = days
    .filter((d) => d.date !== today && !best.includes(d))
    .reverse()
    .slice(0, 3);
  return { best, worst };
}
