import type { Database } from 'better-sqlite3';
import { beforeAll, describe, expect, it } from 'vitest';
import { ShopClock } from '../../../src-main/core/export/cells.ts';
import { movedByDayAndRate, movedMoneyTotals } from '../../../src-main/core/export/daily.ts';
import { paymentsSheet, salesSheet } from '../../../src-main/core/export/sheets.ts';
import { type Store, openStore } from '../../../src-main/core/store/open-store.ts';
import { bulkInsert, generateTransactions } from '../../support/seed-transactions.ts';
import { useTempHome } from '../../support/temp-home.ts';

/*
 * The export's hot query shapes, each with the index or rollup it must read. A day's Sales or Payments
 * query that turned into a scan (or a sort of the whole period) would still write the right rows and
 * take minutes at a million. No ANALYZE: a user's cache has none, and the plans must hold without it.
 */
const tempHome = useTempHome();
let store: Store;

beforeAll(async () => {
  store = await openStore(`${tempHome()}/posrecon.sqlite`);
  bulkInsert(store.db, generateTransactions({ count: 2000, seed: 3 }));
});

/** Runs a query function against a db whose statements are EXPLAIN QUERY PLAN of the real ones. */
function planOf(run: (db: Database) => unknown): string[] {
  const steps: string[] = [];
  const explain = (text: string, values: unknown[]) => {
    const rows = store.db.prepare(`EXPLAIN QUERY PLAN ${text}`).all(...values) as { detail: string }[];
    steps.push(...rows.map((r) => r.detail));
  };
  const explaining = {
    prepare: (text: string) => {
      const stmt = {
        all: (...values: unknown[]) => (explain(text, values), []),
        iterate: (...values: unknown[]) => (explain(text, values), [][Symbol.iterator]()),
        pluck: () => stmt,
      };
      return stmt;
    },
  } as unknown as Database;
  run(explaining);
  return steps;
}

const day = { from: '2026-01-15', to: '2026-01-15' };
const clock = new ShopClock('Europe/Oslo');
const drain = (rows: Iterable<unknown>) => [...rows];
/** Both day rollups (the records', and their second views') read by a range of their primary key. */
const rollup = /^SEARCH r USING PRIMARY KEY \(business_date>\? AND business_date<\?\)/;

describe('export query plans', () => {
  it.each([
    [
      'a day of Sales',
      (db: Database) => drain(salesSheet.rows(db, day, clock)),
      [/^SEARCH g USING INDEX recon_groups_rollup \(anchor_date=\?\)/],
    ],
    [
      'a day of Payments',
      (db: Database) => drain(paymentsSheet.rows(db, day, clock)),
      [/^SEARCH t USING INDEX search_by_kind \(kind=\? AND business_date>\? AND business_date<\?\)/],
    ],
    ['money moved, counted', (db: Database) => movedMoneyTotals(db, day), [rollup, rollup]],
    ['Daily by tender and VAT', (db: Database) => movedByDayAndRate(db, day), [rollup, rollup]],
  ] as const)(
    '%s reads its index, never every record, and sorts no more than a day',
    (_name, run, expected) => {
      const plan = planOf(run);
      for (const re of expected)
        expect(
          plan.some((step) => re.test(step)),
          plan.join('\n'),
        ).toBe(true);
      expect(
        plan.filter((step) => /^SCAN (t|g|m|transactions|recon_)/.test(step)),
        plan.join('\n'),
      ).toEqual([]);
    },
  );
});
