import { z } from 'zod';

// Wire schemas, tolerant on purpose: unknown fields are kept (looseObject) and enum-like fields are
// plain strings, because Vipps adds entry types without notice and its docs disagree with its 2023 spec
// (`scheduled-for-payout` vs `payout-scheduled`). The maps in normalize.ts decide what a value means.

/**
 * `POST /miami/v1/token` (accounting-partner keys) and `POST /accesstoken/get` (merchant keys). The
 * lifetimes are a number today and a string in the spec; one we cannot read must not lose the token,
 * so they are taken as they come and read in auth.ts.
 */
export const TokenResponse = z.looseObject({
  access_token: z.string().min(1),
  token_type: z.unknown().optional(),
  expires_in: z.unknown().optional(),
  expires_on: z.unknown().optional(),
});

export const Ledger = z.looseObject({
  ledgerId: z.string().min(1),
  currency: z.string().optional(),
  settlesForRecipientHandles: z.array(z.string()).optional(),
});
export type Ledger = z.infer<typeof Ledger>;

/** `GET /settlement/v1/ledgers`: `cursor` is empty when there is nothing more. */
export const LedgerList = z.looseObject({
  cursor: z.string().nullish(),
  items: z.array(Ledger),
});

const records = z.array(z.unknown());

/** Report API feed page: `cursor` always present and never empty; `tryLater` = caught up. */
export const ReportFeedPage = z.looseObject({
  cursor: z.string().min(1),
  tryLater: z.boolean().optional(),
  items: records,
});

/** Report API date page: `hasMore` always; `cursor` only with `hasMore`; `tryLater` = date still open. */
export const ReportDatePage = z.looseObject({
  cursor: z.string().nullish(),
  hasMore: z.boolean().optional(),
  tryLater: z.boolean().optional(),
  items: records,
});

/** Sales API page (feed and date): `{items, cursor, hasMore}`; `hasMore` may be missing on the feed. */
export const SalesPage = z.looseObject({
  cursor: z.string().nullish(),
  hasMore: z.boolean().optional(),
  items: records,
});

const minor = z.number().int();

/** One funds or fees ledger entry; amounts are signed integer minor units. */
export const ReportEntry = z.looseObject({
  pspReference: z.string().min(1),
  time: z.string().min(1),
  ledgerDate: z
    .string()
    .regex(/^\d{4}-\d{2}-\d{2}$/)
    .optional(),
  entryType: z.string().min(1),
  reference: z.string().nullish(),
  currency: z.string().min(1),
  amount: minor,
  balanceBefore: minor.nullish(),
  balanceAfter: minor.nullish(),
  recipientHandle: z.string().nullish(),
});
export type ReportEntry = z.infer<typeof ReportEntry>;

export const SalesLine = z.looseObject({
  lineId: z.string().nullish(),
  name: z.string().nullish(),
  quantity: z.number(),
  unitPriceGross: minor.nullish(),
  unitPriceNet: minor.nullish(),
  discountTotal: minor.nullish(),
  lineTotalGross: minor,
  lineTotalNet: minor.nullish(),
  /** Basis points: 2500 = 25 %. */
  vatRate: z.number().int().nullish(),
  vatAmount: minor.nullish(),
  category: z.string().nullish(),
});
export type SalesLine = z.infer<typeof SalesLine>;

const Customer = z.looseObject({
  email: z.string().nullish(),
  phone: z.string().nullish(),
  name: z.string().nullish(),
});

/** One Sales API capture or refund. `pspReference` is null for cash; `customer` is reserved (null). */
export const SalesEntry = z.looseObject({
  entryType: z.string().min(1),
  time: z.string().min(1),
  pspReference: z.string().min(1).nullable(),
  reference: z.string().nullish(),
  currency: z.string().min(1),
  paymentType: z.string().nullish(),
  amounts: z.looseObject({ gross: minor.optional(), net: minor.nullish(), vat: minor.nullish() }).nullish(),
  lines: z.array(SalesLine).nullish(),
  customer: Customer.nullish(),
  classification: z
    .looseObject({ solution: z.string().nullish(), salesCategory: z.string().nullish() })
    .nullish(),
  completeness: z
    .looseObject({
      hasLineItems: z.boolean().optional(),
      hasVatBreakdown: z.boolean().optional(),
      hasCustomerIdentity: z.boolean().optional(),
    })
    .nullish(),
});
export type SalesEntry = z.infer<typeof SalesEntry>;
