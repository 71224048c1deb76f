import path from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Connector } from '../../../src-main/core/providers/connector.ts';
import { CONNECTORS } from '../../../src-main/core/providers/registry.ts';
import { type RunningSandbox, startSandbox } from '../../../src-main/core/sandbox/index.ts';
import { openStore } from '../../../src-main/core/store/open-store.ts';
import { StoreError } from '../../../src-main/core/store/store-error.ts';
import { prepareDemoConnections } from '../../../src-main/core/sync/demo-connections.ts';
import { runSync } from '../../../src-main/core/sync/engine.ts';
import { demoAwareSecretSource } from '../../../src-main/core/sync/secret-source.ts';
import { useTempHome } from '../../support/temp-home.ts';

const tempHome = useTempHome();
const SPEED_UP = 50;

let sandbox: RunningSandbox;
beforeAll(async () => {
  sandbox = await startSandbox({
    seed: 3,
    days: 20,
    salesPerDay: 40,
    today: '2024-03-15',
    speedUp: SPEED_UP,
    faults: 'none',
    dataDir: tempHome(),
  });
});
afterAll(() => sandbox.close());

/** The real connectors, each stream counted while its pages are being read (until its generator ends). */
function watched(active: { n: number }): Connector[] {
  return Object.values(CONNECTORS)
    .filter((c) => c !== undefined)
    .map((c) => ({
      ...c,
      streams: c.streams.map((s) => ({
        ...s,
        async *pages(ctx, bookmark) {
          active.n++;
          try {
            yield* s.pages(ctx, bookmark);
          } finally {
            active.n--;
          }
        },
      })),
    }));
}

it('a full disk in one sync cancels the others and waits for them before it fails, with no stray errors', async () => {
  const store = await openStore(path.join(tempHome(), 'posrecon.sqlite'));
  const active = { n: 0 };
  const connectors = watched(active);
  prepareDemoConnections(store.db, connectors, sandbox, 'fatal world', 'test');
  // A real SQLITE_FULL: the file may grow by a few pages only, so the first connection to need more
  // fails while the others are still fetching.
  const pages = store.db.pragma('page_count', { simple: true }) as number;
  store.db.pragma(`max_page_count = ${pages + 40}`);
  const internal: unknown[] = [];
  const outcome = await runSync(
    {
      db: store.db,
      connectors,
      secrets: demoAwareSecretSource(),
      budgetSpeedUp: SPEED_UP,
      onInternalError: (_c, err) => internal.push(err),
    },
    {},
  ).then(
    () => null,
    (err: unknown) => err,
  );
  // Settled: no stream of any connection is still reading or writing when the caller gets the error.
  expect(active.n).toBe(0);
  // One error in plain words, naming the file and what to do (the CLI prints StoreErrors as one line).
  expect(outcome).toBeInstanceOf(StoreError);
  expect(outcome).toMatchObject({ code: 'DB_DISK_FULL', file: store.db.name });
  expect((outcome as Error).message).toMatch(/is full \(database or disk is full\)\. Every sync stopped/);
  expect((outcome as Error).message).toMatch(/Free some space, then sync again/);
  // Nothing logged as an unexpected error (with its stack), and no "connection is not open".
  expect(internal.map(String)).toEqual([]);
  store.close();
});
