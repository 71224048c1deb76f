import path from 'node:path';

/**
 * Which file of the built renderer a request names, shared by Electron's `app://` handler and
 * browser mode's HTTP server so both refuse exactly the same paths.
 */
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

export type RendererPathResolution =
  { ok: true; file: string; isRoute: boolean } | { ok: false; status: 400 | 403; reason: string };

function hasControlChar(s: string): boolean {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x20 || c === 0x7f) return true;
  }
  return false;
}

/**
 * Maps the raw path after the origin's `/` (query and hash removed, still percent-encoded) to a file
 * under `root`, or refuses it. Decodes one segment at a time, so an encoded separator (`%2f`, `%5c`) or
 * dot segment (`%2e%2e`) can never become a path step. Extension-less paths are client-side routes and
 * name index.html.
 */
export function resolveRendererPath(rawPath: string, root: string): RendererPathResolution {
  const refuse = (status: 400 | 403, reason: string): RendererPathResolution => ({
    ok: false,
    status,
    reason,
  });
  if (rawPath.includes('\\') || rawPath.includes('\0')) return refuse(400, 'backslash or NUL in path');
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
  const rootAbs = path.resolve(root);
  const file = path.resolve(rootAbs, relative);
  const inside = path.relative(rootAbs, file);
  if (inside === '' || inside.startsWith('..') || path.isAbsolute(inside)) {
    return refuse(403, 'outside the renderer folder');
  }
  return { ok: true, file, isRoute };
}
