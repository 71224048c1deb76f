// Search benchmark: on a 1,000,000-row cache (built once, reused by parameter hash), times every query
// shape of transactions:search, first page and totals, beside its naive form (no FTS, no indexes: a
// LIKE scan) in the same run, and checks both give the same totals. Prints figures; asserts nothing.
//   node_modules/.bin/node test/bench/search-bench.ts [--rows N] [--runs N] [--naive-runs N]
import { mkdtempSync, rmSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import type { Database } from 'better-sqlite3';
import { operations } from '../../src-main/core/api/contract.ts';
import { rowFilters } from '../../src-main/core/search/search-filters.ts';
import { ParallelSearch } from '../../src-main/core/search/parallel-totals.ts';
import { type SearchRequest, searchTransactions } from '../../src-main/core/search/search-transactions.ts';
import { MIGRATIONS } from '../../src-main/core/store/migrations/index.ts';
import { openStore } from '../../src-main/core/store/open-store.ts';
import { SUMMARY_COLUMNS } from '../../src-main/core/store/queries/transactions.ts';
import { type Sql, all, joinSql, rawSql, sql } from '../../src-main/core/store/sql.ts';
import { notCounted } from '../support/direct-totals.ts';
import { bulkInsert, generateTransactions } from '../support/seed-transactions.ts';
import { benchHome } from './search-cache.ts';

const { values } = parseArgs({
  options: {
    rows: { type: 'string' },
    runs: { type: 'string' },
    'naive-runs': { type: 'string' },
    'insert-rows': { type: 'string' },
  },
});
const rows = Number(values.rows ?? 1_000_000);
const runs = Number(values.runs ?? 30);
const naiveRuns = Number(values['naive-runs'] ?? 3);
const insertRows = Number(values['insert-rows'] ?? 20_000);
const mb = () => Math.round(process.resourceUsage().maxRSS / 1024);

const { home, builtMs } = await benchHome(rows);
console.log(`cache: ${home} (${builtMs === null ? 'reused' : `built in ${(builtMs / 1000).toFixed(1)} s`})`);
const store = await openStore(join(home, 'posrecon.sqlite'));
const db = store.db;

const pick = <T>(q: string) => db.prepare(q).get() as T;
const name = pick<{ v: string }>(
  'SELECT customer_name AS v FROM transactions WHERE customer_name IS NOT NULL LIMIT 1 OFFSET 777',
).v;
const psp = pick<{ v: string }>(
  "SELECT value AS v FROM transaction_refs WHERE kind = 'pspReference' LIMIT 1 OFFSET 4242",
).v;
const uuid = pick<{ v: string }>(
  "SELECT value AS v FROM transaction_refs WHERE kind = 'orderId' LIMIT 1 OFFSET 999",
).v;
const email = pick<{ v: string }>(
  'SELECT customer_email AS v FROM transactions WHERE customer_email IS NOT NULL LIMIT 1 OFFSET 31',
).v;
const phone = pick<{ v: string }>(
  'SELECT customer_phone AS v FROM transactions WHERE customer_phone IS NOT NULL LIMIT 1 OFFSET 55',
).v;
const last = pick<{ v: string }>('SELECT max(business_date) AS v FROM transactions').v;
const monthAgo = new Date(Date.parse(`${last}T00:00:00Z`) - 30 * 86_400_000).toISOString().slice(0, 10);

const shapes: [string, { text?: string; [filter: string]: unknown }][] = [
  ['browse (no filter)', {}],
  ['text: customer name', { text: name }],
  ['text: pspReference prefix', { text: psp.slice(0, 10) }],
  ['text: whole UUID', { text: uuid }],
  ['text: email prefix', { text: email.slice(0, email.indexOf('@') + 4) }],
  [
    'text: local phone digits',
    {
      text: phone
        .replace(/^\+\d+\s/, '')
        .replace(/\D/g, '')
        .slice(0, 6),
    },
  ],
  ['text: product line (common)', { text: 'kanelbolle' }],
  ['date range (30 days)', { dateFrom: monthAgo, dateTo: last }],
  ['provider', { providers: ['vipps'] }],
  ['connection', { connectionIds: ['conn-sentry-2'] }],
  ['status (rare: disputed)', { statuses: ['disputed'] }],
  ['status (common: completed)', { statuses: ['completed'] }],
  ['kind (rare: payout)', { kinds: ['payout'] }],
  ['currency', { currencies: ['USD'] }],
  ['method / network', { methods: ['card'], networks: ['amex'] }],
  ['amount range', { amountMinMinor: 20_000, amountMaxMinor: 25_000 }],
  ['has lines', { hasLines: true }],
  // Where a record stands in reconciliation: each row is looked up in the recon tables by primary key.
  // A state no row has (review, on this unreconciled cache) is the worst case: every row is checked.
  ['recon state (none has it: review)', { reconStates: ['review'] }],
  ['recon state, 30 days (unmatched)', { reconStates: ['unmatched'], dateFrom: monthAgo, dateTo: last }],
  ['sort by amount', { sort: 'amount_desc' }],
  ['sort by amount, 30 days', { sort: 'amount_desc', dateFrom: monthAgo, dateTo: last }],
  [
    'combined: text+provider+dates+status',
    {
      text: name.split(' ')[0],
      providers: ['vipps', 'cents'],
      dateFrom: '2025-01-01',
      statuses: ['completed'],
    },
  ],
];

function naiveText(text: string | undefined): Sql[] {
  return (text ?? '')
    .split(/\s+/)
    .filter(Boolean)
    .map((w) => {
      const like = `%${w}%`;
      return sql`(t.customer_name LIKE ${like} OR t.customer_email LIKE ${like} OR t.customer_phone LIKE ${like}
      OR t.external_id LIKE ${like} OR t.description LIKE ${like}
      OR EXISTS (SELECT 1 FROM transaction_refs r WHERE r.transaction_id = t.id AND r.value LIKE ${like})
      OR EXISTS (SELECT 1 FROM transaction_lines l WHERE l.transaction_id = t.id AND l.name LIKE ${like}))`;
    });
}

const NAIVE_ORDER = {
  time_desc: 't.business_date DESC, t.occurred_at DESC, t.id DESC',
  time_asc: 't.business_date, t.occurred_at, t.id',
  amount_desc: 't.amount_minor DESC, t.id DESC',
  amount_asc: 't.amount_minor, t.id',
};

/** The same request the obvious way: every condition on the table itself, no index but the primary keys. */
function naive(dbx: Database, req: SearchRequest, what: 'page' | 'totals') {
  const where = [...rowFilters(req), ...naiveText(req.text)];
  const clause = where.length ? sql`WHERE ${joinSql(where, ' AND ')}` : sql``;
  if (what === 'page') {
    return all(
      dbx,
      sql`SELECT ${SUMMARY_COLUMNS} FROM transactions t NOT INDEXED JOIN connections c ON c.id = t.connection_id
      ${clause} ORDER BY ${rawSql(NAIVE_ORDER[req.sort])} LIMIT ${req.limit + 1}`,
    );
  }
  // Second views left out the obvious way: the rules tested on every row (an anti-join against
  // recon_views, and the Vipps fee charges).
  const counted = sql`WHERE ${joinSql([...where, rawSql(`NOT ${notCounted('t')}`)], ' AND ')}`;
  return all<{ currency: string; kind: string; count: number; amountMinor: number }>(
    dbx,
    sql`SELECT t.currency, t.kind, count(*) AS count, sum(t.amount_minor) AS amountMinor
      FROM transactions t NOT INDEXED ${counted} GROUP BY t.currency, t.kind ORDER BY t.currency, t.kind`,
  );
}

async function time(n: number, fn: () => unknown): Promise<{ p50: number; p95: number }> {
  await fn(); // warm: statement preparation, page cache, the totals workers
  const t: number[] = [];
  for (let i = 0; i < n; i++) {
    const a = performance.now();
    await fn();
    t.push(performance.now() - a);
  }
  t.sort((x, y) => x - y);
  const q = (p: number) => t[Math.min(t.length - 1, Math.ceil(p * t.length) - 1)]!;
  return { p50: q(0.5), p95: q(0.95) };
}

const f = (ms: number) => (ms < 10 ? ms.toFixed(2) : ms.toFixed(1)).padStart(8);
console.log(`rows: ${rows.toLocaleString('en')}, runs: ${runs} (naive: ${naiveRuns}), times in ms\n`);
console.log(
  `${'shape'.padEnd(38)} ${'page p50'.padStart(8)} ${'page p95'.padStart(8)} ${'tot p50'.padStart(8)} ${'tot p95'.padStart(8)} | ${'naive pg'.padStart(8)} ${'naive tot'.padStart(9)} | ${'x page'.padStart(7)} ${'x tot'.padStart(7)}  matches`,
);
// What the app runs: the core's search, whose heavy totals are cut into slices over worker threads.
const search = new ParallelSearch(store.file, {
  onError: (err) => console.error('totals pool failed:', err),
});
let over = 0;
const oneCore: string[] = [];
for (const [label, input] of shapes) {
  const page = operations['transactions:search'].input.parse({ ...input, limit: 50 });
  const totals = operations['transactions:search'].input.parse({ ...input, limit: 0, totals: true });
  const p = await time(runs, () => search.search(db, page));
  const t = await time(runs, () => search.search(db, totals));
  const np = await time(naiveRuns, () => naive(db, page, 'page'));
  const nt = await time(naiveRuns, () => naive(db, totals, 'totals'));
  const fast = (await search.search(db, totals)).totals!;
  if (input.text && t.p50 > 5) {
    // The same totals on the caller's connection alone, to show what the slices buy.
    const single = await time(runs, () => searchTransactions(db, totals));
    oneCore.push(
      `${label}: totals on one connection p50 ${f(single.p50).trim()} p95 ${f(single.p95).trim()}`,
    );
  }
  const flat = fast.byCurrency
    .flatMap((c) => c.byKind.map((k) => ({ currency: c.currency, ...k })))
    .sort((a, b) => (a.currency + a.kind < b.currency + b.kind ? -1 : 1))
    .map(({ currency, kind, count, amountMinor }) => ({ currency, kind, count, amountMinor }));
  const same = JSON.stringify(flat) === JSON.stringify(naive(db, totals, 'totals'));
  if (p.p95 > 30 || t.p95 > 30) over++;
  console.log(
    `${label.padEnd(38)} ${f(p.p50)} ${f(p.p95)} ${f(t.p50)} ${f(t.p95)} | ${f(np.p50)} ${f(nt.p50).padStart(9)} | ${(np.p50 / p.p50).toFixed(0).padStart(6)}x ${(nt.p50 / t.p50).toFixed(0).padStart(6)}x  ${fast.count} (+${fast.secondViews} views)${same ? '' : '  TOTALS DIFFER FROM NAIVE'}`,
  );
}
console.log(`\nshapes over the 30 ms p95 target (page or totals): ${over} of ${shapes.length}`);
console.log(`worker threads for heavy totals: ${Math.min(4, availableParallelism())}`);
for (const line of oneCore) console.log(line);
search.close();
store.close();

/** What the search schema's triggers, index documents and indexes add to every write: a bulk insert
 * into a fresh cache with every migration, against one stopping before the search migrations (best of
 * 2 each). */
async function insertMicros(search: boolean, records: Parameters<typeof bulkInsert>[1]): Promise<number> {
  const migrations = search ? MIGRATIONS : MIGRATIONS.filter((m) => !m.name.startsWith('search'));
  let best = Infinity;
  for (let i = 0; i < 2; i++) {
    const dir = mkdtempSync(join(tmpdir(), 'posrecon-insert-bench-'));
    const s = await openStore(join(dir, 'posrecon.sqlite'), { migrations });
    const t0 = performance.now();
    bulkInsert(s.db, records, { searchSchema: search });
    best = Math.min(best, performance.now() - t0);
    s.close();
    rmSync(dir, { recursive: true, force: true });
  }
  return (best * 1000) / insertRows;
}
const records = [...generateTransactions({ count: insertRows, seed: 3 })];
const without = await insertMicros(false, records);
const withSearch = await insertMicros(true, records);
console.log(
  `insert (${insertRows.toLocaleString('en')} records, bulk): ${withSearch.toFixed(0)} µs/record with the search schema, ${without.toFixed(0)} without (${(withSearch / without).toFixed(1)}x)`,
);
console.log(`peak RSS: ${mb()} MB`);
