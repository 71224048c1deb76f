import { z } from 'zod';
import { lifetimeSeconds } from '../shared/token-cache.ts';

// Tolerant wire schemas: unknown fields are kept, the status is a plain string (mapped, and kept raw,
// in normalize.ts), and amounts are accepted as JSON numbers or decimal strings; their unit is decided
// per field in normalize.ts.

/** Cognito's answer to `grant_type=refresh_token`: the `id_token` is the bearer Cents wants. */
export const CentsToken = z.looseObject({
  id_token: z.string().min(1),
  access_token: z.string().optional(),
  expires_in: lifetimeSeconds.optional(),
  token_type: z.string().optional(),
});

/** A list page: `last_key` is the next page's `start_key`; empty (or missing) means the end. */
export const CentsPage = z.looseObject({
  data: z.array(z.unknown()),
  last_key: z.string().nullish(),
});

/** A malformed amount quarantines its record; the reason names the value, not a pattern or a type. */
const notAnAmount = (iss: { input?: unknown }): string =>
  iss.input === undefined
    ? 'Missing amount'
    : `Not an amount: ${typeof iss.input === 'string' ? JSON.stringify(iss.input) : String(iss.input)} (Cents sends a number, or a decimal string such as "153.86")`;
const amount = z.union(
  [
    z.number({ error: notAnAmount }),
    z.string({ error: notAnAmount }).regex(/^-?\d+(\.\d+)?$/, { error: notAnAmount }),
  ],
  { error: notAnAmount },
);
const text = z.string().nullish();

export const CentsTransaction = z.looseObject({
  id: z.string().min(1),
  external_id: text,
  company_id: text,
  payment_gateway_id: text,
  payment_gateway_order_transaction_id: text,
  order_amount: amount,
  total_amount: amount,
  currency: z.string().min(1),
  charity_id: text,
  donation_cause: text,
  donation_amount: amount.nullish(),
  donation_currency: text,
  created_date: z.string().min(1),
  updated_date: text,
  consumer_user_full_name: text,
  consumer_user_email: text,
  consumer_user_phone: text,
  transaction_status: z.string().min(1),
  refunded_amount: amount.nullish(),
  reconciliation_id: text,
});
export type CentsTransaction = z.infer<typeof CentsTransaction>;
