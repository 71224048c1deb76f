import { z } from 'zod';
import { apiUrlSchema } from '../shared/api-url.ts';
import { currencyField, historyDaysField } from '../shared/config.ts';

export const TgiConfig = z.object({
  /** TGI publishes no address: the customer gets it from LFL Group, so there is no default. */
  baseUrl: apiUrlSchema('Enter the TGI API address LFL Group gave you, starting with https://'),
  /** The public pages do not describe auth: the key goes in this header (`Authorization` sends `Bearer <key>`). */
  authHeaderName: z
    .string()
    .regex(/^[A-Za-z0-9-]+$/, { error: 'A header name has only letters, digits and dashes' })
    .default('X-Api-Key'),
  /** Only this customer's transactions; empty means every customer the key can see. */
  cid: z.string().trim().min(1).optional(),
  currency: currencyField,
  pageLimit: z.number().int().min(1).max(500).default(100),
  /** Days per date window: a window's pages are re-read if its count moves while paging. */
  windowDays: z.number().int().min(1).max(31).default(7),
  historyDays: historyDaysField,
});
export type TgiConfig = z.infer<typeof TgiConfig>;
