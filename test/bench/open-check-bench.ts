// The check openStore runs before a cache's first write (quick_check through a read-only connection),
// timed on a large cache against a plain read-only open as the baseline.
//   node_modules/.bin/node test/bench/open-check-bench.ts [--rows N] [--file cache.sqlite] [--runs N]
import Database from 'better-sqlite3';
import { statSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { benchHome } from './search-cache.ts';

const { values } = parseArgs({
  options: { rows: { type: 'string' }, file: { type: 'string' }, runs: { type: 'string' } },
});
const runs = Number(values.runs ?? 3);
const file = values.file ?? join((await benchHome(Number(values.rows ?? 1_000_000))).home, 'posrecon.sqlite');

function time(fn: () => void): number {
  const t = performance.now();
  fn();
  return performance.now() - t;
}

const db = new Database(file, { readonly: true });
const rows = db.prepare('SELECT count(*) FROM transactions').pluck().get() as number;
const baseline = time(() => db.pragma('schema_version'));
const checks: number[] = [];
for (let i = 0; i < runs; i++) checks.push(time(() => db.pragma('quick_check')));
db.close();
const median = checks.sort((a, b) => a - b)[Math.floor(checks.length / 2)] ?? 0;
console.log(`cache: ${file}`);
console.log(`rows: ${rows.toLocaleString('en')}, size: ${(statSync(file).size / 1e6).toFixed(0)} MB`);
console.log(`schema read (baseline): ${baseline.toFixed(2)} ms`);
console.log(
  `quick_check: median ${median.toFixed(0)} ms over ${runs} runs (${checks.map((c) => c.toFixed(0)).join(', ')})`,
);
console.log(`peak RSS: ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MB`);
