// A sync in its own process, for the kill test: `node sync-child.ts <home>`, with the sandbox's
// endpoints (JSON) in POSRECON_TEST_ENDPOINTS. Prints `page` after every committed page (so the test
// can SIGKILL it at a chosen point), then `done <statuses>` when the sync returns.
import path from 'node:path';
import { CONNECTORS } from '../../../src-main/core/providers/registry.ts';
import { openStore } from '../../../src-main/core/store/open-store.ts';
import { type DemoEndpoints, prepareDemoConnections } from '../../../src-main/core/sync/demo-connections.ts';
import { runSync } from '../../../src-main/core/sync/engine.ts';
import { demoAwareSecretSource } from '../../../src-main/core/sync/secret-source.ts';

const home = process.argv[2];
const endpoints = JSON.parse(process.env.POSRECON_TEST_ENDPOINTS ?? 'null') as DemoEndpoints | null;
if (!home || !endpoints) {
  process.stderr.write('usage: POSRECON_TEST_ENDPOINTS=<json> node sync-child.ts <home>\n');
  process.exit(2);
}
const connectors = Object.values(CONNECTORS).filter((c) => c !== undefined);
const store = await openStore(path.join(home, 'posrecon.sqlite'));
prepareDemoConnections(store.db, connectors, endpoints, 'kill-test world', 'test');
const reports = await runSync(
  {
    db: store.db,
    connectors,
    secrets: demoAwareSecretSource(),
    http: { backoffBaseMs: 2, backoffLimitMs: 20, maxRetryAfterMs: 100, timeoutMs: 3_000 },
    budgetSpeedUp: Number(process.env.POSRECON_TEST_SPEED_UP ?? 1),
    now: () => new Date(process.env.POSRECON_TEST_NOW ?? Date.now()),
  },
  {
    onProgress: (p) => {
      if (!p.done) process.stdout.write('page\n');
    },
  },
);
store.close();
process.stdout.write(`done ${reports.map((r) => `${r.provider}:${r.status}`).join(' ')}\n`);
