import { z } from 'zod';
import { isCurrencyCode } from '../../model/money.ts';
import { apiUrlSchema } from './api-url.ts';

/** Config fields several connectors share; each connector's `configSchema` picks what it needs. */
export const baseUrlField = (defaultBaseUrl: string) =>
  apiUrlSchema('Enter the API address, starting with https://').default(defaultBaseUrl);

/**
 * For providers whose records carry no currency (SentryPOS `amountCents`, TGI cents). Left empty, the
 * shop's default currency applies, so a Norwegian shop's till is not read as dollars.
 */
export const currencyField = z
  .string()
  .refine(isCurrencyCode, { error: 'Enter an ISO 4217 currency code such as NOK' })
  .optional();

/** How far back the first sync reaches when there is no bookmark and no `--since`. */
export const historyDaysField = z.number().int().min(1).max(3650).default(90);
