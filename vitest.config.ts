import { defineConfig } from 'vitest/config';
import { svelte } from '@sveltejs/vite-plugin-svelte';

// Three projects: core code under plain Node (unit + integration, real SQLite/HTTP), the renderer's
// components under jsdom, and end-to-end runs that drive Debian's Chromium against `posrecon serve`.
export default defineConfig({
  test: {
    // The JSON report lets .ci/run print a plain summary and refuse skipped suites under CI.
    reporters: ['default', 'json'],
    outputFile: { json: 'test-results/vitest.json' },
    projects: [
      {
        extends: false,
        test: {
          name: 'node',
          environment: 'node',
          include: ['test/unit/**/*.test.ts', 'test/integration/**/*.test.ts'],
          testTimeout: 60_000,
          hookTimeout: 60_000,
        },
      },
      {
        extends: false,
        plugins: [svelte()],
        resolve: { conditions: ['browser'] },
        test: {
          name: 'renderer',
          environment: 'jsdom',
          include: ['test/renderer/**/*.test.ts'],
        },
      },
      {
        extends: false,
        test: {
          name: 'e2e',
          environment: 'node',
          include: ['test/e2e/**/*.test.ts'],
          fileParallelism: false,
          // A page under a loaded CI machine can take seconds to re-render; the 1 s default made
          // every poll that forgot its own timeout a flake (connections.test.ts failed that way).
          expect: { poll: { timeout: 30_000, interval: 100 } },
          testTimeout: 120_000,
          hookTimeout: 120_000,
        },
      },
    ],
  },
});
