import { z } from 'zod';
import { isCurrencyCode } from '../model/money.ts';
import { isTimeZone } from '../model/time.ts';
import { NormalizedStatus, ProviderId, TransactionKind } from '../model/transaction.ts';

/** Shared building blocks of the contract. Messages are written for the person filling in the form. */
export const TimeZoneName = z
  .string()
  .trim()
  .refine(isTimeZone, { message: 'Not a known IANA time zone (for example Europe/Oslo)' });

export const CurrencyCode = z
  .string()
  .trim()
  .toUpperCase()
  .refine(isCurrencyCode, { message: 'Not an ISO 4217 currency code (for example NOK)' });

export const IsoDate = z.iso.date();

export const Settings = z.object({
  shopName: z.string().trim().min(1, 'The shop needs a name').max(200),
  timeZone: TimeZoneName,
  currency: CurrencyCode,
});
export type Settings = z.infer<typeof Settings>;

export const ReferenceDto = z.object({ kind: z.string(), value: z.string() });

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

export const RowCounts = z.object({
  transactions: z.number().int(),
  connections: z.number().int(),
  changeLog: z.number().int(),
});
