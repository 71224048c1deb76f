import { randomBytes } from 'node:crypto';
import { DEMO_CREDENTIALS } from '../../credentials.ts';
import {
  bearer,
  decodeCursor,
  encodeCursor,
  intParam,
  isValidDate,
  json,
  page,
  parseForm,
} from '../http-util.ts';
import type { Emulator, EmulatorContext, EmuRequest, EmuResponse } from '../types.ts';

const TOKEN_SECONDS = 3600;
const error = (status: number, _code?: string, message?: string): EmuResponse =>
  json(status, {
    message:
      message ??
      (status === 401 ? 'Unauthorized' : status === 429 ? 'Too Many Requests' : 'Internal server error'),
  });

const b64url = (v: object) => Buffer.from(JSON.stringify(v)).toString('base64url');

interface Key {
  c: number;
  id: string;
  s: number;
}

/**
 * Cents: Cognito tokens (refresh token → id_token, which is the bearer; the access token is refused),
 * keyset paging with a base64 `last_key` that is empty only at the end (a full last page is followed
 * by an empty one), and exactly one filter kind per request.
 */
export function centsEmulator(ctx: EmulatorContext): Emulator {
  const w = ctx.world;
  const tokens = new Map<string, { kind: 'id' | 'access'; expiresAt: number }>();
  const issue = (kind: 'id' | 'access') => {
    const nowS = Math.floor(ctx.now() / 1000);
    const token = [
      b64url({ kid: 'sandbox', alg: 'RS256' }),
      b64url({ token_use: kind, aud: DEMO_CREDENTIALS.cents.clientId, iat: nowS, exp: nowS + TOKEN_SECONDS }),
      randomBytes(32).toString('base64url'),
    ].join('.');
    tokens.set(token, { kind, expiresAt: ctx.now() + (TOKEN_SECONDS * 1000) / ctx.speedUp });
    return token;
  };
  const authed = (req: EmuRequest): EmuResponse | null => {
    const token = bearer(req);
    const info = token ? tokens.get(token) : undefined;
    if (!info || info.kind !== 'id') return error(401);
    if (ctx.now() >= info.expiresAt) return error(401, undefined, 'The incoming token has expired');
    return null;
  };
  return {
    provider: 'cents',
    error,
    routes: [
      {
        endpoint: 'token',
        method: 'POST',
        auth: true,
        pattern: /^\/oauth2\/token\/?$/,
        handle(req) {
          const form = parseForm(req);
          const d = DEMO_CREDENTIALS.cents;
          if (form.get('grant_type') !== 'refresh_token')
            return json(400, { error: 'unsupported_grant_type' });
          if (form.get('client_id') !== d.clientId) return json(400, { error: 'invalid_client' });
          if (form.get('refresh_token') !== d.refreshToken) return json(400, { error: 'invalid_grant' });
          return json(200, {
            id_token: issue('id'),
            access_token: issue('access'),
            expires_in: TOKEN_SECONDS,
            token_type: 'Bearer',
          });
        },
      },
      {
        endpoint: 'list',
        method: 'GET',
        pattern: /^\/v1\/auth\/payment-gateway\/transactions\/?$/,
        handle(req) {
          const denied = authed(req);
          if (denied) return denied;
          const q = req.query;
          const limit = intParam(q.get('limit'), 20);
          if (Number.isNaN(limit) || limit < 1 || limit > 100)
            return error(400, undefined, 'limit must be between 1 and 100');
          const kinds = [
            q.get('company_id'),
            q.get('external_id'),
            q.get('start_date') ?? q.get('end_date'),
          ].filter((v) => v);
          if (kinds.length > 1)
            return error(
              400,
              undefined,
              'Only one filter can be used at a time: company_id, external_id or date',
            );
          const where: string[] = [];
          const args: unknown[] = [];
          if (q.get('company_id')) {
            where.push('company_id = ?');
            args.push(q.get('company_id'));
          } else if (q.get('external_id')) {
            where.push('external_id = ?');
            args.push(q.get('external_id'));
          }
          for (const [name, op, add] of [
            ['start_date', '>=', 0],
            ['end_date', '<', 86_400_000],
          ] as const) {
            const v = q.get(name);
            if (!v) continue;
            if (!isValidDate(v)) return error(400, undefined, `${name} must be YYYY-MM-DD`);
            where.push(`created_ms ${op} ?`);
            args.push(Date.parse(`${v}T00:00:00Z`) + add);
          }
          const startKey = q.get('start_key');
          if (startKey) {
            const key = decodeCursor<Key>(startKey);
            if (!key || typeof key.c !== 'number' || typeof key.s !== 'number')
              return error(400, undefined, 'Invalid start_key');
            where.push('(created_ms > ? OR (created_ms = ? AND seq > ?))');
            args.push(key.c, key.c, key.s);
          }
          const rows = w.all<{ seq: number; id: string; created_ms: number; json: string }>(
            `SELECT seq, id, created_ms, json FROM cents ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY created_ms, seq LIMIT ?`,
            ...args,
            limit,
          );
          const last = rows[rows.length - 1];
          let lastKey =
            rows.length === limit && last
              ? encodeCursor({ c: last.created_ms, id: last.id, s: last.seq } satisfies Key)
              : '';
          // Hostile paging: the key of this very page again, or an empty page with a fresh key to go on.
          const here = startKey ?? encodeCursor({ c: -1, id: '', s: 0 } satisfies Key);
          if (req.hostile?.kind === 'page-repeat') lastKey = here;
          if (req.hostile?.kind === 'page-empty-more') {
            rows.length = 0;
            lastKey = encodeCursor({ ...(decodeCursor<Key>(here) ?? {}), n: req.hostile.ordinal });
          }
          return {
            ...page(
              {},
              'data',
              rows.map((r) => r.json),
              { last_key: lastKey },
            ),
            pageLimit: limit,
          };
        },
      },
    ],
  };
}
