import { z } from 'zod';
import { CurrencyCode } from '../model/settings.ts';
import { TransactionSummary } from '../model/transaction-summary.ts';
import { ReconState } from '../model/recon-state.ts';
import { NormalizedStatus, ProviderId, TransactionKind } from '../model/transaction.ts';

// The contract speaks in the model's shapes; the store reads and writes the same ones.
export { CurrencyCode, Settings, TimeZoneName } from '../model/settings.ts';
export { TransactionSummary } from '../model/transaction-summary.ts';

export const IsoDate = z.iso.date();

/** `kind` is the provider's own field name, `label` the same in plain words. */
export const ReferenceDto = z.object({ kind: z.string(), label: z.string(), value: z.string() });

export const RowCounts = z.object({
  transactions: z.number().int(),
  connections: z.number().int(),
  changeLog: z.number().int(),
});

/** A connection's non-secret part. Secrets are never part of the contract's answers. */
export const ConnectionSummary = z.object({
  id: z.string(),
  provider: ProviderId,
  name: z.string(),
  isDemo: z.boolean(),
  /** Non-secret settings (base URL, client id, ledger, …) as stored. */
  config: z.unknown(),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type ConnectionSummary = z.infer<typeof ConnectionSummary>;

export const SyncRunStatus = z.enum(['ok', 'partial', 'failed', 'cancelled']);

/** One connection's result of `sync:start`. `partial`: records sit in quarantine. */
export const SyncReport = z.object({
  connectionId: z.string(),
  connectionName: z.string(),
  provider: ProviderId,
  status: SyncRunStatus,
  pages: z.number().int(),
  records: z.number().int(),
  inserted: z.number().int(),
  updated: z.number().int(),
  unchanged: z.number().int(),
  quarantined: z.number().int(),
  /** change_log rows written: fields of known records that changed upstream. */
  changes: z.number().int(),
  quarantinedTotal: z.number().int(),
  error: z.string().nullable(),
  startedAt: z.string(),
  finishedAt: z.string(),
});
export type SyncReport = z.infer<typeof SyncReport>;

export const DayCompletenessDto = z.object({
  stream: z.string(),
  date: IsoDate,
  state: z.enum(['complete', 'open', 'partial']),
  detail: z.string().nullable(),
  checkedAt: z.string(),
});

export const SyncStatusEntry = z.object({
  connectionId: z.string(),
  connectionName: z.string(),
  provider: ProviderId,
  isDemo: z.boolean(),
  running: z.boolean(),
  /** When the newest finished run ended, whatever its outcome. */
  lastSyncAt: z.string().nullable(),
  lastSuccessAt: z.string().nullable(),
  /** Null until syncs are scheduled; today they run when asked. */
  nextSyncAt: z.string().nullable(),
  lastStatus: SyncRunStatus.nullable(),
  /** The newest run's error, shown until a later run succeeds. */
  error: z.string().nullable(),
  quarantined: z.number().int(),
  days: z.object({ complete: z.number().int(), open: z.number().int(), partial: z.number().int() }),
  completeness: z.array(DayCompletenessDto),
});
export type SyncStatusEntry = z.infer<typeof SyncStatusEntry>;

/** `sync:progress`: one stream's progress, after each committed page and once when it ends. */
export const SyncProgressEvent = z.object({
  connectionId: z.string(),
  connectionName: z.string(),
  provider: ProviderId,
  stream: z.string(),
  pages: z.number().int(),
  records: z.number().int(),
  quarantined: z.number().int(),
  totalHint: z.number().int().nullable(),
  ratePerSecond: z.number(),
  etaSeconds: z.number().nullable(),
  done: z.boolean(),
});

/** Filters of `transactions:search`; every one is optional and they combine with AND. */
export const SearchFilters = z
  .object({
    /** Free text: every word must prefix-match a name, email, phone, reference, id or line. */
    text: z.string().max(200).optional(),
    dateFrom: IsoDate.optional(),
    dateTo: IsoDate.optional(),
    providers: z.array(ProviderId).max(10).optional(),
    connectionIds: z.array(z.string().max(100)).max(50).optional(),
    statuses: z.array(NormalizedStatus).max(20).optional(),
    kinds: z.array(TransactionKind).max(10).optional(),
    currencies: z.array(CurrencyCode).max(20).optional(),
    methods: z.array(z.string().max(50)).max(20).optional(),
    networks: z.array(z.string().max(50)).max(20).optional(),
    /** Signed minor units, inclusive; a refund is negative. */
    amountMinMinor: z.number().int().optional(),
    amountMaxMinor: z.number().int().optional(),
    hasLines: z.boolean().optional(),
    /** Where a record stands in reconciliation, as the list's column shows it (linked, review, …). */
    reconStates: z.array(ReconState).max(5).optional(),
  })
  .strict();
export type SearchFilters = z.infer<typeof SearchFilters>;

export const SEARCH_SORTS = ['time_desc', 'time_asc', 'amount_desc', 'amount_asc'] as const;
export const SearchSort = z.enum(SEARCH_SORTS);
export type SearchSort = z.infer<typeof SearchSort>;

/** What a currency's headline figure is: the first of these its counted records hold. */
export const SEARCH_HEADLINES = ['received', 'sales', 'payouts', 'fees', 'adjustments'] as const;
export const SearchHeadline = z.enum(SEARCH_HEADLINES);
export type SearchHeadline = z.infer<typeof SearchHeadline>;

/**
 * Totals count each money movement once. A record that is a second view of money another record
 * already counts (a Vipps Report ledger entry of a Sales API payment, a fees-ledger entry of a fee the
 * funds ledger holds) is matched and listed, but left out of every count and sum here. Sums are never
 * added across kinds of money (a sale and the payment that paid it are the same purchase), nor across
 * currencies.
 */
export const SearchTotals = z.object({
  /** Every record the search matched: the rows the list holds, second views included. */
  matched: z.number().int(),
  /** Money movements counted: the matched records less the second views. */
  count: z.number().int(),
  /** Matched records left out of the counts and sums as second views of money already counted. */
  secondViews: z.number().int(),
  byCurrency: z.array(
    z.object({
      currency: z.string(),
      /** Counted records in this currency. */
      count: z.number().int(),
      /**
       * The one figure to read first: payments received net of refunds (captures + refunds, a refund
       * being negative). Where the currency holds no payment or refund, the sales, else the payouts,
       * the fees, the adjustments: `what` says which.
       */
      headline: z.object({ what: SearchHeadline, amountMinor: z.number().int() }),
      /** Counted records per kind of money, in the order of TRANSACTION_KINDS; kinds with none left out. */
      byKind: z.array(
        z.object({ kind: TransactionKind, count: z.number().int(), amountMinor: z.number().int() }),
      ),
    }),
  ),
  /** A sentence saying which view is counted and how many records were not counted again; null if none. */
  note: z.string().nullable(),
});
export type SearchTotals = z.infer<typeof SearchTotals>;

export const TransactionLineDto = z.object({
  lineNo: z.number().int(),
  name: z.string(),
  quantity: z.number(),
  unit: z.string().nullable(),
  unitPriceGrossMinor: z.number().int().nullable(),
  lineGrossMinor: z.number().int(),
  lineNetMinor: z.number().int().nullable(),
  discountMinor: z.number().int(),
  vatRateBp: z.number().int().nullable(),
  vatMinor: z.number().int().nullable(),
  category: z.string().nullable(),
});

export const TransactionDetail = TransactionSummary.extend({
  occurredAtRaw: z.string(),
  ledgerDate: z.string().nullable(),
  customerEmail: z.string().nullable(),
  customerPhone: z.string().nullable(),
  network: z.string().nullable(),
  syncedAt: z.string(),
  updatedAt: z.string(),
  /** How it was paid, in plain words ("Vipps app", "Mastercard"); `method`/`network` keep the codes. */
  paidWith: z.string().nullable(),
  references: z.array(ReferenceDto),
  lines: z.array(TransactionLineDto),
  /** VAT per rate over the lines, in the transaction's currency. */
  vat: z.array(
    z.object({
      rateBp: z.number().int().nullable(),
      netMinor: z.number().int(),
      vatMinor: z.number().int(),
      grossMinor: z.number().int(),
    }),
  ),
  /** The provider's payload exactly as stored. */
  rawJson: z.string(),
  changes: z.array(
    z.object({
      id: z.number().int(),
      changedAt: z.string(),
      field: z.string(),
      before: z.string().nullable(),
      after: z.string().nullable(),
    }),
  ),
});
export type TransactionDetail = z.infer<typeof TransactionDetail>;
