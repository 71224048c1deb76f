import { z } from 'zod';
import { baseUrlField, currencyField, historyDaysField } from '../shared/config.ts';

/** The only address the public page gives; a production URL is not published. */
export const SENTRYPOS_BASE_URL = 'https://sandbox.sentrypos.app';

export const SentryPosConfig = z.object({
  baseUrl: baseUrlField(SENTRYPOS_BASE_URL),
  currency: currencyField,
  /** Records per request. The page documents the default (100) but no maximum; a larger limit saves budget. */
  pageLimit: z.number().int().min(1).max(1000).default(500),
  historyDays: historyDaysField,
});
export type SentryPosConfig = z.infer<typeof SentryPosConfig>;
