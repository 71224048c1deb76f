import { ConnectorError } from '../connector-error.ts';
import type { Connector, StreamContext } from '../connector.ts';
import { SALES_PATH, SALES_STREAM, SENTRYPOS_NAME, SentryPosSalesSync } from './client.ts';
import { parseConfig } from '../shared/records.ts';
import { SENTRYPOS_BASE_URL, SentryPosConfig } from './config.ts';
import { dayFromFields } from '../shared/record-day.ts';
import { sentryposWords } from './words.ts';

function apiKey(ctx: Pick<StreamContext, 'secrets'>): string {
  const key = ctx.secrets.apiKey?.trim();
  if (!key)
    throw new ConnectorError('config', `${SENTRYPOS_NAME} has no API key yet. Enter it in Connections.`);
  return key;
}

/** SentryPOS Sales API: POS sales (one row per payment attempt) with a provider-side daily summary. */
export const sentryposConnector: Connector<SentryPosConfig> = {
  provider: 'sentrypos',
  displayName: SENTRYPOS_NAME,
  words: sentryposWords,
  defaultBaseUrl: SENTRYPOS_BASE_URL,
  // The only address SentryPOS publishes is its sandbox, so both choices point there until it names production.
  sandboxBaseUrl: SENTRYPOS_BASE_URL,
  configSchema: SentryPosConfig,
  secretFields: [{ key: 'apiKey', label: 'API key (sntr_…, scope sales:read)' }],
  budget: { limit: 60, intervalMs: 60_000 },
  authorizer(ctx) {
    return async (headers) => {
      headers.set('Authorization', `Bearer ${apiKey(ctx)}`);
    };
  },
  recordDay: (raw, _stream, zone) => dayFromFields(raw, ['createdAt'], zone),
  streams: [
    {
      name: SALES_STREAM,
      async *pages(ctx, bookmark) {
        yield* new SentryPosSalesSync(
          ctx,
          parseConfig(SentryPosConfig, ctx.connection.config, SENTRYPOS_NAME),
        ).pages(bookmark);
      },
    },
  ],
  async test(ctx) {
    apiKey(ctx);
    const today = ctx.window.today;
    await ctx.http.request('GET', SALES_PATH, {
      searchParams: { startDate: today, endDate: today, limit: 1 },
    });
  },
};
