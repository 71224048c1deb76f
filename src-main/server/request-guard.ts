import { timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

/**
 * Cookies are shared by every service on 127.0.0.1 whatever its port, so each server names its own:
 * two `posrecon serve`s (or another app's cookie of the same name) never overwrite each other's.
 */
export function tokenCookieName(port: number): string {
  return `posrecon_token_${port}`;
}
export const TOKEN_HEADER = 'x-posrecon-token';

function sameSecret(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

function cookieValue(header: string | undefined, name: string): string | undefined {
  for (const part of (header ?? '').split(';')) {
    const [k, ...v] = part.trim().split('=');
    if (k === name) return v.join('=');
  }
  return undefined;
}

export type GuardVerdict =
  | { ok: true }
  | { ok: false; status: 401 | 403 | 421; reason: string }
  | { ok: 'set-cookie'; location: string };

/**
 * Browser mode listens on loopback, but any web page the user visits can still reach loopback. So a
 * request must name our host (DNS rebinding), come from our origin if it names one (CSRF), and carry
 * the per-start token: as a cookie, a header, or once in the URL printed at start.
 */
export function checkRequest(req: IncomingMessage, port: number, token: string): GuardVerdict {
  const allowedHosts = [`127.0.0.1:${port}`, `localhost:${port}`];
  if (!allowedHosts.includes(req.headers.host ?? '')) {
    return { ok: false, status: 421, reason: 'Unexpected Host header.' };
  }
  const origin = req.headers.origin;
  if (origin !== undefined && !allowedHosts.some((h) => origin === `http://${h}`)) {
    return { ok: false, status: 403, reason: 'Cross-origin requests are not allowed.' };
  }
  const presented = cookieValue(req.headers.cookie, tokenCookieName(port)) ?? req.headers[TOKEN_HEADER];
  if (typeof presented === 'string' && sameSecret(presented, token)) return { ok: true };
  const url = new URL(req.url ?? '/', `http://${req.headers.host}`);
  const fromUrl = url.searchParams.get('token');
  if (req.method === 'GET' && fromUrl !== null && sameSecret(fromUrl, token)) {
    // Move the token out of the address bar (and history) into an HttpOnly cookie.
    url.searchParams.delete('token');
    return { ok: 'set-cookie', location: url.pathname + url.search };
  }
  return {
    ok: false,
    status: 401,
    reason: 'Missing or wrong session token. Open the URL that `posrecon serve` printed.',
  };
}

export function tokenCookie(port: number, token: string): string {
  return `${tokenCookieName(port)}=${token}; HttpOnly; SameSite=Strict; Path=/`;
}
