import type { Database } from 'better-sqlite3';
import type { z } from 'zod';
import { formatMoney } from '../reconcile/describe.ts';
import { reconcileSummary } from '../reconcile/summary.ts';
import type { Settings } from '../api/schemas.ts';
import { dailyRevenue, failedNetworks, hours, networks, rankDays } from './breakdowns.ts';
import {
  completenessRows,
  dailyGross,
  failedRetried,
  feeDays,
  itemisedVat,
  providerDays,
  quarterHours,
  rollupRows,
} from './dashboard-queries.ts';
import type { DashboardInput, DashboardOutput } from './dashboard-schemas.ts';
import { periodFigures } from './figures.ts';
import { disagreeingDays, posTotals } from './pos-check.ts';
import { datesBetween, resolvePeriod, type ResolvedPeriod } from './period.ts';

/** The point of sale: its records are the sales. Every other connected provider takes payments. */
const POS_PROVIDER = 'sentrypos';

const WORSE = { unchecked: 0, complete: 1, open: 2, partial: 3 } as const;
type DayState = keyof typeof WORSE;

function completeness(db: Database, p: ResolvedPeriod): DashboardOutput['completeness'] {
  const dates = datesBetween(p.from, p.to);
  const byConnection = new Map<string, DashboardOutput['completeness'][number]>();
  const found = new Map<string, Map<string, { state: DayState; details: string[] }>>();
  for (const r of completenessRows(db, p.from, p.to)) {
    if (!byConnection.has(r.connectionId))
      byConnection.set(r.connectionId, {
        connectionId: r.connectionId,
        name: r.name,
        provider: r.provider,
        days: [],
      });
    if (!r.date || !r.state) continue;
    const days = found.get(r.connectionId) ?? new Map<string, { state: DayState; details: string[] }>();
    found.set(r.connectionId, days);
    const day = days.get(r.date) ?? { state: 'unchecked', details: [] };
    const state = (r.state in WORSE ? r.state : 'partial') as DayState;
    if (WORSE[state] > WORSE[day.state]) day.state = state;
    if (r.detail && !day.details.includes(r.detail)) day.details.push(r.detail);
    days.set(r.date, day);
  }
  for (const c of byConnection.values()) {
    const days = found.get(c.connectionId);
    c.days = dates.map((date) => {
      const d = days?.get(date);
      return { date, state: d?.state ?? 'unchecked', detail: d?.details.join('; ') || null };
    });
  }
  return [...byConnection.values()];
}

function reconciliation(db: Database, p: ResolvedPeriod): DashboardOutput['reconciliation'] {
  const s = reconcileSummary(db, { from: p.from, to: p.to }, []);
  const unmatched = new Map<string, number>();
  for (const r of s.rows)
    for (const m of r.money) unmatched.set(m.currency, (unmatched.get(m.currency) ?? 0) + m.unmatchedMinor);
  return {
    reconciled: s.reconciled,
    sales: s.totals.sales,
    linked: s.totals.linked,
    review: s.totals.review,
    unmatched: s.totals.unmatched,
    unmatchedPayments: s.totals.unmatchedPayments,
    linkedShare: s.totals.linkedShare,
    unmatchedMoney: [...unmatched]
      .filter(([, amountMinor]) => amountMinor !== 0)
      .map(([currency, amountMinor]) => ({ currency, amountMinor })),
    classes: s.classes,
  };
}

/**
 * The Dashboard for a period: the same object answers the UI, `posrecon report` and any other
 * caller, so their figures cannot drift apart. Reads run in one transaction, so a sync writing at
 * the same time never shows half of its page in one figure and not in another.
 */
export function getDashboard(
  db: Database,
  input: z.output<typeof DashboardInput>,
  settings: Pick<Settings, 'timeZone' | 'currency'>,
  now: Date = new Date(),
): DashboardOutput {
  const p = resolvePeriod(input, settings.timeZone, now);
  return db.transaction(() => {
    // Each period on its own: whole months of each come from the month rollup.
    const rows = [...rollupRows(db, p.previousFrom, p.previousTo), ...rollupRows(db, p.from, p.to)];
    const provider = providerDays(db, p.previousFrom, p.to);
    const fees = feeDays(db, p.previousFrom, p.to);
    const inCurrent = <T extends { date: string }>(r: T) => r.date >= p.from;
    const current = periodFigures(
      rows.filter(inCurrent),
      provider.filter(inCurrent),
      itemisedVat(db, p.from, p.to),
      fees.filter(inCurrent),
    );
    const previous = periodFigures(
      rows.filter((r) => !inCurrent(r)),
      provider.filter((r) => !inCurrent(r)),
      itemisedVat(db, p.previousFrom, p.previousTo),
      fees.filter((r) => !inCurrent(r)),
    );
    const currency = current.revenue[0]?.currency ?? previous.revenue[0]?.currency ?? settings.currency;
    const paymentProviders = [
      ...new Set(
        (
          db.prepare('SELECT provider FROM connections ORDER BY created_at, name').pluck().all() as string[]
        ).filter((x) => x !== POS_PROVIDER),
      ),
    ];
    const gross = dailyGross(db, p.previousFrom, p.to);
    const { daily, providers } = dailyRevenue(p, currency, gross, provider, paymentProviders);
    const { best, worst } = rankDays(daily, p.today);
    const retried = failedRetried(db, p.from, p.to);
    const health = reconciliation(db, p);
    const days = completeness(db, p);
    const disagreeing = disagreeingDays(days, POS_PROVIDER);
    const notes: string[] = [];
    if (p.to >= p.today) notes.push('Today is not over yet: its figures will still grow.');
    if (!health.reconciled)
      notes.push('Nothing has been reconciled yet, so revenue is not split by payment provider.');
    if (current.revenue.length > 1)
      notes.push(
        `Sales were taken in ${current.revenue.length} currencies; the charts show ${currency} only.`,
      );
    const main = current.revenue[0];
    if (main && main.grossMinor > 0 && main.itemisedMinor < main.grossMinor)
      notes.push(
        `VAT is known for the itemised receipts only (${formatMoney(main.itemisedMinor, currency)} of ${formatMoney(main.grossMinor, currency)}); net is gross less that VAT.`,
      );
    return {
      period: {
        preset: p.preset,
        from: p.from,
        to: p.to,
        days: p.days,
        previousFrom: p.previousFrom,
        previousTo: p.previousTo,
        today: p.today,
      },
      timeZone: settings.timeZone,
      currency,
      current,
      previous,
      providers,
      daily,
      byNetwork: networks(rows, p.from, currency),
      byHour: hours(quarterHours(db, p.from, p.to, settings.timeZone), settings.timeZone, currency),
      bestDays: best,
      worstDays: worst,
      failed: {
        count: retried.failed,
        retried: retried.retried,
        retriedShare: retried.failed > 0 ? retried.retried / retried.failed : null,
        byNetwork: failedNetworks(rows, p.from),
      },
      reconciliation: health,
      completeness: days,
      pos: { ...posTotals(rows.filter(inCurrent)), disagreeing },
      notes,
    };
  })();
}
