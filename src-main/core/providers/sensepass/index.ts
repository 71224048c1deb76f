import type { Connector } from '../connector.ts';
import { probe, SENSEPASS_NAME, TRANSACTIONS_STREAM, transactionPages } from './client.ts';
import { parseConfig } from '../shared/records.ts';
import { SENSEPASS_BASE_URL, SENSEPASS_SANDBOX_BASE_URL, SensePassConfig } from './config.ts';
import { dayFromFields } from '../shared/record-day.ts';
import { sensepassWords } from './words.ts';

/** SensePass transactions (Bit, cards, wallets): credentials in the JSON body, offset paging. */
export const sensepassConnector: Connector<SensePassConfig> = {
  provider: 'sensepass',
  displayName: SENSEPASS_NAME,
  words: sensepassWords,
  defaultBaseUrl: SENSEPASS_BASE_URL,
  sandboxBaseUrl: SENSEPASS_SANDBOX_BASE_URL,
  configSchema: SensePassConfig,
  // One of the two, as `authMode` says.
  secretFields: [
    { key: 'apiKey', label: 'API key (location key; or the merchant key with a branch number)' },
    { key: 'deviceId', label: 'Device ID (device mode only)' },
  ],
  budget: null,
  // Credentials go in each request's body, not a header.
  authorizer: () => null,
  recordDay: (raw, _stream, zone) => dayFromFields(raw, ['date'], zone),
  streams: [
    {
      name: TRANSACTIONS_STREAM,
      async *pages(ctx, bookmark) {
        yield* transactionPages(
          ctx,
          parseConfig(SensePassConfig, ctx.connection.config, SENSEPASS_NAME),
          bookmark,
        );
      },
    },
  ],
  async test(ctx) {
    await probe(ctx, parseConfig(SensePassConfig, ctx.connection.config, SENSEPASS_NAME));
  },
};
