import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'electron-vite';
import { rendererViteConfig } from './src-main/server/renderer-vite-config.ts';
import {
  CORE_HOST_ENTRY_NAME,
  MAIN_ENTRY_NAME,
  OUT_DIR,
  PRELOAD_ENTRY_NAME,
  PRELOAD_FILE,
  TOTALS_WORKER_ENTRY_NAME,
  EXPORT_WORKER_ENTRY_NAME,
  GENERATE_WORKER_ENTRY_NAME,
} from './src-main/electron/build-layout.ts';

const root = path.dirname(fileURLToPath(import.meta.url));
const src = (p: string): string => path.join(root, p);

/**
 * out/main/main.js        Electron main (ESM, as package.json says "type": "module")
 * out/main/core-host.js   the core host, started by main with utilityProcess.fork
 * out/main/totals-worker.js  a worker thread of the core host (parallel search totals)
 * out/main/export-worker.js  a worker thread of the core host (exports)
 * out/main/generate-worker.js  a worker thread of the core host (the demo shop's world)
 * out/preload/preload.cjs the sandboxed preload: one CommonJS file, only `electron` left external
 * out/renderer/           the Svelte app, built with the same settings as browser mode
 */
export default defineConfig({
  main: {
    build: {
      outDir: path.join(root, OUT_DIR, 'main'),
      // Everything in package.json "dependencies" stays external; above all the native modules
      // (better-sqlite3, @napi-rs/keyring), whose .node binaries cannot be bundled.
      externalizeDeps: true,
      rollupOptions: {
        input: {
          [MAIN_ENTRY_NAME]: src('src-main/electron/main.ts'),
          [CORE_HOST_ENTRY_NAME]: src('src-main/core/host/host-entry.ts'),
          [TOTALS_WORKER_ENTRY_NAME]: src('src-main/core/search/totals-worker.ts'),
          [EXPORT_WORKER_ENTRY_NAME]: src('src-main/core/export/export-worker.ts'),
          [GENERATE_WORKER_ENTRY_NAME]: src('src-main/core/sandbox/world/generate-worker.ts'),
        },
      },
    },
  },
  preload: {
    build: {
      outDir: path.join(root, OUT_DIR, 'preload'),
      // A sandboxed preload cannot require npm modules at runtime, so nothing but electron stays out.
      externalizeDeps: false,
      rollupOptions: {
        input: { [PRELOAD_ENTRY_NAME]: src('src-main/electron/preload.ts') },
        output: { format: 'cjs', entryFileNames: PRELOAD_FILE, codeSplitting: false },
      },
    },
  },
  renderer: rendererViteConfig(),
});
