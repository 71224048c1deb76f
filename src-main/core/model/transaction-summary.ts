import { z } from 'zod';
import { MoneyDirection } from './money-direction.ts';
import { ReconState } from './recon-state.ts';
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
  /** What the record is, in the shop manager's words: products, customer, how it was paid. */
  description: z.string(),
  direction: MoneyDirection,
  reconState: ReconState,
});
export type TransactionSummary = z.infer<typeof TransactionSummary>;
