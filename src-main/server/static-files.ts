import { existsSync, statSync } from 'node:fs';
import { resolveRendererPath } from '../core/security/renderer-files.ts';

/**
 * Maps a URL path to a file of the built renderer, or null: the same rules as Electron's `app://`
 * handler (see `resolveRendererPath`), plus a 404 for a named file that does not exist.
 */
export function resolveStaticPath(root: string, urlPath: string): string | null {
  if (!urlPath.startsWith('/')) return null;
  const resolved = resolveRendererPath(urlPath.slice(1), root);
  if (!resolved.ok) return null;
  if (resolved.isRoute) return resolved.file;
  return existsSync(resolved.file) && statSync(resolved.file).isFile() ? resolved.file : null;
}
