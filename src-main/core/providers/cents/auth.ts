import { ConnectorError } from '../connector-error.ts';
import type { StreamContext } from '../connector.ts';
import { parseEnvelope } from '../shared/records.ts';
import { TokenCache, type Authorize } from '../shared/token-cache.ts';
import { createProviderHttp } from '../shared/provider-http.ts';
import { CENTS_NAME, centsConfigSchema, centsTokenUrl } from './config.ts';
import { CentsToken } from './wire.ts';

/** Cognito's default id_token lifetime, for a reply that does not state one. */
const DEFAULT_LIFETIME_MS = 60 * 60_000;

/** Cognito refuses a bad refresh token or client with 400 (`invalid_grant`, `invalid_client`). */
function explain(err: unknown): never {
  if (err instanceof ConnectorError && (err.status === 400 || err.status === 401)) {
    if (err.message.includes('invalid_client')) {
      throw new ConnectorError(
        'config',
        `${CENTS_NAME}'s sign-in service does not know the app client id. Check it in Connections.`,
        { status: err.status, cause: err },
      );
    }
    throw new ConnectorError(
      'auth',
      `${CENTS_NAME} no longer accepts the saved sign-in (the refresh token was refused). Sign in to Cents again in Connections.`,
      { status: err.status, cause: err },
    );
  }
  throw err;
}

/**
 * Refresh token → id_token (not the access token: Cents authorizes on the id_token), cached until a
 * minute before it expires and fetched again when the API still answers 401.
 */
export function createCentsAuthorizer(
  ctx: Omit<StreamContext, 'http'>,
  opts: { now?: () => number } = {},
): Authorize {
  const config = centsConfigSchema.parse(ctx.connection.config);
  const tokenUrl = new URL(centsTokenUrl(config));
  const http = createProviderHttp({
    providerName: CENTS_NAME,
    baseUrl: tokenUrl.origin,
    signal: ctx.signal,
    retries: 3,
  });
  const cache = new TokenCache({
    defaultLifetimeMs: DEFAULT_LIFETIME_MS,
    marginMs: 60_000,
    now: opts.now,
    async fetchToken() {
      const refreshToken = ctx.secrets.refreshToken;
      if (!refreshToken) {
        throw new ConnectorError(
          'config',
          `${CENTS_NAME} needs a refresh token. Sign in to Cents in Connections.`,
        );
      }
      const res = await http
        .request('POST', tokenUrl.pathname + tokenUrl.search, {
          anonymous: true,
          form: { grant_type: 'refresh_token', client_id: config.clientId, refresh_token: refreshToken },
        })
        .catch(explain);
      const body = parseEnvelope(CentsToken, res.data, CENTS_NAME, 'token response');
      return { value: body.id_token, expiresInSeconds: body.expires_in ?? null };
    },
  });
  return async (headers, { refresh }) => {
    headers.set('Authorization', `Bearer ${await cache.get(refresh)}`);
  };
}
