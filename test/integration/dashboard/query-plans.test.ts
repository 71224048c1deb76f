import type { Database } from 'better-sqlite3';
import { beforeAll, describe, expect, it } from 'vitest';
import * as queries from '../../../src-main/core/dashboard/dashboard-queries.ts';
import { type Store, openStore } from '../../../src-main/core/store/open-store.ts';
import { markViews } from '../../support/direct-totals.ts';
import { bulkInsert, generateTransactions } from '../../support/seed-transactions.ts';
import { useTempHome } from '../../support/temp-home.ts';

/*
 * The Dashboard's query shapes, each with the rollup (migration 0012) or index it must read. A shape
 * that turned into a scan of every transaction would pass every figure test and take seconds on a
 * million rows.
 */
const tempHome = useTempHome();
let store: Store;

beforeAll(async () => {
  store = await openStore(`${tempHome()}/posrecon.sqlite`);
  bulkInsert(store.db, generateTransactions({ count: 3000, seed: 7 }));
  markViews(store.db, "provider = 'vipps' AND id % 2 = 0");
  store.db.exec('ANALYZE');
});

/** Runs a query function against a db whose statements are EXPLAIN QUERY PLAN of the real ones. */
function planOf(run: (db: Database) => unknown): string[] {
  const real = store.db;
  const steps: string[] = [];
  const explaining = {
    prepare: (text: string) => {
      const stmt = real.prepare(`EXPLAIN QUERY PLAN ${text}`);
      return {
        all: (...values: unknown[]) => {
          const rows = stmt.all(...values) as { detail: string }[];
          steps.push(...rows.map((r) => r.detail));
          return [];
        },
      };
    },
  } as unknown as Database;
  run(explaining);
  return steps;
}

const range = ['2026-01-01', '2026-01-31'] as const;
const rollup = (table: string) =>
  new RegExp(`^SEARCH ${table} USING PRIMARY KEY \\(business_date>\\? AND business_date<\\?\\)`);
const shapes: [string, (db: Database) => unknown, RegExp[]][] = [
  [
    'figures of whole months and edge days, less views',
    (db) => queries.rollupRows(db, '2025-12-20', '2026-02-28'),
    [rollup('dash_day_totals'), /^SEARCH dash_month_totals USING PRIMARY KEY \(month>\? AND month<\?\)/],
  ],
  [
    'figures of one whole month',
    (db) => queries.rollupRows(db, ...range),
    [/^SEARCH dash_month_totals USING PRIMARY KEY \(month>\? AND month<\?\)/],
  ],
  ['daily gross', (db) => queries.dailyGross(db, ...range), [rollup('dash_day_gross')]],
  [
    'sold tenders by provider',
    (db) => queries.providerDays(db, ...range),
    [rollup('dash_tender_days'), rollup('dash_day_totals')],
  ],
  [
    'tenders by quarter hour, a whole month',
    (db) => queries.quarterHours(db, ...range, 'Europe/Oslo'),
    [/^SEARCH q USING PRIMARY KEY \(month=\?\)/],
  ],
  [
    'tenders by quarter hour, days and a month whose clocks change',
    (db) => queries.quarterHours(db, '2026-02-20', '2026-03-31', 'Europe/Oslo'),
    [rollup('dash_sale_quarters'), /^SEARCH q USING PRIMARY KEY \(month=\?\)/],
  ],
  [
    'failed and retried',
    (db) => queries.failedRetried(db, ...range),
    [rollup('dash_day_totals'), rollup('dash_tender_days')],
  ],
  ['itemised VAT', (db) => queries.itemisedVat(db, ...range), [rollup('dash_vat_days')]],
  ['fees that took money', (db) => queries.feeDays(db, ...range), [rollup('dash_day_totals')]],
  ['completeness', (db) => queries.completenessRows(db, ...range), [/SEARCH d USING PRIMARY KEY/]],
];

describe('Dashboard query plans', () => {
  it.each(shapes)('%s reads its index, never every transaction', (_name, run, expected) => {
    const plan = planOf(run);
    for (const re of expected)
      expect(
        plan.some((step) => re.test(step)),
        `${re} in\n${plan.join('\n')}`,
      ).toBe(true);
    for (const step of plan) {
      expect(step).not.toMatch(
        /^SCAN (t|transactions|transaction_lines|transaction_refs|recon_members|recon_groups)\b/,
      );
      expect(step).not.toMatch(/recon_views/);
    }
  });
});
