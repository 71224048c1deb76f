import { ConnectorError } from '../connector-error.ts';
import type { StreamContext } from '../connector.ts';
import { parseEnvelope } from '../shared/records.ts';
import { TokenCache, type Authorize, type IssuedToken } from '../shared/token-cache.ts';
import { createProviderHttp, type ProviderHttp } from '../../sync/provider-http.ts';
import { VIPPS_NAME, vippsConfigSchema, type VippsConfig } from './config.ts';
import { MerchantToken, PartnerToken } from './wire.ts';

/** Both Vipps token flows hand out 15-minute tokens. */
const TOKEN_LIFETIME_MS = 15 * 60_000;

export interface VippsAuthOptions {
  /** The clock the token cache runs on (tests align it with a sped-up sandbox). */
  now?: () => number;
}

function secret(ctx: Omit<StreamContext, 'http'>, key: string, label: string): string {
  const value = ctx.secrets[key];
  if (!value)
    throw new ConnectorError('config', `${VIPPS_NAME} needs the ${label}. Enter it in Connections.`);
  return value;
}

/** The token endpoint's refusals in words a shop manager can act on; anything else passes through. */
function explain(err: unknown): never {
  if (err instanceof ConnectorError && err.status === 401) {
    throw new ConnectorError(
      'auth',
      `${VIPPS_NAME} rejected the client credentials (401). Check them in Connections.`,
      { status: 401, cause: err },
    );
  }
  if (err instanceof ConnectorError && err.status === 400) {
    throw new ConnectorError(
      'config',
      `${VIPPS_NAME} refused the token request (400): check the client id and the Merchant Serial Number in Connections.`,
      { status: 400, cause: err },
    );
  }
  throw err;
}

async function partnerToken(
  http: ProviderHttp,
  clientId: string,
  clientSecret: string,
): Promise<IssuedToken> {
  const basic = Buffer.from(`${clientId}:${clientSecret}`, 'utf8').toString('base64');
  const res = await http
    .request('POST', 'miami/v1/token', {
      anonymous: true,
      headers: { Authorization: `Basic ${basic}` },
      form: { grant_type: 'client_credentials' },
    })
    .catch(explain);
  const body = parseEnvelope(PartnerToken, res.data, VIPPS_NAME, 'token response');
  return { value: body.access_token, expiresInSeconds: body.expires_in ?? null };
}

async function merchantToken(
  http: ProviderHttp,
  config: VippsConfig,
  clientSecret: string,
  subscriptionKey: string,
  now: () => number,
): Promise<IssuedToken> {
  const res = await http
    .request('POST', 'accesstoken/get', {
      anonymous: true,
      headers: {
        client_id: config.clientId,
        client_secret: clientSecret,
        'Ocp-Apim-Subscription-Key': subscriptionKey,
        'Merchant-Serial-Number': config.merchantSerialNumber ?? '',
      },
    })
    .catch(explain);
  const body = parseEnvelope(MerchantToken, res.data, VIPPS_NAME, 'token response');
  // `expires_in` is relative and immune to clock skew; `expires_on` (epoch seconds) is the fallback.
  const expiresIn =
    body.expires_in ?? (body.expires_on === undefined ? null : Math.max(0, body.expires_on - now() / 1000));
  return { value: body.access_token, expiresInSeconds: expiresIn };
}

/**
 * The authorizer the engine hands to this connection's HTTP client. The token endpoint is called
 * through its own anonymous client (the authorizer runs before the main client exists); the token is
 * cached and renewed a minute before expiry, and once more when the API still answers 401.
 */
export function createVippsAuthorizer(
  ctx: Omit<StreamContext, 'http'>,
  opts: VippsAuthOptions = {},
): Authorize {
  const config = vippsConfigSchema.parse(ctx.connection.config);
  const now = opts.now ?? Date.now;
  const merchant = config.keyFlow === 'merchant';
  const tokenHttp = createProviderHttp({
    providerName: VIPPS_NAME,
    baseUrl: config.baseUrl,
    signal: ctx.signal,
    retries: 3,
  });
  const cache = new TokenCache({
    defaultLifetimeMs: TOKEN_LIFETIME_MS,
    marginMs: 60_000,
    now,
    fetchToken: () => {
      const clientSecret = secret(ctx, 'clientSecret', 'client secret');
      if (!merchant) return partnerToken(tokenHttp, config.clientId, clientSecret);
      const subscriptionKey = secret(ctx, 'subscriptionKey', 'subscription key');
      return merchantToken(tokenHttp, config, clientSecret, subscriptionKey, now);
    },
  });
  return async (headers, { refresh }) => {
    headers.set('Authorization', `Bearer ${await cache.get(refresh)}`);
    headers.set('Vipps-System-Name', 'posrecon');
    if (merchant) {
      // Merchant-key calls carry the subscription key and MSN on every request, not only the token one.
      headers.set('Ocp-Apim-Subscription-Key', secret(ctx, 'subscriptionKey', 'subscription key'));
      headers.set('Merchant-Serial-Number', config.merchantSerialNumber ?? '');
    }
  };
}
