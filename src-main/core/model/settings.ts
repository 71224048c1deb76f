import { z } from 'zod';
import { isCurrencyCode } from './money.ts';
import { isTimeZone } from './time.ts';

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

/** The shop's own settings: its business dates are days in `timeZone`, bare amounts are in `currency`. */
export const Settings = z.object({
  shopName: z.string().trim().min(1, 'The shop needs a name').max(200),
  timeZone: TimeZoneName,
  currency: CurrencyCode,
});
export type Settings = z.infer<typeof Settings>;
