/**
 * Where `electron-vite build` puts each piece, shared by electron.vite.config.ts (which writes them),
 * main.ts (which loads them relative to its own file) and `npm start` (which checks they exist).
 */
export const OUT_DIR = 'out';
export const MAIN_ENTRY_NAME = 'main';
export const CORE_HOST_ENTRY_NAME = 'core-host';
export const PRELOAD_ENTRY_NAME = 'preload';
/** The search totals' worker thread, started by the core host from beside itself (parallel-totals.ts). */
export const TOTALS_WORKER_ENTRY_NAME = 'totals-worker';
/** The export's worker thread, started by the core host from beside itself (export-service.ts). */
export const EXPORT_WORKER_ENTRY_NAME = 'export-worker';
/** The sandbox's world generator thread, started from beside the core host (sandbox/world/world.ts). */
export const GENERATE_WORKER_ENTRY_NAME = 'generate-worker';

export const MAIN_FILE = `${MAIN_ENTRY_NAME}.js`;
export const CORE_HOST_FILE = `${CORE_HOST_ENTRY_NAME}.js`;
/** `.cjs`: a sandboxed preload is a classic script, and package.json says "type": "module". */
export const PRELOAD_FILE = `${PRELOAD_ENTRY_NAME}.cjs`;

/** Every file the app needs at runtime, relative to the project root. */
export const BUILD_OUTPUTS = [
  `${OUT_DIR}/main/${MAIN_FILE}`,
  `${OUT_DIR}/main/${CORE_HOST_FILE}`,
  `${OUT_DIR}/main/${TOTALS_WORKER_ENTRY_NAME}.js`,
  `${OUT_DIR}/main/${EXPORT_WORKER_ENTRY_NAME}.js`,
  `${OUT_DIR}/main/${GENERATE_WORKER_ENTRY_NAME}.js`,
  `${OUT_DIR}/preload/${PRELOAD_FILE}`,
  `${OUT_DIR}/renderer/index.html`,
] as const;

/** What, when newer than the outputs, means the build is stale. */
export const BUILD_INPUTS = ['src-main', 'src-renderer', 'electron.vite.config.ts', 'package.json'] as const;
