import { z } from 'zod';
import { baseUrlField } from '../shared/config.ts';

export const VIPPS_NAME = 'Vipps MobilePay';
export const VIPPS_BASE_URL = 'https://api.vipps.no';

/**
 * Non-secret settings. `keyFlow` picks the token endpoint: accounting-partner keys (`/miami/v1/token`,
 * needed for the Sales API) or merchant keys (`/accesstoken/get`, Report API only). Without
 * `ledgerId` every ledger the keys can see is synced.
 */
export const vippsConfigSchema = z
  .object({
    clientId: z.string().trim().min(1, { error: 'Enter the client_id from the Vipps MobilePay portal' }),
    merchantSerialNumber: z
      .string()
      .trim()
      .regex(/^\d{4,6}$/, { error: 'The Merchant Serial Number (MSN) is 4 to 6 digits' })
      .optional(),
    ledgerId: z.string().trim().min(1).optional(),
    keyFlow: z.enum(['partner', 'merchant']).default('partner'),
    baseUrl: baseUrlField(VIPPS_BASE_URL),
  })
  .refine((c) => c.keyFlow !== 'merchant' || c.merchantSerialNumber !== undefined, {
    error: 'Merchant keys need the Merchant Serial Number (MSN)',
    path: ['merchantSerialNumber'],
  });
export type VippsConfig = z.infer<typeof vippsConfigSchema>;

export const VIPPS_SECRET_FIELDS = [
  { key: 'clientSecret', label: 'Client secret' },
  { key: 'subscriptionKey', label: 'Subscription key (Ocp-Apim-Subscription-Key, merchant keys only)' },
] as const;
