import { existsSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { RENDERER_OUT, RENDERER_ROOT, rendererViteConfig } from './renderer-vite-config.ts';

function newestMtime(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (entry.isFile()) newest = Math.max(newest, statSync(path.join(entry.parentPath, entry.name)).mtimeMs);
  }
  return newest;
}

/**
 * `npx posrecon serve` must work straight after `npm install`, with no build step to remember: build
 * the UI when its bundle is missing or older than its sources. A packaged copy without sources is
 * served as it is.
 */
export async function ensureRendererBuilt(log: (line: string) => void): Promise<string> {
  const index = path.join(RENDERER_OUT, 'index.html');
  const hasSources = existsSync(RENDERER_ROOT);
  const stale = !existsSync(index) || (hasSources && newestMtime(RENDERER_ROOT) > statSync(index).mtimeMs);
  if (stale && hasSources) {
    log('Building the user interface (first run or sources changed)…');
    const { build } = await import('vite');
    await build({ ...rendererViteConfig(), logLevel: 'warn' });
  }
  if (!existsSync(index))
    throw new Error(`The user interface is not built and its sources are missing (${index}).`);
  return RENDERER_OUT;
}
