// Dashboard benchmark: on the 1,000,000-row cache the search bench builds (reused by parameter hash),
// times each query the Dashboard makes, and the whole `dashboard:get`, for four periods, beside a naive
// GROUP BY over the transactions for the same counts and amounts in the same run (checked equal).
// Prints p50/p95 and peak memory; asserts nothing. The cache is opened read-only: never migrated or
// changed, so a cache built by another bench stays as it was.
// The search cache holds no reconciliation, so the queries that join it (sales by payment provider,
// failed and retried, itemised VAT, the reconciliation summary) are light there: pass --home a
// reconciled cache (the reconcile bench's copy) to see what they cost at 1M sales.
//   node_modules/.bin/node test/bench/dashboard-bench.ts [--rows N] [--runs N] [--naive-runs N] [--home DIR]
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import type { Database } from 'better-sqlite3';
import { getDashboard } from '../../src-main/core/dashboard/dashboard.ts';
import {
  completenessRows,
  failedRetried,
  feeDays,
  itemisedVat,
  providerDays,
  quarterHours,
  rollupRows,
} from '../../src-main/core/dashboard/dashboard-queries.ts';
import { resolvePeriod } from '../../src-main/core/dashboard/period.ts';
import { reconcileSummary } from '../../src-main/core/reconcile/summary.ts';
import { openStore } from '../../src-main/core/store/open-store.ts';
import { benchHome } from './search-cache.ts';

const { values } = parseArgs({
  options: {
    rows: { type: 'string' },
    runs: { type: 'string' },
    'naive-runs': { type: 'string' },
    home: { type: 'string' },
  },
});
const rows = Number(values.rows ?? 1_000_000);
const runs = Number(values.runs ?? 30);
const naiveRuns = Number(values['naive-runs'] ?? 3);
const mb = () => Math.round(process.resourceUsage().maxRSS / 1024);

const home = values.home ?? (await benchHome(rows)).home;
const store = await openStore(join(home, 'posrecon.sqlite'), { readonly: true });
const db: Database = store.db;
const count = (db.prepare('SELECT count(*) FROM transactions').pluck().get() as number).toLocaleString('en');
const last = db.prepare('SELECT max(business_date) FROM transactions').pluck().get() as string;
// The cache's last day is "yesterday": every preset then lands on days that hold data.
const now = new Date(Date.parse(`${last}T12:00:00Z`) + 86_400_000);
const settings = { timeZone: 'Europe/Oslo', currency: 'NOK' };
console.log(
  `cache: ${home}, ${count} transactions up to ${last}; ${runs} runs each; wall p50 / p95 and CPU p50 / p95 in ms`,
);

interface Timing {
  p50: number;
  p95: number;
  /** CPU time of this process (user + system): what the query costs when 2 cores serve ~6 agents. */
  cpu50: number;
  cpu95: number;
}

function time(fn: () => unknown, n: number): Timing {
  fn(); // warm the page cache and the statement cache: the Dashboard is asked for again and again
  const wall: number[] = [];
  const cpu: number[] = [];
  for (let i = 0; i < n; i++) {
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    fn();
    wall.push(performance.now() - t0);
    const c = process.cpuUsage(c0);
    cpu.push((c.user + c.system) / 1000);
  }
  const at = (xs: number[], q: number) =>
    xs.sort((a, b) => a - b)[Math.min(xs.length - 1, Math.ceil(q * xs.length) - 1)] ?? 0;
  return { p50: at(wall, 0.5), p95: at(wall, 0.95), cpu50: at(cpu, 0.5), cpu95: at(cpu, 0.95) };
}

/** The obvious SQL for the rollups' figures: every transaction of the range, grouped, views left out. */
function naive(from: string, to: string) {
  return db
    .prepare(
      `SELECT business_date AS date, kind, status, currency, coalesce(network, '') AS network,
              count(*) AS n, sum(amount_minor) AS amount
         FROM transactions t
        WHERE business_date BETWEEN ? AND ? AND kind IN ('sale', 'payout')
          AND NOT EXISTS (SELECT 1 FROM recon_views v WHERE v.transaction_id = t.id)
        GROUP BY 1, 2, 3, 4, 5`,
    )
    .all(from, to) as { date: string; n: number; amount: number }[];
}

const key = (r: object) => JSON.stringify(r);
const n1 = (x: number) => x.toFixed(1).padStart(7);
const fmt = (x: Timing) => `${n1(x.p50)} / ${n1(x.p95)}   cpu ${n1(x.cpu50)} / ${n1(x.cpu95)}`;
const worst: number[] = [];
const worstCpu: number[] = [];

for (const input of [
  { preset: 'last7' as const },
  { preset: 'last30' as const },
  { preset: 'lastMonth' as const },
  { preset: 'custom' as const, from: '', to: last },
]) {
  if (input.preset === 'custom')
    input.from = new Date(Date.parse(`${last}T00:00:00Z`) - 395 * 86_400_000).toISOString().slice(0, 10);
  const p = resolvePeriod(input, settings.timeZone, now);
  console.log(
    `\n${input.preset} ${p.from}..${p.to} (${p.days} days; with the previous period ${p.previousFrom}..)`,
  );
  const queries: [string, () => unknown][] = [
    ['day rollups (both periods)', () => rollupRows(db, p.previousFrom, p.to)],
    ['sales by payment provider', () => providerDays(db, p.previousFrom, p.to)],
    ['quarter hours', () => quarterHours(db, p.from, p.to)],
    ['failed, retried', () => failedRetried(db, p.from, p.to)],
    ['itemised VAT', () => itemisedVat(db, p.from, p.to)],
    ['fees', () => feeDays(db, p.previousFrom, p.to)],
    ['completeness', () => completenessRows(db, p.from, p.to)],
    ['reconciliation summary', () => reconcileSummary(db, { from: p.from, to: p.to }, [])],
  ];
  for (const [name, fn] of queries) {
    const t = time(fn, runs);
    worst.push(t.p95);
    worstCpu.push(t.cpu95);
    console.log(`  ${name.padEnd(28)} ${fmt(t)}`);
  }
  const whole = time(() => getDashboard(db, input, settings, now), Math.max(5, Math.round(runs / 3)));
  console.log(`  ${'dashboard:get, every figure'.padEnd(28)} ${fmt(whole)}`);
  const fast = time(() => rollupRows(db, p.previousFrom, p.to), runs);
  const slow = time(() => naive(p.previousFrom, p.to), naiveRuns);
  const a = rollupRows(db, p.previousFrom, p.to).map(key).sort();
  const b = naive(p.previousFrom, p.to)
    .filter((r) => r.n !== 0 || r.amount !== 0)
    .map(key)
    .sort();
  console.log(
    `  ${'naive GROUP BY (same rows)'.padEnd(28)} ${fmt(slow)}   rollups ${(slow.p50 / fast.p50).toFixed(0)}× faster (p50); same figures: ${a.join() === b.join() ? 'yes' : 'NO'}`,
  );
}
console.log(
  `\nslowest query p95: ${Math.max(...worst).toFixed(1)} ms wall, ${Math.max(...worstCpu).toFixed(1)} ms CPU (target ≤ 50); load average ${loadavg()[0]?.toFixed(1)}; peak RSS ${mb()} MiB`,
);
store.close();
