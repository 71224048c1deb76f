import { ConnectorError } from '../connector-error.ts';
import type { StreamContext } from '../connector.ts';
import { parseEnvelope } from '../shared/records.ts';
import { lifetimeSeconds, TokenCache, type Authorize, type IssuedToken } from '../shared/token-cache.ts';
import { createProviderHttp, type ProviderHttp } from '../shared/provider-http.ts';
import { VIPPS_NAME, vippsConfigSchema, type VippsConfig } from './config.ts';
import { TokenResponse } from './wire.ts';

/** Both Vipps token flows hand out 15-minute tokens. */
const TOKEN_LIFETIME_MS = 15 * 60_000;
/**
 * The lifetime assumed when the token response states one we cannot read: short, so a token that
 * really lives 15 minutes is renewed well before it lapses (and a 401 still renews it at once).
 */
export const UNREADABLE_LIFETIME_SECONDS = 5 * 60;

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
    // Say what Vipps answered (the shared client quotes its words), not a guess at which setting is wrong.
    throw new ConnectorError('config', `${err.message.replace(/\.$/, '')} when asked for an access token.`, {
      status: 400,
      cause: err,
    });
  }
  throw err;
}

type Warn = (message: string) => void;

/** Seconds from a token response's lifetime field: null when absent, 'unreadable' when not a number. */
function readLifetime(value: unknown): number | null | 'unreadable' {
  if (value === undefined || value === null) return null;
  const parsed = lifetimeSeconds.safeParse(value);
  return parsed.success ? parsed.data : 'unreadable';
}

/** A lifetime we cannot read must not fail the sync: a short, safe one instead, and a warning. */
function fallbackLifetime(body: Record<string, unknown>, warn: Warn | undefined): number {
  const stated = JSON.stringify({ expires_in: body.expires_in, expires_on: body.expires_on }).slice(0, 80);
  warn?.(
    `${VIPPS_NAME} sent a token lifetime we cannot read (${stated}); the token is renewed after ${UNREADABLE_LIFETIME_SECONDS / 60} minutes instead.`,
  );
  return UNREADABLE_LIFETIME_SECONDS;
}

/**
 * Accounting-partner keys. The official token spec (2023) wants `client_id` and `client_secret` as
 * headers and no body; the current guide and the reconstructed Sales spec describe HTTP Basic with a
 * `grant_type=client_credentials` form. Both go in one request, so either reading of the endpoint is
 * satisfied (the spec describes no body, so the form adds nothing it forbids).
 */
async function partnerToken(
  http: ProviderHttp,
  clientId: string,
  clientSecret: string,
  warn: Warn | undefined,
): Promise<IssuedToken> {
  const basic = Buffer.from(`${clientId}:${clientSecret}`, 'utf8').toString('base64');
  const res = await http
    .request('POST', 'miami/v1/token', {
      anonymous: true,
      headers: { client_id: clientId, client_secret: clientSecret, Authorization: `Basic ${basic}` },
      form: { grant_type: 'client_credentials' },
    })
    .catch(explain);
  const body = parseEnvelope(TokenResponse, res.data, VIPPS_NAME, 'token response');
  const seconds = readLifetime(body.expires_in);
  return {
    value: body.access_token,
    expiresInSeconds: seconds === 'unreadable' ? fallbackLifetime(body, warn) : seconds,
  };
}

async function merchantToken(
  http: ProviderHttp,
  config: VippsConfig,
  clientSecret: string,
  subscriptionKey: string,
  now: () => number,
  warn: Warn | undefined,
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
  const body = parseEnvelope(TokenResponse, res.data, VIPPS_NAME, 'token response');
  // `expires_in` is relative and immune to clock skew; `expires_on` (epoch seconds) is the fallback.
  const expiresIn = readLifetime(body.expires_in);
  const expiresOn = readLifetime(body.expires_on);
  let seconds: number | null = null;
  if (typeof expiresIn === 'number') seconds = expiresIn;
  else if (typeof expiresOn === 'number') seconds = Math.max(0, expiresOn - now() / 1000);
  else if (expiresIn === 'unreadable' || expiresOn === 'unreadable') seconds = fallbackLifetime(body, warn);
  return { value: body.access_token, expiresInSeconds: seconds };
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
      if (!merchant) return partnerToken(tokenHttp, config.clientId, clientSecret, ctx.warn);
      const subscriptionKey = secret(ctx, 'subscriptionKey', 'subscription key');
      return merchantToken(tokenHttp, config, clientSecret, subscriptionKey, now, ctx.warn);
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
