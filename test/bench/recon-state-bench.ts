// Reconciliation-state filter benchmark: on a reconciled demo home (built once by `posrecon demo`, reused
// by its parameters), times transactions:search filtered by each state, first page and totals, beside
// the same search without the candidate lists (every row of the time index tested against the state's
// expression) in the same run, and checks both find the same records. Prints figures; asserts nothing.
//   node_modules/.bin/node test/bench/recon-state-bench.ts [--days N] [--runs N]
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import Database from 'better-sqlite3';
import { operations } from '../../src-main/core/api/contract.ts';
import {
  type SearchPlan,
  type SearchRequest,
  pageQuery,
  planSearch,
  searchTransactions,
  totalsQuery,
} from '../../src-main/core/search/search-transactions.ts';
import { all } from '../../src-main/core/store/sql.ts';
import { timeSync } from './timing.ts';

const { values } = parseArgs({ options: { days: { type: 'string' }, runs: { type: 'string' } } });
const days = Number(values.days ?? 365);
const runs = Number(values.runs ?? 20);
const mb = () => Math.round(process.resourceUsage().maxRSS / 1024);

const home = join(tmpdir(), 'posrecon-recon-state-bench', `demo-${days}d`);
const file = join(home, 'posrecon.sqlite');
if (!existsSync(file)) {
  mkdirSync(home, { recursive: true });
  const t0 = performance.now();
  const r = spawnSync(
    process.execPath,
    [resolve('src-main/cli/main.ts'), 'demo', '--home', home, '--days', String(days)],
    {
      stdio: ['ignore', 'ignore', 'inherit'],
    },
  );
  if (r.status !== 0) throw new Error(`posrecon demo failed (${r.status})`);
  console.log(`demo home built in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
}
const db = new Database(file, { readonly: true });
const rows = (db.prepare('SELECT count(*) AS n FROM transactions').get() as { n: number }).n;
console.log(`cache: ${home}, ${rows.toLocaleString('en')} records, runs: ${runs}, times in ms\n`);

const time = (n: number, fn: () => unknown) => timeSync(n, fn, 1);

/** The search as planned, or forced onto the time index (the state tested on every row it walks). */
function run(req: SearchRequest, forceScan: boolean) {
  const plan: SearchPlan = forceScan
    ? { source: { kind: 'scan', index: 'search_by_time' }, match: null }
    : planSearch(db, req);
  return all<{ id: number }>(db, req.limit === 0 ? totalsQuery(plan, req) : pageQuery(plan, req));
}

const last = (db.prepare('SELECT max(business_date) AS d FROM transactions').get() as { d: string }).d;
const monthAgo = new Date(Date.parse(`${last}T00:00:00Z`) - 29 * 86_400_000).toISOString().slice(0, 10);
const shapes: [string, object][] = [
  ['no state (baseline)', {}],
  ['review', { reconStates: ['review'] }],
  ['explained', { reconStates: ['explained'] }],
  ['linked', { reconStates: ['linked'] }],
  ['unmatched', { reconStates: ['unmatched'] }],
  ['nothing to match', { reconStates: ['not_applicable'] }],
  ['review + unmatched, 30 days', { reconStates: ['review', 'unmatched'], dateFrom: monthAgo, dateTo: last }],
];
const f = (ms: number) => (ms < 10 ? ms.toFixed(2) : ms.toFixed(1)).padStart(8);
console.log(
  `${'state'.padEnd(30)} ${'page p50'.padStart(8)} ${'page p95'.padStart(8)} ${'tot p50'.padStart(8)} ${'tot p95'.padStart(8)} | ${'scan pg'.padStart(8)} ${'scan tot'.padStart(8)} | ${'x page'.padStart(7)} ${'x tot'.padStart(7)}  records`,
);
for (const [label, input] of shapes) {
  const parse = (limit: number) =>
    operations['transactions:search'].input.parse({ ...input, limit, totals: limit === 0 });
  const page = parse(50);
  const totals = parse(0);
  const p = time(runs, () => run(page, false));
  const t = time(runs, () => run(totals, false));
  const sp = time(Math.max(3, runs / 5), () => run(page, true));
  const st = time(Math.max(3, runs / 5), () => run(totals, true));
  const counted = searchTransactions(db, totals).totals?.matched ?? 0;
  const same = JSON.stringify(run(totals, false)) === JSON.stringify(run(totals, true));
  console.log(
    `${label.padEnd(30)} ${f(p.p50)} ${f(p.p95)} ${f(t.p50)} ${f(t.p95)} | ${f(sp.p50)} ${f(st.p50)} | ${(sp.p50 / p.p50).toFixed(1).padStart(6)}x ${(st.p50 / t.p50).toFixed(1).padStart(6)}x  ${counted.toLocaleString('en')}${same ? '' : '  DIFFERS FROM THE SCAN'}`,
  );
}
console.log(`\npeak RSS: ${mb()} MB`);
db.close();
