// Dashboard benchmark (issue 13 item 5): times each query the Dashboard makes, and the whole
// `dashboard:get`, for four periods (7 days to 13 months, each with its previous period), each from the
// rollups of migration 0012 beside the naive GROUP BY over the records that answers the same question
// (dashboard-naive.ts), in the same run, and checks both give the same rows. Prints p50/p95 wall and
// CPU, the load average and peak memory; asserts nothing.
// The cache is a migrated copy (search-cache.ts migratedCopy) of --home, or of the search bench's
// 1,000,000-row cache (of any schema from 5 on, so a new migration costs a migration, not a rebuild).
// That cache holds no reconciliation, so the queries that go through it (sales by payment provider,
// failed and retried, itemised VAT, the reconciliation summary) are light there: pass --home a
// reconciled cache to see what they cost.
//   node_modules/.bin/node test/bench/dashboard-bench.ts [--rows N] [--runs N] [--naive-runs N] [--home DIR]
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import type { Database } from 'better-sqlite3';
import { hours } from '../../src-main/core/dashboard/breakdowns.ts';
import { getDashboard } from '../../src-main/core/dashboard/dashboard.ts';
import {
  completenessRows,
  failedRetried,
  feeDays,
  itemisedVat,
  providerDays,
  dailyGross,
  quarterHours,
  type QuarterRow,
  type RollupRow,
  rollupRows,
} from '../../src-main/core/dashboard/dashboard-queries.ts';
import { resolvePeriod } from '../../src-main/core/dashboard/period.ts';
import { reconcileSummary } from '../../src-main/core/reconcile/summary.ts';
import { openStore } from '../../src-main/core/store/open-store.ts';
import {
  naiveFailedRetried,
  naiveFeeDays,
  naiveItemisedVat,
  naiveProviderDays,
  naiveQuarterHours,
  naiveReconSummary,
  naiveRollupRows,
} from './dashboard-naive.ts';
import { benchHome, migratedCopy, reusableCache } from './search-cache.ts';

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

const source = values.home ?? reusableCache(rows) ?? (await benchHome(rows)).home;
const t0 = performance.now();
const home = await migratedCopy(source, 'posrecon-dashboard-bench');
console.log(`migrated copy of ${source}: ${Math.round(performance.now() - t0)} ms (0 when reused)`);
const store = await openStore(join(home, 'posrecon.sqlite'), { readonly: true });
const db: Database = store.db;
const count = (db.prepare('SELECT count(*) FROM transactions').pluck().get() as number).toLocaleString('en');
const last = db.prepare('SELECT max(business_date) FROM transactions').pluck().get() as string;
// The cache's last day is "yesterday": every preset then lands on days that hold data.
const now = new Date(Date.parse(`${last}T12:00:00Z`) + 86_400_000);
const settings = { timeZone: 'Europe/Oslo', currency: 'NOK' };
const groups = (db.prepare('SELECT count(*) FROM recon_groups').pluck().get() as number).toLocaleString('en');
console.log(
  `cache: ${home}, ${count} transactions up to ${last}, ${groups} reconciled sales; load average ${loadavg()[0]?.toFixed(1)}; ${runs} runs each (naive ${naiveRuns}); wall p50 / p95 and CPU p50 / p95 in ms`,
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

const key = (r: unknown) => JSON.stringify(r);
/** Equal rows in any order; a rollup row whose figures all came back to 0 is no row. */
function sameRows(a: unknown, b: unknown): boolean {
  const rows = (x: unknown) =>
    (Array.isArray(x) ? x : [x])
      .filter(
        (r) => !(typeof r === 'object' && r && 'n' in r && r.n === 0 && 'amount' in r && r.amount === 0),
      )
      .map(key)
      .sort()
      .join();
  if (Array.isArray(a) || Array.isArray(b)) return rows(a) === rows(b);
  return key(a) === key(b);
}

/** Per period (before `from` or not), kind, status, currency and network: count and amount. */
function periodSums(rows: readonly RollupRow[], from: string): string[] {
  const sums = new Map<string, [number, number]>();
  for (const r of rows) {
    const k = JSON.stringify([r.date < from, r.kind, r.status, r.currency, r.network]);
    const x = sums.get(k) ?? [0, 0];
    sums.set(k, [x[0] + r.n, x[1] + r.amount]);
  }
  return [...sums]
    .filter(([, [n, a]]) => n !== 0 || a !== 0)
    .map(key)
    .sort();
}

/** Sold POS tenders' money per day and currency, from day rows. */
function naiveGross(rows: readonly RollupRow[]) {
  const by = new Map<string, number>();
  for (const r of rows)
    if (r.kind === 'sale' && (r.status === 'completed' || r.status === 'refunded'))
      by.set(`${r.date}|${r.currency}`, (by.get(`${r.date}|${r.currency}`) ?? 0) + r.amount);
  return [...by]
    .filter(([, amount]) => amount !== 0)
    .map(([k, amount]) => ({ date: k.split('|')[0], currency: k.split('|')[1], amount }));
}
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
  const groupRows = () =>
    db
      .prepare(
        `SELECT anchor_date AS date, provider, state, currency, n, sale_minor AS amount FROM dash_group_days
          WHERE anchor_date BETWEEN ? AND ?`,
      )
      .all(p.from, p.to);
  // Each: the name, the Dashboard's query, the naive one, and what of each must be equal.
  const queries: [string, () => unknown, () => unknown, (() => unknown)?, (() => unknown)?][] = [
    [
      'figures, both periods',
      () => [
        rollupRows(db, p.previousFrom, p.previousTo),
        rollupRows(db, p.from, p.to),
        dailyGross(db, p.previousFrom, p.to),
      ],
      () => naiveRollupRows(db, p.previousFrom, p.to),
      // Whole months come as one row: what must agree is each period's sums and each day's gross.
      () => {
        const rows = [...rollupRows(db, p.previousFrom, p.previousTo), ...rollupRows(db, p.from, p.to)];
        return [
          periodSums(rows, p.from),
          dailyGross(db, p.previousFrom, p.to)
            .filter((g) => g.amount !== 0)
            .map(key)
            .sort(),
        ];
      },
      () => {
        const rows = naiveRollupRows(db, p.previousFrom, p.to) as RollupRow[];
        return [periodSums(rows, p.from), naiveGross(rows).map(key).sort()];
      },
    ],
    [
      'sales by payment provider',
      () => providerDays(db, p.previousFrom, p.to),
      () => naiveProviderDays(db, p.previousFrom, p.to),
    ],
    [
      'quarter hours',
      () => quarterHours(db, p.from, p.to, settings.timeZone),
      () => naiveQuarterHours(db, p.from, p.to),
      // Month rows say a quarter hour as on the 15th: what must agree is the hour-of-day figure.
      () => hours(quarterHours(db, p.from, p.to, settings.timeZone), settings.timeZone, 'NOK'),
      () => hours(naiveQuarterHours(db, p.from, p.to) as QuarterRow[], settings.timeZone, 'NOK'),
    ],
    ['failed, retried', () => failedRetried(db, p.from, p.to), () => naiveFailedRetried(db, p.from, p.to)],
    ['itemised VAT', () => itemisedVat(db, p.from, p.to), () => naiveItemisedVat(db, p.from, p.to)],
    ['fees', () => feeDays(db, p.previousFrom, p.to), () => naiveFeeDays(db, p.previousFrom, p.to)],
    [
      'reconciliation summary',
      () => reconcileSummary(db, { from: p.from, to: p.to }, []),
      () => naiveReconSummary(db, p.from, p.to),
      () => ({
        rows: groupRows(),
        explained: reconcileSummary(db, { from: p.from, to: p.to }, []).explained,
      }),
      () => {
        const n = naiveReconSummary(db, p.from, p.to);
        const e = n.explained[0] as { cash: number | null; attempts: number | null; pending: number | null };
        return {
          rows: n.rows,
          explained: { cash: e.cash ?? 0, failedAttempts: e.attempts ?? 0, pendingYoung: e.pending ?? 0 },
        };
      },
    ],
    ['completeness', () => completenessRows(db, p.from, p.to), () => completenessRows(db, p.from, p.to)],
  ];
  for (const [name, fast, slow, fastSame = fast, slowSame = slow] of queries) {
    const t = time(fast, runs);
    const b = time(slow, naiveRuns);
    worst.push(t.p95);
    worstCpu.push(t.cpu95);
    const same = sameRows(fastSame(), slowSame());
    console.log(
      `  ${name.padEnd(28)} ${fmt(t)}   naive ${fmt(b)}   ${(b.cpu50 / Math.max(t.cpu50, 0.01)).toFixed(0)}× less CPU; same rows: ${same ? 'yes' : 'NO'}`,
    );
  }
  const whole = time(() => getDashboard(db, input, settings, now), Math.max(5, Math.round(runs / 3)));
  console.log(`  ${'dashboard:get, every figure'.padEnd(28)} ${fmt(whole)}`);
}
console.log(
  `\nslowest query p95: ${Math.max(...worst).toFixed(1)} ms wall, ${Math.max(...worstCpu).toFixed(1)} ms CPU (target ≤ 50); load average ${loadavg()[0]?.toFixed(1)}; peak RSS ${mb()} MiB`,
);
store.close();
