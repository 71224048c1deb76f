import { svelte } from '@sveltejs/vite-plugin-svelte';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { UserConfig } from 'vite';

export const PROJECT_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const RENDERER_ROOT = path.join(PROJECT_ROOT, 'src-renderer');
export const RENDERER_OUT = path.join(PROJECT_ROOT, 'out', 'renderer');

/**
 * The renderer's Vite settings, used by electron-vite for the app and by `posrecon serve` when it has to
 * build the UI itself, so both modes serve the same bundle.
 */
export function rendererViteConfig(): UserConfig {
  return {
    root: RENDERER_ROOT,
    base: './',
    plugins: [svelte({ configFile: path.join(PROJECT_ROOT, 'svelte.config.js') })],
    build: {
      outDir: RENDERER_OUT,
      emptyOutDir: true,
      // electron-vite leaves the renderer unminified unless told (plain Vite minifies): said here, the
      // app and browser mode load the same small bundle, which the Dashboard's first paint waits on.
      minify: true,
      rollupOptions: { input: path.join(RENDERER_ROOT, 'index.html') },
    },
  };
}
