import { CONTENT_SECURITY_POLICY } from '../core/security/csp.ts';
import { contentTypeFor, resolveRendererPath } from '../core/security/renderer-files.ts';

export { contentTypeFor };

/**
 * The renderer is served from `app://posrecon/…` rather than `file://`, so it gets a real origin (the
 * CSP's 'self' means something, and other local files are out of reach) and every response passes
 * through one handler that can refuse.
 */
export const APP_SCHEME = 'app';
export const APP_HOST = 'posrecon';
export const APP_ORIGIN = `${APP_SCHEME}://${APP_HOST}`;
export const APP_ENTRY_URL = `${APP_ORIGIN}/index.html`;

/** Passed to `protocol.registerSchemesAsPrivileged` before the app is ready. */
export const APP_SCHEME_PRIVILEGES = { standard: true, secure: true } as const;

export type AppRequestResolution =
  | { kind: 'file'; file: string; contentType: string }
  | { kind: 'refused'; status: 400 | 403 | 404; reason: string };

/** Headers sent with every `app://` response, including refusals. */
export function appResponseHeaders(contentType: string): Record<string, string> {
  return {
    'Content-Type': contentType,
    'Content-Security-Policy': CONTENT_SECURITY_POLICY,
    'X-Content-Type-Options': 'nosniff',
    'Cache-Control': 'no-cache',
  };
}

const refuse = (status: 400 | 403 | 404, reason: string): AppRequestResolution => ({
  kind: 'refused',
  status,
  reason,
});

/** Maps a request URL to a file under `rendererRoot`, or refuses it (see `resolveRendererPath`). */
export function resolveAppRequest(rawUrl: string, rendererRoot: string): AppRequestResolution {
  const prefix = `${APP_ORIGIN}/`;
  if (!rawUrl.startsWith(prefix)) return refuse(403, 'not the app origin');
  if (rawUrl.includes('\\') || rawUrl.includes('\0')) return refuse(400, 'backslash or NUL in URL');
  const rawPath = rawUrl.slice(prefix.length).split(/[?#]/, 1)[0] ?? '';
  const resolved = resolveRendererPath(rawPath, rendererRoot);
  if (!resolved.ok) return refuse(resolved.status, resolved.reason);
  return { kind: 'file', file: resolved.file, contentType: contentTypeFor(resolved.file) };
}
