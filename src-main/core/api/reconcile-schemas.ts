import { z } from 'zod';
import { DISCREPANCY_CLASSES } from '../reconcile/discrepancies.ts';
import { ReconcileSettings, ReconcileSettingsPatch } from '../reconcile/reconcile-settings.ts';
import { IsoDate, ReferenceDto } from './schemas.ts';

export const DiscrepancyClass = z.enum(DISCREPANCY_CLASSES);
export const GroupState = z.enum(['linked', 'review', 'unmatched', 'explained']);
export const MemberRole = z.enum([
  'sale',
  'payment',
  'view',
  'attempt',
  'refund',
  'fee',
  'duplicate',
  'pre-transaction',
]);

const Money = z.object({ currency: z.string(), amountMinor: z.number().int() });

export const ReconcileRunReport = z.object({
  full: z.boolean(),
  days: z.number().int(),
  groups: z.number().int(),
  refundsLinked: z.number().int(),
  payouts: z.number().int(),
  discrepancies: z.number().int(),
  /** Sales of the day before a new day matched again where the new day reaches (not that whole day). */
  dayBeforeSales: z.number().int().optional(),
  timings: z.record(z.string(), z.number()),
  /** Plain-words reasons the result may be incomplete (a sync cut off half way, …). */
  warnings: z.array(z.string()),
});

export const ReconcileProgressEvent = z.object({
  phase: z.enum(['matching', 'refunds', 'payouts', 'discrepancies', 'done']),
  done: z.number().int(),
  total: z.number().int(),
});

const periodFields = { from: IsoDate.nullish(), to: IsoDate.nullish() };
const inOrder = (p: { from?: string | null; to?: string | null }) => !p.from || !p.to || p.from <= p.to;
const outOfOrder = { message: 'The period ends before it starts', path: ['to'] };
const Period = z.object(periodFields).strict().refine(inOrder, outOfOrder);

export const SummaryRow = z.object({
  date: z.string(),
  /** The payment provider(s) of the sales (vipps+tgi for a split), or the provider of a payment no sale claimed. */
  provider: z.string(),
  linked: z.number().int(),
  review: z.number().int(),
  unmatched: z.number().int(),
  explained: z.number().int(),
  money: z.array(
    z.object({
      currency: z.string(),
      linkedMinor: z.number().int(),
      reviewMinor: z.number().int(),
      unmatchedMinor: z.number().int(),
    }),
  ),
});

export const PayoutCheck = z.object({
  id: z.number().int(),
  ledgerDate: z.string(),
  firstDate: z.string(),
  currency: z.string(),
  capturesMinor: z.number().int(),
  refundsMinor: z.number().int(),
  feesMinor: z.number().int(),
  adjustmentsMinor: z.number().int(),
  expectedMinor: z.number().int(),
  actualMinor: z.number().int(),
  differenceMinor: z.number().int(),
  items: z.number().int(),
});

export const ReconcileSummary = z.object({
  from: z.string().nullable(),
  to: z.string().nullable(),
  /** Whether any reconcile run has happened on this cache. */
  reconciled: z.boolean(),
  totals: z.object({
    sales: z.number().int(),
    linked: z.number().int(),
    review: z.number().int(),
    unmatched: z.number().int(),
    explained: z.number().int(),
    unmatchedPayments: z.number().int(),
    /** Linked sales ÷ sales that need a payment (explained ones left out). */
    linkedShare: z.number(),
  }),
  rows: z.array(SummaryRow),
  classes: z.array(
    z.object({ class: DiscrepancyClass, label: z.string(), count: z.number().int(), money: z.array(Money) }),
  ),
  explained: z.object({
    cash: z.number().int(),
    failedAttempts: z.number().int(),
    pendingYoung: z.number().int(),
  }),
  payouts: z.array(PayoutCheck),
  warnings: z.array(z.string()),
});

export const ReconcileListItem = z.object({
  /** A group's key (sale:…) or a lone record's (payment:<id>, discrepancy:<id>). */
  key: z.string(),
  kind: z.enum(['sale', 'payment', 'discrepancy']),
  date: z.string(),
  state: z.string(),
  class: DiscrepancyClass.nullable(),
  providers: z.string(),
  currency: z.string(),
  amountMinor: z.number().int(),
  score: z.number().nullable(),
  version: z.string().nullable(),
  /** One plain sentence a shop manager understands. */
  text: z.string(),
  transactionIds: z.array(z.number().int()),
});

export const ReconcileListInput = z
  .object({
    ...periodFields,
    state: z.enum(['review', 'unmatched', 'discrepancy', 'linked', 'explained']),
    class: DiscrepancyClass.nullish(),
    /**
     * A column of the summary's day × provider grid: the payment providers of a sale as the summary
     * names them ('tgi', 'tgi+vipps', 'none' for sales no payment was found for). A discrepancy of a
     * sale goes by its sale's providers, one of a lone payment by that payment's provider.
     */
    provider: z
      .string()
      .regex(/^[a-z]+(\+[a-z]+)*$/, 'A provider column is written like "tgi" or "tgi+vipps".')
      .max(100)
      .nullish(),
    limit: z.number().int().min(1).max(500).default(100),
    cursor: z.string().max(200).nullish(),
  })
  .strict()
  .refine(inOrder, outOfOrder);

export const FieldEvidence = z.object({
  field: z.string(),
  label: z.string(),
  score: z.number().nullable(),
  note: z.string(),
  detail: z.record(z.string(), z.union([z.string(), z.number(), z.null()])),
});

export const ExplainedMember = z.object({
  id: z.number().int(),
  provider: z.string(),
  connectionId: z.string(),
  externalId: z.string(),
  role: MemberRole,
  kind: z.string(),
  amountMinor: z.number().int(),
  currency: z.string(),
  status: z.string(),
  occurredAt: z.string(),
  businessDate: z.string(),
  /** `kind` is the provider's field name, `label` the same in plain words. */
  references: z.array(ReferenceDto),
});

export const RivalRecord = z.object({
  side: z.enum(['payment', 'sale']),
  provider: z.string(),
  amountMinor: z.number().int(),
  currency: z.string(),
  occurredAt: z.string(),
  businessDate: z.string(),
  references: z.array(ReferenceDto),
});

export const ReconcileExplanation = z.object({
  key: z.string(),
  kind: z.enum(['sale', 'payment']),
  state: z.string(),
  method: z.string(),
  score: z.number().nullable(),
  version: z.string().nullable(),
  anchorDate: z.string(),
  currency: z.string(),
  saleMinor: z.number().int(),
  paidMinor: z.number().int(),
  text: z.string(),
  members: z.array(ExplainedMember),
  pairs: z.array(
    z.object({
      tenderId: z.number().int(),
      paymentId: z.number().int(),
      how: z.string(),
      status: z.string(),
      score: z.number(),
      fields: z.array(FieldEvidence),
      runnerUp: z
        .object({
          paymentId: z.number().int(),
          tenderId: z.number().int(),
          score: z.number(),
          fields: z.array(FieldEvidence),
          /** Why it lost, in plain words. */
          why: z.string(),
          /**
           * The record the runner-up put up against the link, to name it in words: another payment for
           * this sale, or another sale for this payment (null: no longer in the cache).
           */
          record: RivalRecord.nullable(),
        })
        .nullable(),
    }),
  ),
  refunds: z.array(
    z.object({
      refundId: z.number().int(),
      /** The payment it gives back; null where a person tied the refund to the sale, not to one payment. */
      paymentId: z.number().int().nullable(),
      status: z.string(),
      score: z.number(),
      note: z.string(),
    }),
  ),
  payouts: z.array(PayoutCheck),
  discrepancies: z.array(z.object({ id: z.number().int(), class: DiscrepancyClass, text: z.string() })),
  decisions: z.array(
    z.object({
      id: z.number().int(),
      at: z.string(),
      actor: z.string(),
      action: z.string(),
      recordId: z.number().int().nullable(),
      undone: z.boolean(),
    }),
  ),
});

export const DecideInput = z
  .object({
    action: z.enum(['accept', 'reject', 'link', 'unlink']),
    /** The sale group decided on (sale:…), as shown. */
    groupKey: z.string().min(1).max(300),
    /** The group's version as shown: a group a sync changed since is refused as stale. */
    version: z.string().min(1).max(64).nullish(),
    /** link and unlink: the payment (or refund) record; accept and reject: one pair, or every suggestion when absent. */
    transactionId: z.number().int().positive().nullish(),
    note: z.string().max(500).nullish(),
  })
  .strict();

export const DecisionEntry = z.object({
  id: z.number().int(),
  at: z.string(),
  actor: z.string(),
  action: z.string(),
  saleKey: z.string(),
  record: z.string(),
  note: z.string().nullable(),
  undoneAt: z.string().nullable(),
  undoneBy: z.string().nullable(),
});

export const CandidatesInput = z
  .object({
    /** The unmatched sale (sale:…) or payment (payment:<id> / transaction:<id>) to find the other half of. */
    key: z.string().min(1).max(300),
    /** Amount range in the record's currency; both default to the amount still to find. */
    minMinor: z.number().int().nullish(),
    maxMinor: z.number().int().nullish(),
    /** Time window (UTC instants); defaults to a day either side of the record. */
    from: z.iso.datetime().nullish(),
    to: z.iso.datetime().nullish(),
    limit: z.number().int().min(1).max(200).default(50),
  })
  .strict();

export const ReconcileCandidates = z.object({
  record: z.object({
    id: z.number().int(),
    side: z.enum(['sale', 'payment']),
    groupKey: z.string().nullable(),
    currency: z.string(),
    amountMinor: z.number().int(),
    occurredAt: z.string(),
  }),
  /** The search as run, so the panel shows the prefilled window it can widen. */
  window: z.object({
    minMinor: z.number().int(),
    maxMinor: z.number().int(),
    from: z.string(),
    to: z.string(),
  }),
  items: z.array(
    z.object({
      id: z.number().int(),
      provider: z.string(),
      kind: z.string(),
      amountMinor: z.number().int(),
      currency: z.string(),
      occurredAt: z.string(),
      businessDate: z.string(),
      customerName: z.string().nullable(),
      reference: z.string().nullable(),
      differenceMinor: z.number().int(),
      secondsApart: z.number().int(),
      groupKey: z.string().nullable(),
      groupVersion: z.string().nullable(),
      /** Whether `reconcile:decide` link would take it; `note` says why not. */
      linkable: z.boolean(),
      note: z.string(),
      link: z.object({
        groupKey: z.string(),
        version: z.string().nullable(),
        transactionId: z.number().int(),
      }),
    }),
  ),
});

export const ReconcilePayout = z.object({
  payout: PayoutCheck,
  /** The captures, refunds, fees and corrections it settles, oldest first, each with its sale when known. */
  items: z.array(
    z.object({
      id: z.number().int(),
      kind: z.string(),
      amountMinor: z.number().int(),
      currency: z.string(),
      businessDate: z.string(),
      occurredAt: z.string(),
      reference: z.string().nullable(),
      /** The payment the ledger entry shows (the Sales API capture), or the entry itself. */
      paymentId: z.number().int(),
      saleKey: z.string().nullable(),
    }),
  ),
});

export const reconcileOperations = {
  /** Rebuilds reconciliation for the days syncs changed (or every day with full); progress arrives as events. */
  'reconcile:run': {
    input: z.object({ full: z.boolean().default(false) }).strict(),
    output: ReconcileRunReport,
  },
  'reconcile:summary': {
    input: Period,
    output: ReconcileSummary,
  },
  'reconcile:list': {
    input: ReconcileListInput,
    output: z.object({ items: z.array(ReconcileListItem), nextCursor: z.string().nullable() }),
  },
  'reconcile:explain': {
    input: z.object({ key: z.string().min(1).max(300) }).strict(),
    output: ReconcileExplanation,
  },
  /** Find match: the records that could pay an unmatched sale (or be the sale of a lone payment). */
  'reconcile:candidates': {
    input: CandidatesInput,
    output: ReconcileCandidates,
  },
  /** Payout detail: what one payout settles, and its expected net beside the actual. */
  'reconcile:payout': {
    input: z.object({ id: z.number().int().positive() }).strict(),
    output: ReconcilePayout,
  },
  'reconcile:decide': {
    input: DecideInput,
    output: z.object({ decisions: z.array(DecisionEntry), group: ReconcileExplanation }),
  },
  /** Undoes the latest decision still in force (or the one given), and rebuilds what it touched. */
  'reconcile:undo': {
    input: z.object({ decisionId: z.number().int().positive().nullish() }).strict(),
    output: z.object({ undone: DecisionEntry, group: ReconcileExplanation.nullable() }),
  },
  'reconcile:decisions': {
    input: z
      .object({
        limit: z.number().int().min(1).max(500).default(100),
        beforeId: z.number().int().positive().nullish(),
      })
      .strict(),
    output: z.object({ items: z.array(DecisionEntry) }),
  },
  'reconcile:settings': {
    input: z.object({}).strict(),
    output: ReconcileSettings,
  },
  'reconcile:configure': {
    input: ReconcileSettingsPatch,
    output: ReconcileSettings,
  },
} as const;
