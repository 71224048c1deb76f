import { existsSync, statSync } from 'node:fs';
import path from 'node:path';

const MIME: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
};

export function mimeType(file: string): string {
  return MIME[path.extname(file).toLowerCase()] ?? 'application/octet-stream';
}

/**
 * Maps a URL path to a file inside `root`, or null. Decoding happens once, then anything that could
 * step outside the root (`..`, encoded slashes, backslashes, NUL, absolute or drive paths) is refused
 * outright rather than normalized, so there is no second decoding for an attacker to play with.
 * Extension-less paths fall back to index.html (client-side routes).
 */
export function resolveStaticPath(root: string, urlPath: string): string | null {
  let decoded: string;
  try {
    decoded = decodeURIComponent(urlPath);
  } catch {
    return null;
  }
  if (!decoded.startsWith('/') || /[\\\0]/.test(decoded) || /%2f|%5c/i.test(urlPath)) return null;
  if (decoded.includes('//')) return null;
  const segments = decoded.split('/').filter((s) => s !== '');
  if (segments.some((s) => s === '..' || s === '.' || /^[a-zA-Z]:/.test(s))) return null;
  const rootAbs = path.resolve(root);
  const candidate = path.join(rootAbs, ...segments);
  if (candidate !== rootAbs && !candidate.startsWith(rootAbs + path.sep)) return null;
  if (segments.length === 0) return path.join(rootAbs, 'index.html');
  if (existsSync(candidate) && statSync(candidate).isFile()) return candidate;
  return path.extname(candidate) === '' ? path.join(rootAbs, 'index.html') : null;
}
