import { ConnectorError } from '../connector-error.ts';
import type { Connector, StreamContext } from '../connector.ts';
import { TGI_NAME, TRANSACTIONS_PATH, TRANSACTIONS_STREAM, transactionPages } from './client.ts';
import { parseConfig } from '../shared/records.ts';
import { TgiConfig } from './config.ts';
import { dayFromFields } from '../shared/record-day.ts';
import { tgiWords } from './words.ts';

function key(ctx: Pick<StreamContext, 'secrets'>): string {
  const value = ctx.secrets.key?.trim();
  if (!value) throw new ConnectorError('config', `${TGI_NAME} has no API key yet. Enter it in Connections.`);
  return value;
}

/** The auth header for a configured header name: `Authorization` carries `Bearer <key>`, any other the key itself. */
export function tgiAuthHeader(headerName: string, secret: string): [string, string] {
  if (headerName.toLowerCase() !== 'authorization') return [headerName, secret];
  return [headerName, /^bearer\s/i.test(secret) ? secret : `Bearer ${secret}`];
}

/** LFL Group TGI Transactions API: payment captures and refunds, amounts in integer cents. */
export const tgiConnector: Connector<TgiConfig> = {
  provider: 'tgi',
  displayName: TGI_NAME,
  words: tgiWords,
  // No public address exists; `configSchema` requires `baseUrl`.
  defaultBaseUrl: '',
  sandboxBaseUrl: null,
  configSchema: TgiConfig,
  secretFields: [{ key: 'key', label: 'API key' }],
  budget: null,
  authorizer(ctx) {
    const { authHeaderName } = parseConfig(TgiConfig, ctx.connection.config, TGI_NAME);
    return async (headers) => {
      const [name, value] = tgiAuthHeader(authHeaderName, key(ctx));
      headers.set(name, value);
    };
  },
  recordDay: (raw, _stream, zone) => dayFromFields(raw, ['date'], zone),
  streams: [
    {
      name: TRANSACTIONS_STREAM,
      async *pages(ctx, bookmark) {
        yield* transactionPages(ctx, parseConfig(TgiConfig, ctx.connection.config, TGI_NAME), bookmark);
      },
    },
  ],
  async test(ctx) {
    key(ctx);
    const { cid } = parseConfig(TgiConfig, ctx.connection.config, TGI_NAME);
    await ctx.http.request('GET', TRANSACTIONS_PATH, { searchParams: { limit: 1, cid } });
  },
};
