import { z } from 'zod';
import { RowCounts, Settings, TransactionSummary } from './schemas.ts';

/**
 * The one list of what the core can do. Every transport (Electron IPC, browser-mode HTTP, the CLI)
 * binds exactly these operations, and every call is validated against both schemas.
 */
export const operations = {
  'app:info': {
    input: z.object({}).strict(),
    output: z.object({
      name: z.literal('posrecon'),
      version: z.string(),
      dataDir: z.string(),
      databaseFile: z.string(),
      schemaVersion: z.number().int(),
      counts: RowCounts,
    }),
  },
  'settings:get': {
    input: z.object({}).strict(),
    output: Settings,
  },
  'settings:set': {
    input: Settings.partial().strict(),
    output: Settings,
  },
  'transactions:list': {
    input: z
      .object({
        limit: z.number().int().min(1).max(500).default(100),
        /** Opaque keyset cursor from the previous page's `nextCursor`. */
        cursor: z.string().max(200).nullish(),
      })
      .strict(),
    output: z.object({
      items: z.array(TransactionSummary),
      nextCursor: z.string().nullable(),
    }),
  },
} as const;

/** Everything the core pushes to the UI without being asked. */
export const events = {
  'settings:changed': Settings,
  'sync:progress': z.object({
    connectionId: z.string(),
    stream: z.string(),
    pages: z.number().int(),
    records: z.number().int(),
    ratePerSecond: z.number(),
    etaSeconds: z.number().nullable(),
  }),
} as const;

export type Operations = typeof operations;
export type OperationName = keyof Operations;
export type OperationInput<N extends OperationName> = z.input<Operations[N]['input']>;
export type OperationParsedInput<N extends OperationName> = z.output<Operations[N]['input']>;
export type OperationOutput<N extends OperationName> = z.output<Operations[N]['output']>;

export type Events = typeof events;
export type EventName = keyof Events;
export type EventPayload<E extends EventName> = z.output<Events[E]>;

export const operationNames = Object.keys(operations) as OperationName[];
export const eventNames = Object.keys(events) as EventName[];

export function isOperationName(name: string): name is OperationName {
  return Object.hasOwn(operations, name);
}

/** What a failed call returns, on every transport. `details` carries field errors for forms. */
export interface ApiErrorBody {
  code: string;
  message: string;
  details?: unknown;
}

export type ApiResult<T> = { ok: true; value: T } | { ok: false; error: ApiErrorBody };
