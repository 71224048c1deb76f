import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { databaseFile } from '../../../src-main/core/home.ts';
import type { HostClient } from '../../../src-main/core/host/host-client.ts';
import { forkHost } from '../../../src-main/core/host/fork-host.ts';
import { openStore } from '../../../src-main/core/store/open-store.ts';
import { CORE_HOST_FILE, OUT_DIR } from '../../../src-main/electron/build-layout.ts';
import { buildIsStale } from '../../../src-main/electron/electron-runtime.ts';
import { bulkInsert, generateTransactions } from '../../support/seed-transactions.ts';
import { useTempHome } from '../../support/temp-home.ts';

/**
 * Electron cannot run here, but the core host it starts is plain Node: this runs the app bundle's own
 * out/main/core-host.js, so a file the bundle forgot, or a path that only resolves from the sources
 * (the totals worker beside the host), fails here instead of in the packaged app.
 */
const root = path.resolve(import.meta.dirname, '../../..');
const tempHome = useTempHome();
let host: HostClient;
let home: string;
const stderr: string[] = [];

beforeAll(async () => {
  if (buildIsStale(root)) {
    execFileSync(
      process.execPath,
      [path.join(root, 'node_modules/electron-vite/bin/electron-vite.js'), 'build'],
      {
        cwd: root,
        stdio: 'ignore',
      },
    );
  }
  home = tempHome();
  const store = await openStore(databaseFile(home));
  // "sen" starts every SentryPOS and SensePass external id: thousands of matches, so totals go parallel.
  bulkInsert(store.db, generateTransactions({ count: 12_000, seed: 4 }));
  store.close();
  host = await forkHost(home, 'ui', {
    entry: path.join(root, OUT_DIR, 'main', CORE_HOST_FILE),
    onStderr: (text) => stderr.push(text),
  });
}, 120_000);

afterAll(async () => {
  await host?.shutdown();
});

describe('the bundled core host', () => {
  it('answers a common-text search with totals counted by its worker threads', async () => {
    const result = await host.call('transactions:search', { text: 'sen', limit: 5, totals: true });
    expect(result.ok).toBe(true);
    const { items, totals } = (result as { ok: true; value: { items: unknown[]; totals: { count: number } } })
      .value;
    expect(items).toHaveLength(5);
    const store = await openStore(databaseFile(home), { readonly: true });
    const expected = store.db
      .prepare("SELECT count(*) FROM transactions WHERE provider IN ('sentrypos', 'sensepass')")
      .pluck()
      .get();
    store.close();
    expect(totals.count).toBe(expected);
    // A pool that failed would still answer (on the host's own connection), but says so on stderr.
    expect(stderr.join('')).not.toMatch(/failed/);
  });
});
