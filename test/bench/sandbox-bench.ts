// Sandbox benchmark: builds (or reuses) a ~1,000,000-transaction world and times 1000-record pages
// over HTTP for every provider's paging path, shallow and deep. Prints figures; asserts nothing.
//   node_modules/.bin/node test/bench/sandbox-bench.ts [--sales-per-day N] [--days N] [--pages N]
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { startSandbox, type RunningSandbox } from '../../src-main/core/sandbox/index.ts';

const { values } = parseArgs({
  options: { 'sales-per-day': { type: 'string' }, days: { type: 'string' }, pages: { type: 'string' } },
});
const days = Number(values.days ?? 60);
const salesPerDay = Number(values['sales-per-day'] ?? 16_700);
const pages = Number(values.pages ?? 20);
const mb = () => Math.round(process.resourceUsage().maxRSS / 1024);

const t0 = performance.now();
const sb: RunningSandbox = await startSandbox({
  seed: 1,
  days,
  salesPerDay,
  today: '2026-03-31',
  dataDir: join(tmpdir(), 'posrecon-sandbox-bench'),
});
const startMs = performance.now() - t0;
const w = sb.world;
const counts = Object.fromEntries(
  (
    [
      'sentrypos:sales',
      'vipps:sales',
      'vipps:funds',
      'vipps:fees',
      'tgi:transactions',
      'sensepass:transactions',
      'cents:transactions',
    ] as const
  ).map((d) => [d, w.count(d)]),
);
const total = Object.values(counts).reduce((s, n) => s + n, 0);
console.log(`world: ${days} days x ${salesPerDay} sales/day; ${total.toLocaleString('en')} records`, counts);
console.log(
  `generate-or-open + start: ${startMs.toFixed(0)} ms (cached worlds open instantly); peak RSS so far ${mb()} MB`,
);

async function token(url: string, init: RequestInit, field: string): Promise<string> {
  const body = (await (await fetch(url, init)).json()) as Record<string, string>;
  return body[field] ?? '';
}
const c = sb.credentials;
const vipps = await token(
  `${sb.baseUrls.vipps}/miami/v1/token`,
  {
    method: 'POST',
    headers: {
      authorization: `Basic ${Buffer.from(`${c.vipps.clientId}:${c.vipps.clientSecret}`).toString('base64')}`,
    },
    body: 'grant_type=client_credentials',
  },
  'access_token',
);
const cents = await token(
  c.cents.tokenUrl ?? '',
  {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: `grant_type=refresh_token&client_id=${c.cents.clientId}&refresh_token=${c.cents.refreshToken}`,
  },
  'id_token',
);
const cursor = (v: object) => encodeURIComponent(Buffer.from(JSON.stringify(v)).toString('base64'));
const mid = (table: string, where = '1 = 1') =>
  w.get<{ s: number }>(`SELECT max(seq) / 2 AS s FROM ${table} WHERE ${where}`)?.s ?? 0;
const midDay = w.calendar.addDays(w.options.today, -Math.floor(days / 2));
const vh = { authorization: `Bearer ${vipps}` };

interface Case {
  name: string;
  records: number; // records per request
  request(i: number): [string, RequestInit];
}
const cases: Case[] = [
  {
    name: 'SentryPOS sales, limit=1000, one-day window',
    records: 1000,
    request: () => [
      `${sb.baseUrls.sentrypos}/public/api/v1/sales?startDate=${midDay}&endDate=${midDay}&limit=1000`,
      { headers: { authorization: `Bearer ${c.sentrypos.apiKey}` } },
    ],
  },
  {
    name: 'Vipps Report funds feed, deep cursor, page 1000',
    records: 1000,
    request: (i) => [
      `${sb.baseUrls.vipps}/report/v2/ledgers/${c.vipps.ledgerId}/funds/feed?cursor=${cursor({ t: 'funds', s: mid('vipps_report') + i * 1000 })}`,
      { headers: { ...vh, 'vipps-feed-page-size': '1000' } },
    ],
  },
  {
    name: 'Vipps Report funds by date, page 1000',
    records: 1000,
    request: () => [
      `${sb.baseUrls.vipps}/report/v2/ledgers/${c.vipps.ledgerId}/funds/dates/${midDay}`,
      { headers: { ...vh, 'vipps-feed-page-size': '1000' } },
    ],
  },
  {
    name: 'Vipps Sales feed, deep cursor, pageSize=1000',
    records: 1000,
    request: (i) => [
      `${sb.baseUrls.vipps}/sales/report/v1/ledgers/${c.vipps.ledgerId}?pageSize=1000&cursor=${cursor({ k: 'feed', s: mid('vipps_sales') + i * 1000 })}`,
      { headers: vh },
    ],
  },
  {
    name: 'TGI, limit=1000, middle page',
    records: 1000,
    request: (i) => [
      `${sb.baseUrls.tgi}/transactions?limit=1000&page=${Math.max(1, Math.floor((counts['tgi:transactions'] ?? 0) / 2000)) + i}`,
      { headers: { [c.tgi.headerName ?? '']: c.tgi.key ?? '' } },
    ],
  },
  {
    name: 'SensePass, limit=1000, middle offset',
    records: 1000,
    request: (i) => [
      `${sb.baseUrls.sensepass}/transactions`,
      {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          apiKey: c.sensepass.apiKey,
          startDate: '2020-01-01T00:00:00Z',
          endDate: '2030-01-01T00:00:00Z',
          pagination: {
            limit: 1000,
            offset: Math.floor((counts['sensepass:transactions'] ?? 0) / 2) + i * 1000,
          },
        }),
      },
    ],
  },
  {
    name: 'Cents, limit=100 (its max), x10 = 1000 records',
    records: 100,
    request: () => [
      `${sb.baseUrls.cents}/auth/payment-gateway/transactions?limit=100&company_id=${encodeURIComponent('6f1c2b8e-4d5a-4c7e-9b1a-2f3e4d5c6b7a')}`,
      { headers: { authorization: `Bearer ${cents}` } },
    ],
  },
];

console.log(
  `\n${'case'.padEnd(52)} ${'ms/1000 rec (median)'.padStart(20)} ${'p95'.padStart(8)} ${'records'.padStart(8)}`,
);
for (const cs of cases) {
  const times: number[] = [];
  let got = 0;
  for (let i = 0; i < pages + 2; i++) {
    const [url, init] = cs.request(i);
    const t = performance.now();
    const res = await fetch(url, init);
    const text = await res.text();
    const ms = performance.now() - t; // server time + transfer; the client's own JSON.parse is excluded
    const body = JSON.parse(text) as Record<string, unknown>;
    if (res.status !== 200)
      throw new Error(`${cs.name}: HTTP ${res.status} ${JSON.stringify(body).slice(0, 200)}`);
    const list = (body.sales ?? body.items ?? body.data) as unknown[];
    got = list.length;
    if (i >= 2) times.push((ms * 1000) / cs.records); // the first two requests warm statement caches
  }
  times.sort((a, b) => a - b);
  const q = (p: number) => times[Math.min(times.length - 1, Math.floor(p * times.length))] ?? 0;
  console.log(
    `${cs.name.padEnd(52)} ${q(0.5).toFixed(2).padStart(20)} ${q(0.95).toFixed(2).padStart(8)} ${String(got).padStart(8)}`,
  );
}
console.log(`\npeak RSS (process.resourceUsage().maxRSS): ${mb()} MB`);
await sb.close();
