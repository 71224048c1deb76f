import { z } from 'zod';
import { connectionOperations } from '../connections/connection-schemas.ts';
import { dashboardOperations } from '../dashboard/dashboard-schemas.ts';
import { ExportProgressEvent, exportOperations } from '../export/export-schemas.ts';
import { ReconcileProgressEvent, reconcileOperations } from './reconcile-schemas.ts';
import { SearchFacets } from '../search/facets.ts';
import { quarantineOperations } from '../sync/quarantine-schemas.ts';
import {
  ConnectionSummary,
  IsoDate,
  RowCounts,
  Settings,
  SyncProgressEvent,
  SyncReport,
  SearchFilters,
  SearchSort,
  SearchTotals,
  SyncStatusEntry,
  TransactionDetail,
  TransactionSummary,
} from './schemas.ts';

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
  /** Free text and filters over the cache, keyset-paged; totals only when asked (they cost a second query). */
  'transactions:search': {
    input: SearchFilters.extend({
      sort: SearchSort.default('time_desc'),
      /** 0 asks for the totals alone. */
      limit: z.number().int().min(0).max(500).default(100),
      /** Opaque keyset cursor from the previous page's `nextCursor` (same filters and sort). */
      cursor: z.string().max(300).nullish(),
      totals: z.boolean().default(false),
    }).strict(),
    output: z.object({
      items: z.array(TransactionSummary),
      nextCursor: z.string().nullable(),
      totals: SearchTotals.nullable(),
    }),
  },
  'transactions:get': {
    input: z.object({ id: z.number().int().positive() }).strict(),
    output: TransactionDetail,
  },
  /** The currencies, providers, kinds and statuses the cache holds, with counts: what filters offer. */
  'transactions:facets': {
    input: z.object({}).strict(),
    output: SearchFacets,
  },
  'connections:list': {
    input: z.object({}).strict(),
    output: z.object({ connections: z.array(ConnectionSummary) }),
  },
  /** Runs in the core host (never the UI's thread) and answers when every connection has finished. */
  'sync:start': {
    input: z
      .object({
        /** Default: every connection. */
        connectionIds: z.array(z.string().min(1)).min(1).optional(),
        /** Fetch again from this shop-zone date, whatever the bookmarks say. */
        since: IsoDate.nullish(),
        /** Days before each bookmark fetched again to catch late changes (default 7). */
        lookbackDays: z.number().int().min(0).max(365).optional(),
      })
      .strict(),
    output: z.object({ reports: z.array(SyncReport) }),
  },
  'sync:status': {
    input: z.object({}).strict(),
    output: z.object({ connections: z.array(SyncStatusEntry) }),
  },
  /** Stops running syncs after their current page; the next sync resumes from there. */
  'sync:cancel': {
    input: z.object({ connectionIds: z.array(z.string().min(1)).optional() }).strict(),
    output: z.object({ cancelled: z.number().int() }),
  },
  ...connectionOperations,
  ...reconcileOperations,
  ...dashboardOperations,
  ...exportOperations,
  ...quarantineOperations,
} as const;

/** Everything the core pushes to the UI without being asked. */
export const events = {
  'settings:changed': Settings,
  'sync:progress': SyncProgressEvent,
  'reconcile:progress': ReconcileProgressEvent,
  /** A run finished: views showing reconciliation reload. */
  'reconcile:changed': z.object({ full: z.boolean(), days: z.number().int() }),
  /** Every 5,000 rows of a running export, and once when it is done. */
  'export:progress': ExportProgressEvent,
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
