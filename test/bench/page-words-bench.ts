// Page-words benchmark: what describing a page of transactions costs (its references, lines, the
// reconciliation state of each row, the words built from them) beside the bare page query, in the same
// run, on a reconciled demo cache (built by the CLI's demo unless --home names one). Prints figures;
// asserts nothing.
//   node_modules/.bin/node test/bench/page-words-bench.ts [--home DIR] [--days N] [--runs N]
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import Database from 'better-sqlite3';
import { operations } from '../../src-main/core/api/contract.ts';
import { pageQuery, planSearch } from '../../src-main/core/search/search-transactions.ts';
import { toSummaries } from '../../src-main/core/search/summaries.ts';
import type { SummaryRow } from '../../src-main/core/store/queries/transactions.ts';
import { all } from '../../src-main/core/store/sql.ts';
import { timeSync } from './timing.ts';

const { values } = parseArgs({
  options: { home: { type: 'string' }, days: { type: 'string' }, runs: { type: 'string' } },
});
const runs = Number(values.runs ?? 200);
let home = values.home;
const temp = home ? null : mkdtempSync(join(tmpdir(), 'posrecon-words-'));
if (!home) {
  home = temp!;
  const days = values.days ?? '60';
  console.log(`building a ${days}-day demo cache in ${home} …`);
  execFileSync(process.execPath, [resolve('src-main/cli/main.ts'), 'demo', '--home', home, '--days', days], {
    stdio: 'ignore',
  });
}
const db = new Database(join(home, 'posrecon.sqlite'), { readonly: true });
const mb = () => Math.round(process.resourceUsage().maxRSS / 1024);

const rowsIn = (db.prepare('SELECT count(*) AS n FROM transactions').get() as { n: number }).n;
console.log(`cache: ${rowsIn.toLocaleString('en')} transactions, ${runs} runs, times in ms, page of 200\n`);
console.log(
  `${'shape'.padEnd(28)} ${'rows p50'.padStart(9)} ${'words p50'.padStart(9)} ${'words p95'.padStart(9)}  ratio`,
);
const shapes: [string, object][] = [
  ['browse, newest first', {}],
  ['POS sales', { providers: ['sentrypos'] }],
  ['Vipps', { providers: ['vipps'] }],
  ['payouts and fees', { kinds: ['payout', 'fee'] }],
];
for (const [label, input] of shapes) {
  const req = operations['transactions:search'].input.parse({ ...input, limit: 200 });
  const query = pageQuery(planSearch(db, req), req);
  const rows = all<SummaryRow>(db, query);
  // Baseline: the page as the store reads it. With words: the same rows, described as the list shows them.
  const bare = timeSync(runs, () => all<SummaryRow>(db, query));
  const words = timeSync(runs, () => toSummaries(db, all<SummaryRow>(db, query)));
  console.log(
    `${label.padEnd(28)} ${bare.p50.toFixed(2).padStart(9)} ${words.p50.toFixed(2).padStart(9)} ${words.p95.toFixed(2).padStart(9)}  ${(words.p50 / bare.p50).toFixed(1)}x  (${rows.length} rows)`,
  );
}
console.log(`\npeak memory: ${mb()} MB`);
db.close();
if (temp) rmSync(temp, { recursive: true, force: true });
