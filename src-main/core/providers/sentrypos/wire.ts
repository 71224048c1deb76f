import { z } from 'zod';

/**
 * SentryPOS Sales API wire shapes, tolerant in what they accept: unknown fields are kept (loose
 * objects) and statuses and networks are plain strings, so a new value is stored rather than rejected.
 */
export const SentryPosSale = z.looseObject({
  id: z.string().min(1),
  invoiceId: z.string().nullish(),
  customer: z
    .looseObject({
      name: z.string().nullish(),
      phone: z.string().nullish(),
      email: z.string().nullish(),
    })
    .nullish(),
  amountCents: z.number().int(),
  status: z.string().min(1),
  network: z.string().nullish(),
  createdAt: z.string().min(1),
  completedAt: z.string().nullish(),
});
export type SentryPosSale = z.infer<typeof SentryPosSale>;

/** A list page; each record is validated on its own later, so here they stay `unknown`. */
export const SalesPage = z.looseObject({
  sales: z.array(z.unknown()),
  pagination: z.looseObject({
    total: z.number().int().nonnegative().nullish(),
    limit: z.number().int().positive().nullish(),
    hasMore: z.boolean(),
  }),
});
export type SalesPage = z.infer<typeof SalesPage>;

export const SummaryDay = z.looseObject({
  date: z.string().regex(/^\d{4}-\d{2}-\d{2}/),
  amountCents: z.number().int(),
  transactions: z.number().int().nonnegative(),
  successfulTransactions: z.number().int().nonnegative().nullish(),
});
export type SummaryDay = z.infer<typeof SummaryDay>;

export const SummaryResponse = z.looseObject({
  summary: z
    .looseObject({
      totalAmountCents: z.number().nullish(),
      totalTransactions: z.number().int().nullish(),
    })
    .nullish(),
  dailyBreakdown: z.array(SummaryDay).default([]),
});
export type SummaryResponse = z.infer<typeof SummaryResponse>;
