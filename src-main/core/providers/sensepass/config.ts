import { z } from 'zod';
import { baseUrlField, historyDaysField } from '../shared/config.ts';

export const SENSEPASS_BASE_URL = 'https://api.sensepass.com/api';
/** The docs name the sandbox host only; we assume it mirrors production's `/api` path. */
export const SENSEPASS_SANDBOX_BASE_URL = 'https://api.sandbox.sensepass.com/api';

export const SensePassConfig = z.object({
  baseUrl: baseUrlField(SENSEPASS_BASE_URL),
  /** Which credential goes in the request body: the location `apiKey` (recommended) or a terminal's `deviceId`. */
  authMode: z.enum(['apiKey', 'deviceId']).default('apiKey'),
  /** Only for the deprecated merchant key: sent next to `apiKey`. */
  branchNumber: z.string().trim().min(1).optional(),
  pageLimit: z.number().int().min(1).max(1000).default(500),
  windowDays: z.number().int().min(1).max(31).default(7),
  historyDays: historyDaysField,
});
export type SensePassConfig = z.infer<typeof SensePassConfig>;
