import path from 'node:path';
import { CONTENT_SECURITY_POLICY } from '../core/security/csp.ts';

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

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.gif': 'image/gif',
  '.webp': 'image/webp',
  '.ico': 'image/x-icon',
  '.woff': 'font/woff',
  '.woff2': 'font/woff2',
  '.ttf': 'font/ttf',
  '.txt': 'text/plain; charset=utf-8',
  '.wasm': 'application/wasm',
};

export function contentTypeFor(file: string): string {
  return CONTENT_TYPES[path.extname(file).toLowerCase()] ?? 'application/octet-stream';
}

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

/**
 * Maps a request URL to a file under `rendererRoot`, or refuses it. Works on the raw URL text and
 * decodes one segment at a time, so an encoded separator (`%2f`, `%5c`) or dot segment (`%2e%2e`) can
 * never become a path step, whatever the URL parser upstream did or did not normalize.
 */
export function resolveAppRequest(rawUrl: string, rendererRoot: string): AppRequestResolution {
  const prefix = `${APP_ORIGIN}/`;
  if (!rawUrl.startsWith(prefix)) return refuse(403, 'not the app origin');
  if (rawUrl.includes('\\') || rawUrl.includes('\0')) return refuse(400, 'backslash or NUL in URL');

  const rest = rawUrl.slice(prefix.length);
  const rawPath = rest.split(/[?#]/, 1)[0] ?? '';
  const rawSegments = rawPath === '' ? [] : rawPath.split('/');
  // A trailing slash names a folder; we only serve files, so treat it like a route (SPA fallback).
  if (rawSegments.at(-1) === '') rawSegments.pop();

  const segments: string[] = [];
  for (const raw of rawSegments) {
    let segment: string;
    try {
      segment = decodeURIComponent(raw);
    } catch {
      return refuse(400, 'malformed percent-encoding');
    }
    if (segment === '') return refuse(400, 'empty path segment (absolute path?)');
    // Leading dot covers `.`, `..` and hidden files; `:` covers drive letters and NTFS streams.
    if (segment.startsWith('.')) return refuse(400, 'dot segment');
    if (/[/\\:\0]/.test(segment) || hasControlChar(segment))
      return refuse(400, 'forbidden character in path');
    segments.push(segment);
  }

  const last = segments.at(-1);
  const isRoute = last === undefined || path.extname(last) === '';
  const relative = isRoute ? 'index.html' : segments.join('/');

  const root = path.resolve(rendererRoot);
  const file = path.resolve(root, relative);
  const inside = path.relative(root, file);
  if (inside === '' || inside.startsWith('..') || path.isAbsolute(inside)) {
    return refuse(403, 'outside the renderer folder');
  }
  return { kind: 'file', file, contentType: contentTypeFor(file) };
}

function hasControlChar(s: string): boolean {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x20 || c === 0x7f) return true;
  }
  return false;
}
