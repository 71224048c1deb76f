import { z } from 'zod';
import { apiUrlSchema } from '../shared/api-url.ts';
import { baseUrlField, historyDaysField } from '../shared/config.ts';

export const CENTS_NAME = 'Cents';
export const CENTS_BASE_URL = 'https://api.centsdonations.com/v1';

/**
 * Non-secret settings. The token endpoint is the Cognito user pool's: either `tokenUrl` whole, or
 * `cognitoDomain` (a full host such as `auth.example.com`, or the pool's domain prefix with `region`).
 * The refresh token from the first interactive login is the one secret.
 */
export const centsConfigSchema = z
  .object({
    clientId: z.string().trim().min(1, { error: 'Enter the Cognito app client id' }),
    region: z
      .string()
      .trim()
      .regex(/^[a-z]{2}(-[a-z]+)+-\d$/, { error: 'Enter an AWS region such as eu-west-1' })
      .optional(),
    // A bare host name: it becomes https://<domain>/oauth2/token, where the refresh token is sent.
    cognitoDomain: z
      .string()
      .trim()
      .regex(/^(https:\/\/)?[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)*\/?$/, {
        error: 'Enter the Cognito domain as a host name, such as auth.example.com',
      })
      .optional(),
    tokenUrl: apiUrlSchema('Enter the token URL, starting with https://').optional(),
    baseUrl: baseUrlField(CENTS_BASE_URL),
    historyDays: historyDaysField,
  })
  .refine((c) => c.tokenUrl || (c.cognitoDomain && (c.cognitoDomain.includes('.') || c.region)), {
    error: 'Enter the token URL, or the Cognito domain (with its region when it is only a prefix)',
    path: ['tokenUrl'],
  });
export type CentsConfig = z.infer<typeof centsConfigSchema>;

export function centsTokenUrl(c: CentsConfig): string {
  if (c.tokenUrl) return c.tokenUrl;
  const domain = c.cognitoDomain ?? '';
  const host = domain.includes('.') ? domain : `${domain}.auth.${c.region ?? ''}.amazoncognito.com`;
  return `https://${host.replace(/^https?:\/\//, '').replace(/\/+$/, '')}/oauth2/token`;
}

export const CENTS_SECRET_FIELDS = [
  { key: 'refreshToken', label: 'Refresh token (from signing in to Cents)' },
] as const;
