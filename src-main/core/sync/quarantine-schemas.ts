import { z } from 'zod';
import { IsoDate, SyncReport } from '../api/schemas.ts';
import { ProviderId } from '../model/transaction.ts';

/** One record the sync could not store, as the CLI and the connection card show it. */
export const QuarantineItem = z.object({
  id: z.number().int(),
  provider: ProviderId,
  providerName: z.string(),
  connectionId: z.string(),
  connectionName: z.string(),
  stream: z.string(),
  externalId: z.string().nullable(),
  /** The record's own day, read again by a retry; null when the record carries no readable date. */
  day: IsoDate.nullable(),
  /** What is wrong, in plain words. */
  reason: z.string(),
  /** The check's own report, for support. */
  error: z.string(),
  /** The record exactly as the provider sent it. */
  raw: z.unknown(),
  firstSeenAt: z.string(),
  lastSeenAt: z.string(),
  dismissedAt: z.string().nullable(),
  dismissedReason: z.string().nullable(),
});
export type QuarantineItem = z.infer<typeof QuarantineItem>;

const Ids = z.array(z.number().int().positive()).min(1).max(1000);

export const quarantineOperations = {
  /** Records in quarantine (not dismissed unless asked), oldest day first per connection. */
  'quarantine:list': {
    input: z
      .object({
        connectionId: z.string().min(1).optional(),
        includeDismissed: z.boolean().default(false),
        limit: z.number().int().min(1).max(1000).default(200),
      })
      .strict(),
    output: z.object({ items: z.array(QuarantineItem), truncated: z.boolean() }),
  },
  /** Syncs the records' connections again, each reading from the earliest quarantined day. */
  'quarantine:retry': {
    input: z.object({ connectionId: z.string().min(1).optional(), ids: Ids.optional() }).strict(),
    output: z.object({
      reports: z.array(SyncReport),
      retried: z.number().int(),
      /** Of the retried records: stored now, and still in quarantine. */
      stored: z.number().int(),
      remaining: z.number().int(),
    }),
  },
  /** Lets records go: they stop counting as missing and are not read again. A reason is required. */
  'quarantine:dismiss': {
    input: z
      .object({
        ids: Ids,
        reason: z
          .string()
          .trim()
          .min(3, { error: 'Say why these records can be let go (at least a few words).' })
          .max(500),
      })
      .strict(),
    output: z.object({ dismissed: z.number().int() }),
  },
} as const;
