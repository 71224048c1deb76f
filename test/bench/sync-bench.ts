// Sync benchmark: syncs a ~1,000,000-record sandbox world over loopback HTTP into a fresh cache, then
// an incremental re-sync of the unchanged world, and a naive baseline in the same run: the same
// normalized records inserted row by row (autocommit) into a fresh copy of the same schema.
// Prints figures, ratios and peak RSS with PASS/MISS per target; never fails on a miss.
//   node_modules/.bin/node test/bench/sync-bench.ts [--records N]
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { parseArgs } from 'node:util';
import Database from 'better-sqlite3';
import { CONNECTORS } from '../../src-main/core/providers/registry.ts';
import { type SandboxOptions, startSandbox } from '../../src-main/core/sandbox/index.ts';
import { openStore } from '../../src-main/core/store/open-store.ts';
import { type DemoEndpoints, prepareDemoConnections } from '../../src-main/core/sync/demo-connections.ts';
import { runSync } from '../../src-main/core/sync/engine.ts';
import { demoAwareSecretSource } from '../../src-main/core/sync/secret-source.ts';

const { values } = parseArgs({
  options: { records: { type: 'string' }, 'serve-sandbox': { type: 'string' } },
});

// Child mode: serve the sandbox from its own process, so the RSS measured below is the sync's own.
if (values['serve-sandbox']) {
  const sb = await startSandbox(JSON.parse(values['serve-sandbox']) as SandboxOptions);
  process.stdout.write(`${JSON.stringify({ baseUrls: sb.baseUrls, credentials: sb.credentials })}\n`);
  process.stdin.resume();
  process.stdin.on('end', () => void sb.close().then(() => process.exit(0)));
} else {
  await main();
}

async function main(): Promise<void> {
  const target = Number(values.records ?? 1_000_000);
  // 60 days x 16,700 sales a day is ~1,000,000 records over the five providers (the sandbox bench's
  // world, so both share one cached file); other sizes scale the sales per day.
  const days = 60;
  const salesPerDay = Math.max(1, Math.round((target * 16_700) / 1_000_000));
  // 100: SentryPOS's 60 requests/min budget becomes 100/s; 1000 would also cut Vipps's 15-minute
  // tokens to 0.9 s, and the Vipps sync then fails on a second 401 (seen at 1000).
  const SPEED_UP = 100;
  const TODAY = '2026-03-31';
  const NOW = new Date('2026-03-31T11:00:00Z'); // 13:00 in Oslo: everything of the world is visible
  const worldOpts: SandboxOptions = {
    seed: 1,
    days,
    salesPerDay,
    today: TODAY,
    speedUp: SPEED_UP,
    faults: 'none',
    dataDir: join(tmpdir(), 'posrecon-sandbox-bench'),
  };
  const mb = (kb: number) => `${Math.round(kb / 1024)} MiB`;
  const rate = (n: number, ms: number) => Math.round((n * 1000) / ms);

  console.log(
    `sync bench: world ${days} days x ${salesPerDay} sales/day (target ~${target.toLocaleString('en')} records)`,
  );
  console.log(
    `sandbox: own child process (RSS below is the sync's alone), no faults, speedUp ${SPEED_UP} so the ` +
      `SentryPOS request budget (divided alike) is not the bottleneck`,
  );
  const t0 = performance.now();
  const child = spawn(
    process.execPath,
    [import.meta.filename, '--serve-sandbox', JSON.stringify(worldOpts)],
    {
      stdio: ['pipe', 'pipe', 'inherit'],
    },
  );
  const first = await new Promise<string>((resolve, reject) => {
    createInterface({ input: child.stdout }).once('line', resolve);
    child.once('exit', (code) => reject(new Error(`sandbox exited ${code}`)));
  });
  const endpoints = JSON.parse(first) as DemoEndpoints;
  console.log(
    `sandbox ready in ${((performance.now() - t0) / 1000).toFixed(1)} s (generated or reused from cache)`,
  );

  const work = mkdtempSync(join(tmpdir(), 'posrecon-sync-bench-'));
  try {
    const connectors = Object.values(CONNECTORS).filter((c) => c !== undefined);
    const store = await openStore(join(work, 'posrecon.sqlite'));
    prepareDemoConnections(store.db, connectors, endpoints, worldOpts, 'bench');
    const deps = {
      db: store.db,
      connectors,
      secrets: demoAwareSecretSource(),
      budgetSpeedUp: SPEED_UP,
      now: () => NOW,
    };
    const rssBefore = process.resourceUsage().maxRSS;
    let t = performance.now();
    const initial = await runSync(deps);
    const syncMs = performance.now() - t;
    const peakRss = process.resourceUsage().maxRSS;
    const records = store.db.prepare('SELECT count(*) FROM transactions').pluck().get() as number;
    for (const r of initial) {
      console.log(
        `  ${r.provider.padEnd(10)} ${r.status.padEnd(8)} ${String(r.inserted).padStart(9)} records in ${r.pages} pages${r.error ? `  ${r.error}` : ''}`,
      );
    }

    t = performance.now();
    const again = await runSync(deps);
    const resyncMs = performance.now() - t;
    const resyncWrites = again.reduce((n, r) => n + r.inserted + r.updated, 0);
    store.close();
    child.stdin.end();

    // Naive baseline: the same normalized rows, one autocommitted INSERT each, same schema and pragmas.
    const base = await openStore(join(work, 'naive.sqlite'));
    const src = new Database(join(work, 'posrecon.sqlite'), { readonly: true });
    for (const c of src.prepare('SELECT * FROM connections').all() as Record<string, unknown>[]) {
      const cols = Object.keys(c);
      base.db
        .prepare(
          `INSERT INTO connections (${cols.join(', ')}) VALUES (${cols.map((k) => `@${k}`).join(', ')})`,
        )
        .run(c);
    }
    const txCols = (src.prepare('PRAGMA table_info(transactions)').all() as { name: string }[]).map(
      (c) => c.name,
    );
    const lineCols = (src.prepare('PRAGMA table_info(transaction_lines)').all() as { name: string }[]).map(
      (c) => c.name,
    );
    const insertTx = base.db.prepare(
      `INSERT INTO transactions (${txCols.join(', ')}) VALUES (${txCols.map((k) => `@${k}`).join(', ')})`,
    );
    const insertRef = base.db.prepare(
      'INSERT INTO transaction_refs (transaction_id, kind, value) VALUES (?, ?, ?)',
    );
    const insertLine = base.db.prepare(
      `INSERT INTO transaction_lines (${lineCols.join(', ')}) VALUES (${lineCols.map((k) => `@${k}`).join(', ')})`,
    );
    const refsOf = src.prepare(
      'SELECT transaction_id, kind, value FROM transaction_refs ORDER BY transaction_id',
    );
    const linesOf = src.prepare('SELECT * FROM transaction_lines ORDER BY transaction_id, line_no');
    t = performance.now();
    for (const row of src.prepare('SELECT * FROM transactions ORDER BY id').iterate())
      insertTx.run(row as Record<string, unknown>);
    for (const r of refsOf.iterate()) {
      const ref = r as { transaction_id: number; kind: string; value: string };
      insertRef.run(ref.transaction_id, ref.kind, ref.value);
    }
    for (const l of linesOf.iterate()) insertLine.run(l as Record<string, unknown>);
    const naiveMs = performance.now() - t;
    const naiveCount = base.db.prepare('SELECT count(*) FROM transactions').pluck().get() as number;
    src.close();
    base.close();

    const syncRate = rate(records, syncMs);
    const naiveRate = rate(naiveCount, naiveMs);
    const ratio = syncRate / naiveRate;
    const resyncPct = (resyncMs / syncMs) * 100;
    const GIB = 1024 * 1024;
    const mark = (ok: boolean) => (ok ? 'PASS' : 'MISS');
    const rows: [string, string, string, string][] = [
      ['records synced', records.toLocaleString('en'), '', ''],
      ['initial sync', `${(syncMs / 1000).toFixed(1)} s`, '', ''],
      ['end-to-end rate', `${syncRate.toLocaleString('en')} rec/s`, '>= 2x naive', mark(ratio >= 2)],
      ['naive row-by-row rate', `${naiveRate.toLocaleString('en')} rec/s`, 'baseline', ''],
      ['ratio sync / naive', `${ratio.toFixed(2)}x`, '>= 2.00x', mark(ratio >= 2)],
      ['peak RSS (sync process)', mb(peakRss), '<= 1024 MiB', mark(peakRss <= GIB)],
      ['incremental re-sync', `${(resyncMs / 1000).toFixed(2)} s (${resyncWrites} writes)`, '', ''],
      ['re-sync / initial', `${resyncPct.toFixed(1)} %`, '<= 10 %', mark(resyncPct <= 10)],
    ];
    console.log('');
    for (const [name, value, target, verdict] of rows)
      console.log(`${name.padEnd(26)} ${value.padStart(24)}  ${target.padEnd(12)} ${verdict}`);
    console.log(
      `(RSS before the sync ${mb(rssBefore)}; statuses: ${initial.map((r) => `${r.provider}:${r.status}`).join(' ')})`,
    );
  } finally {
    child.stdin.end();
    rmSync(work, { recursive: true, force: true });
  }
}
