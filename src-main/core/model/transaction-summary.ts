import { z } from 'zod';
import { NormalizedStatus, ProviderId, TransactionKind } from './transaction.ts';

/** One cached record as a list of transactions shows it (the transactions list and search results). */
export const TransactionSummary = z.object({
  id: z.number().int(),
  provider: ProviderId,
  connectionId: z.string(),
  connectionName: z.string(),
  externalId: z.string(),
  kind: TransactionKind,
  amountMinor: z.number().int(),
  currency: z.string(),
  status: NormalizedStatus,
  providerStatus: z.string().nullable(),
  occurredAt: z.string(),
  businessDate: z.string(),
  customerName: z.string().nullable(),
  method: z.string().nullable(),
  description: z.string().nullable(),
});
export type TransactionSummary = z.infer<typeof TransactionSummary>;
