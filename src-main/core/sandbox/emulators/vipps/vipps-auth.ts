import { randomBytes } from 'node:crypto';
import { DEMO_CREDENTIALS } from '../../credentials.ts';
import { bearer, header, json, parseForm } from '../http-util.ts';
import type { EmulatorContext, EmuRequest, EmuResponse, Route } from '../types.ts';
import { vippsError } from './vipps-errors.ts';

export type TokenFlow = 'partner' | 'merchant';
const TOKEN_SECONDS = 900;

const b64url = (v: object) => Buffer.from(JSON.stringify(v)).toString('base64url');

/** Issues JWT-shaped bearer tokens for both Vipps flows and checks them (15 minutes, scaled by speedUp). */
export class VippsTokens {
  private readonly tokens = new Map<string, { flow: TokenFlow; expiresAt: number }>();
  private readonly ctx: EmulatorContext;

  constructor(ctx: EmulatorContext) {
    this.ctx = ctx;
  }

  issue(flow: TokenFlow): { token: string; nowS: number } {
    const now = this.ctx.now();
    const nowS = Math.floor(now / 1000);
    const token = [
      b64url({ typ: 'JWT', alg: 'RS256' }),
      b64url({
        iss: 'https://sandbox.posrecon.local/vipps',
        sub: DEMO_CREDENTIALS.vipps.clientId,
        flow,
        iat: nowS,
        exp: nowS + TOKEN_SECONDS,
      }),
      randomBytes(32).toString('base64url'),
    ].join('.');
    this.tokens.set(token, { flow, expiresAt: now + (TOKEN_SECONDS * 1000) / this.ctx.speedUp });
    return { token, nowS };
  }

  /** The token's flow, or a 401 `{code, message}`. */
  check(req: EmuRequest): TokenFlow | EmuResponse {
    const token = bearer(req);
    const info = token ? this.tokens.get(token) : undefined;
    if (!info) return vippsError(401, 'Unauthorized', 'Missing or invalid access token');
    if (this.ctx.now() >= info.expiresAt) return vippsError(401, 'Unauthorized', 'Access token has expired');
    if (
      info.flow === 'merchant' &&
      header(req, 'ocp-apim-subscription-key') !== DEMO_CREDENTIALS.vipps.subscriptionKey
    ) {
      return vippsError(401, 'Unauthorized', 'Access denied due to missing or invalid subscription key');
    }
    return info.flow;
  }
}

function basicCredentials(req: EmuRequest): [string, string] | undefined {
  const auth = header(req, 'authorization');
  const m = auth ? /^Basic\s+(\S+)$/i.exec(auth) : null;
  if (!m?.[1]) return undefined;
  const decoded = Buffer.from(m[1], 'base64').toString('utf8');
  const i = decoded.indexOf(':');
  return i < 0 ? undefined : [decoded.slice(0, i), decoded.slice(i + 1)];
}

const oauthError = (status: number, error: string, description: string): EmuResponse =>
  json(status, { error, error_description: description });

export function vippsAuthRoutes(tokens: VippsTokens): Route[] {
  const demo = DEMO_CREDENTIALS.vipps;
  return [
    {
      // Accounting-partner keys: Basic auth + form body today; the 2023 spec's header form is accepted too.
      endpoint: 'token',
      method: 'POST',
      auth: true,
      pattern: /^\/miami\/v1\/token\/?$/,
      handle(req) {
        const basic = basicCredentials(req);
        const [id, secret] = basic ?? [header(req, 'client_id'), header(req, 'client_secret')];
        if (!id || !secret) return oauthError(401, 'invalid_client', 'Client authentication failed');
        if (id !== demo.clientId || secret !== demo.clientSecret)
          return oauthError(401, 'invalid_client', 'Invalid client credentials');
        const grant = parseForm(req).get('grant_type');
        if (basic && grant !== 'client_credentials') {
          return oauthError(400, 'unsupported_grant_type', 'grant_type must be client_credentials');
        }
        const { token } = tokens.issue('partner');
        return json(200, { access_token: token, token_type: 'Bearer', expires_in: TOKEN_SECONDS });
      },
    },
    {
      // Merchant keys: everything in headers, and every number in the reply is a string.
      endpoint: 'accesstoken',
      method: 'POST',
      auth: true,
      pattern: /^\/accesstoken\/get\/?$/,
      handle(req) {
        if (
          header(req, 'client_id') !== demo.clientId ||
          header(req, 'client_secret') !== demo.clientSecret ||
          header(req, 'ocp-apim-subscription-key') !== demo.subscriptionKey
        ) {
          return vippsError(401, 'Unauthorized', 'Invalid client_id, client_secret or subscription key');
        }
        const msn = header(req, 'merchant-serial-number');
        if (msn !== undefined && !/^[0-9]{4,6}$/.test(msn))
          return vippsError(400, 'invalid-msn', 'Invalid Merchant-Serial-Number');
        const { token, nowS } = tokens.issue('merchant');
        return json(200, {
          token_type: 'Bearer',
          expires_in: String(TOKEN_SECONDS),
          ext_expires_in: String(TOKEN_SECONDS),
          expires_on: String(nowS + TOKEN_SECONDS),
          not_before: String(nowS),
          resource: '00000002-0000-0000-c000-000000000000',
          access_token: token,
        });
      },
    },
  ];
}
