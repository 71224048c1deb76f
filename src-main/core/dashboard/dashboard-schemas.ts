import { z } from 'zod';
import { DiscrepancyClass } from '../api/reconcile-schemas.ts';
import { IsoDate } from '../api/schemas.ts';
import { PERIOD_PRESETS } from './period.ts';

const Money = z.object({ currency: z.string(), amountMinor: z.number().int() });

export const DashboardInput = z
  .object({
    preset: z.enum(PERIOD_PRESETS).default('last30'),
    /** Only with preset 'custom': the first and last business day, both included. */
    from: IsoDate.nullish(),
    to: IsoDate.nullish(),
  })
  .strict()
  .refine((p) => p.preset !== 'custom' || (p.from && p.to), {
    message: 'A custom period needs a first and a last day',
    path: ['from'],
  })
  .refine((p) => !p.from || !p.to || p.from <= p.to, {
    message: 'The period ends before it starts',
    path: ['to'],
  })
  .refine((p) => !p.from || !p.to || Date.parse(p.to) - Date.parse(p.from) <= 3 * 366 * 86_400_000, {
    message: 'A period can span at most three years',
    path: ['to'],
  });

/** POS revenue in one currency. Each sale (a POS invoice) counts once, whatever paid for it. */
export const Revenue = z.object({
  currency: z.string(),
  /** Completed and later refunded tenders: what was sold. */
  grossMinor: z.number().int(),
  /** VAT on the itemised receipts (Vipps and Cents lines) of the period's payments. */
  vatMinor: z.number().int(),
  /** Gross less the VAT that is known. */
  netMinor: z.number().int(),
  /** The part of gross whose payments carry itemised lines, so how far the VAT figure reaches. */
  itemisedMinor: z.number().int(),
  sales: z.number().int(),
  averageMinor: z.number().int().nullable(),
  refunds: z.number().int(),
  refundsMinor: z.number().int(),
});

export const Figures = z.object({
  revenue: z.array(Revenue),
  /** POS tenders that completed (refunded ones included), failed, and the two together. */
  completed: z.number().int(),
  failed: z.number().int(),
  attempted: z.number().int(),
  successRate: z.number().nullable(),
  /** Provider fees and payouts, as positive amounts of money that left. */
  fees: z.array(Money),
  payouts: z.array(Money.extend({ count: z.number().int() })),
});

const DayAmount = z.object({ date: z.string(), grossMinor: z.number().int(), sales: z.number().int() });

export const DashboardOutput = z.object({
  period: z.object({
    preset: z.enum(PERIOD_PRESETS),
    from: z.string(),
    to: z.string(),
    days: z.number().int(),
    previousFrom: z.string(),
    previousTo: z.string(),
    today: z.string(),
  }),
  timeZone: z.string(),
  /** The currency the charts and day rankings are drawn in: the one with most POS revenue. */
  currency: z.string(),
  current: Figures,
  previous: Figures,
  /** Payment providers stacked in the daily chart: every connected one, with or without money. */
  providers: z.array(z.object({ id: z.string(), label: z.string(), amountMinor: z.number().int() })),
  daily: z.array(
    DayAmount.extend({
      byProvider: z.record(z.string(), z.number().int()),
      /** The matching day of the previous period and its gross, for the comparison line. */
      previousDate: z.string(),
      previousGrossMinor: z.number().int(),
    }),
  ),
  byNetwork: z.array(
    z.object({
      network: z.string(),
      count: z.number().int(),
      amountMinor: z.number().int(),
      share: z.number(),
    }),
  ),
  byHour: z.array(
    z.object({
      hour: z.number().int(),
      count: z.number().int(),
      amountMinor: z.number().int(),
      failed: z.number().int(),
    }),
  ),
  bestDays: z.array(DayAmount),
  worstDays: z.array(DayAmount),
  failed: z.object({
    count: z.number().int(),
    retried: z.number().int(),
    /** Failed attempts whose sale was paid after all (a later tender of the same invoice). */
    retriedShare: z.number().nullable(),
    byNetwork: z.array(z.object({ network: z.string(), count: z.number().int() })),
  }),
  reconciliation: z.object({
    reconciled: z.boolean(),
    sales: z.number().int(),
    linked: z.number().int(),
    review: z.number().int(),
    unmatched: z.number().int(),
    unmatchedPayments: z.number().int(),
    linkedShare: z.number(),
    unmatchedMoney: z.array(Money),
    classes: z.array(
      z.object({
        class: DiscrepancyClass,
        label: z.string(),
        count: z.number().int(),
        money: z.array(Money),
      }),
    ),
  }),
  completeness: z.array(
    z.object({
      connectionId: z.string(),
      name: z.string(),
      provider: z.string(),
      days: z.array(
        z.object({
          date: z.string(),
          state: z.enum(['complete', 'open', 'partial', 'unchecked']),
          detail: z.string().nullable(),
        }),
      ),
    }),
  ),
  /**
   * The POS's own figures in the terms of its summary endpoint: every tender and attempt per status,
   * and per network every attempt with the completed amount; and the days whose summary disagreed.
   */
  pos: z.object({
    byStatus: z.array(
      z.object({
        status: z.string(),
        currency: z.string(),
        count: z.number().int(),
        amountMinor: z.number().int(),
      }),
    ),
    byNetwork: z.array(
      z.object({
        network: z.string(),
        currency: z.string(),
        count: z.number().int(),
        completedMinor: z.number().int(),
      }),
    ),
    /** Provider days (SentryPOS counts them in UTC) where its summary and the synced records differ. */
    disagreeing: z.array(z.object({ connection: z.string(), date: z.string(), detail: z.string() })),
  }),
  /** Plain-words caveats: an unfinished day, a cache never reconciled, VAT that is partly known. */
  notes: z.array(z.string()),
});
export type DashboardOutput = z.infer<typeof DashboardOutput>;
export type DashboardFigures = z.infer<typeof Figures>;

export const dashboardOperations = {
  /** The shop's business for a period, each figure beside the previous period of the same length. */
  'dashboard:get': { input: DashboardInput, output: DashboardOutput },
} as const;
