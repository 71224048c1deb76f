import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { operations } from '../../../src-main/core/api/contract.ts';
import { RECON_STATES } from '../../../src-main/core/model/recon-state.ts';
import { reconCandidates } from '../../../src-main/core/search/recon-candidates.ts';
import {
  pageQuery,
  planSearch,
  searchTransactions,
  totalsQuery,
} from '../../../src-main/core/search/search-transactions.ts';
import type { Sql } from '../../../src-main/core/store/sql.ts';
import { type DemoWorld, syncDemoWorld } from '../../support/reconcile-world.ts';

/**
 * The Transactions filter by reconciliation state, on a demo world synced from the sandbox over HTTP
 * and reconciled by the real CLI, so every state occurs for real.
 */
let w: DemoWorld;
let db: Database.Database;

beforeAll(async () => {
  w = await syncDemoWorld(33, 8, 25);
  db = new Database(w.dbFile, { readonly: true });
}, 180_000);
afterAll(() => db?.close());

const parse = (input: object) =>
  operations['transactions:search'].input.parse({ limit: 500, totals: true, ...input });
const search = (input: object) => searchTransactions(db, parse(input));

/** Every page of a search, following the cursor. */
function everyRow(input: object) {
  const rows = [];
  let cursor: string | null = null;
  do {
    const page = search({ ...input, totals: false, cursor });
    rows.push(...page.items);
    cursor = page.nextCursor;
  } while (cursor);
  return rows;
}

const explain = (q: Sql) =>
  (db.prepare(`EXPLAIN QUERY PLAN ${q.text}`).all(...q.values) as { detail: string }[]).map((r) => r.detail);

describe('filtering transactions by reconciliation state', () => {
  it('lists exactly the records whose column shows that state, and the states split the cache', () => {
    const all = search({ limit: 0 }).totals?.matched ?? 0;
    let sum = 0;
    for (const state of RECON_STATES) {
      const rows = everyRow({ reconStates: [state] });
      expect(
        rows.every((r) => r.reconState === state),
        state,
      ).toBe(true);
      // The totals (read from the rows, the rollups not knowing states) count the same records.
      expect(search({ reconStates: [state], limit: 0 }).totals?.matched, state).toBe(rows.length);
      sum += rows.length;
    }
    expect(sum).toBe(all);
    // The demo world links most records and leaves some for review (unmatched ones vary by seed).
    for (const state of ['linked', 'review'] as const)
      expect(everyRow({ reconStates: [state] }).length, `${state} occurs in the demo`).toBeGreaterThan(0);
  });

  it('combines with the other filters and with a text, and takes several states at once', () => {
    const both = everyRow({ reconStates: ['review', 'unmatched'], providers: ['sentrypos', 'vipps'] });
    expect(both.length).toBeGreaterThan(0);
    for (const r of both) {
      expect(['review', 'unmatched']).toContain(r.reconState);
      expect(['sentrypos', 'vipps']).toContain(r.provider);
    }
    const name = both.find((r) => r.customerName)?.customerName?.split(' ')[0];
    if (name) {
      const texted = everyRow({ text: name, reconStates: ['review', 'unmatched'] });
      expect(texted.length).toBeGreaterThan(0);
      expect(texted.every((r) => r.reconState === 'review' || r.reconState === 'unmatched')).toBe(true);
    }
  });

  it('refuses a state that does not exist, naming the field', () => {
    const bad = operations['transactions:search'].input.safeParse({ reconStates: ['weird'] });
    expect(bad.success).toBe(false);
    expect(bad.error?.issues[0]?.path).toEqual(['reconStates', 0]);
  });

  it('reads a rare state from the recon tables by their indexes, and a fallback state walks the time index', () => {
    const review = parse({ reconStates: ['review'] });
    const plan = planSearch(db, review);
    expect(plan.source.kind).toBe('ids');
    for (const step of [...explain(pageQuery(plan, review)), ...explain(totalsQuery(plan, review))]) {
      expect(step).not.toMatch(/^SCAN t$/);
      expect(step).not.toMatch(/^SCAN (m|g|v|p|s|recon_\w+)\b/);
    }
    // 'unmatched' is also what a record none of the tables holds falls back to: not listable there.
    for (const input of [
      { reconStates: ['unmatched'] },
      { reconStates: ['unmatched'], dateFrom: '2020-01-01' },
    ]) {
      const r = parse(input);
      const scan = planSearch(db, r);
      expect(scan.source).toEqual({ kind: 'scan', index: 'search_by_time' });
      const page = explain(pageQuery(scan, r));
      expect(page[0]).toMatch(/^(SCAN|SEARCH) t USING INDEX search_by_time/);
      // Each record is looked up in the recon tables by primary key, never by a scan of them.
      for (const step of [...page, ...explain(totalsQuery(scan, r))]) {
        expect(step).not.toMatch(/^SCAN (m|g|v|p|s|recon_\w+)\b/);
        expect(step).not.toMatch(/^SCAN t$/);
      }
    }
  });

  it('lists, for each state it can, a superset of its records, and gives up past the cap', () => {
    for (const state of ['linked', 'review', 'explained'] as const) {
      const ids = new Set(reconCandidates(db, [state], 1_000_000));
      const rows = everyRow({ reconStates: [state] });
      expect(
        rows.every((r) => ids.has(r.id)),
        state,
      ).toBe(true);
    }
    expect(reconCandidates(db, ['linked'], 10)).toBeNull();
    expect(reconCandidates(db, ['review', 'unmatched'], 1_000_000)).toBeNull();
  });
});
