import type { Connector } from '../connector.ts';
import { createCentsAuthorizer } from './auth.ts';
import { listPage, transactionsStream } from './client.ts';
import {
  CENTS_BASE_URL,
  CENTS_NAME,
  CENTS_SECRET_FIELDS,
  centsConfigSchema,
  centsTokenUrl,
  type CentsConfig,
} from './config.ts';
import { dayFromFields } from '../shared/record-day.ts';
import { centsWords } from './words.ts';

/** Cents Donations: the payment gateway's round-up transactions (order, donation, refunds). */
export function createCentsConnector(options: { now?: () => number } = {}): Connector<CentsConfig> {
  return {
    provider: 'cents',
    displayName: CENTS_NAME,
    words: centsWords,
    defaultBaseUrl: CENTS_BASE_URL,
    sandboxBaseUrl: null,
    configSchema: centsConfigSchema,
    secretFields: CENTS_SECRET_FIELDS,
    budget: null,
    authorizer: (ctx) => createCentsAuthorizer(ctx, options),
    streams: [transactionsStream],
    recordDay: (raw, _stream, zone) => dayFromFields(raw, ['created_date'], zone),
    async test(ctx) {
      await listPage(ctx.http, { startDate: null, startKey: null, limit: 1 });
    },
    // The refresh token goes to the token endpoint, the id_token made from it to the API.
    secretOrigins: (config) => [centsTokenUrl(config), config.baseUrl],
  };
}

export const centsConnector = createCentsConnector();
