import { beforeAll, describe, expect, it } from 'vitest';
import { operations } from '../../../src-main/core/api/contract.ts';
import {
  type SearchPlan,
  type SearchRequest,
  pageQuery,
  planSearch,
  searchTransactions,
  totalsQuery,
} from '../../../src-main/core/search/search-transactions.ts';
import { type Store, openStore } from '../../../src-main/core/store/open-store.ts';
import type { Sql } from '../../../src-main/core/store/sql.ts';
import { markViews } from '../../support/direct-totals.ts';
import { bulkInsert, generateTransactions } from '../../support/seed-transactions.ts';
import { useTempHome } from '../../support/temp-home.ts';

/**
 * The hot query shapes, each with the plan it must keep. A shape that silently turned into a full
 * scan of transactions (or a sort of all of them) would pass every functional test and then take
 * seconds on a million rows, so the plans are asserted here.
 */
const tempHome = useTempHome();
let store: Store;

beforeAll(async () => {
  store = await openStore(`${tempHome()}/posrecon.sqlite`);
  bulkInsert(store.db, generateTransactions({ count: 3000, seed: 5 }));
  // Second views, as a reconcile run lists them: totals must leave them out without a per-row look-up.
  markViews(store.db, "provider = 'vipps' AND id % 2 = 0");
  store.db.exec('ANALYZE');
});

function explain(query: Sql): string[] {
  const rows = store.db.prepare(`EXPLAIN QUERY PLAN ${query.text}`).all(...query.values) as {
    detail: string;
  }[];
  return rows.map((r) => r.detail);
}

const req = (input: object): SearchRequest =>
  operations['transactions:search'].input.parse({ limit: 50, totals: true, ...input });

/**
 * No step may read all of transactions without an index, nor scan the FTS table without MATCH, nor
 * look at recon_views row by row (totals read the view rollups and search_amounts' flag instead).
 */
function expectNoScan(plan: string[]): void {
  for (const step of plan) {
    expect(step).not.toMatch(/recon_views|search_views\b/);
    expect(step).not.toMatch(/^SCAN t$/);
    expect(step).not.toMatch(/^SCAN (transactions|transaction_refs|transaction_lines)\b/);
    expect(step).not.toMatch(/^SCAN search_fts VIRTUAL TABLE INDEX 0:$/);
  }
}

const shapes: [string, object, RegExp, boolean][] = [
  // name, filter, the driving step of the page query, whether the index gives the order (no sort)
  ['browse, newest first', {}, /^SCAN t USING INDEX search_by_time$/, true],
  ['browse, oldest first', { sort: 'time_asc' }, /^SCAN t USING INDEX search_by_time$/, true],
  [
    'a date range',
    { dateFrom: '2025-06-01', dateTo: '2025-06-30' },
    /^SEARCH t USING INDEX search_by_time \(business_date>\? AND business_date<\?\)$/,
    true,
  ],
  ['a provider', { providers: ['vipps'] }, /^SCAN t USING INDEX search_by_time$/, true],
  ['a connection', { connectionIds: ['conn-tgi'] }, /^SCAN t USING INDEX search_by_time$/, true],
  [
    'a rare status',
    { statuses: ['disputed'] },
    /^SEARCH t USING INDEX search_by_status \(status=\?\)$/,
    true,
  ],
  [
    'a rare kind in a range',
    { kinds: ['payout'], dateFrom: '2025-01-01' },
    /^SEARCH t USING INDEX search_by_kind \(kind=\? AND business_date>\?\)$/,
    true,
  ],
  ['a currency', { currencies: ['USD'] }, /^SEARCH t USING INDEX search_by_currency \(currency=\?\)$/, true],
  [
    'an amount range',
    { amountMinMinor: 4_000_000 },
    /^SEARCH t USING INDEX search_by_amount \(amount_minor>\?\)$/,
    false,
  ],
  ['sorted by amount', { sort: 'amount_desc' }, /^SCAN t USING INDEX search_by_amount$/, true],
  [
    'sorted by amount in a short range',
    { sort: 'amount_desc', dateFrom: '2026-03-01', dateTo: '2026-03-02' },
    /^SEARCH t USING INDEX search_by_time/,
    false,
  ],
  [
    'method, network and lines',
    { methods: ['card'], networks: ['visa'], hasLines: true },
    /^SCAN t USING INDEX search_by_time$/,
    true,
  ],
  ['a rare word', { text: 'kari nordmann' }, /^SEARCH t USING INTEGER PRIMARY KEY \(rowid=\?\)$/, false],
  [
    'a rare word with filters',
    { text: 'INV-2025', providers: ['sentrypos'], dateFrom: '2025-01-01' },
    /^SEARCH t USING INTEGER PRIMARY KEY \(rowid=\?\)$/,
    false,
  ],
];

describe('query plans of the hot search shapes', () => {
  it.each(shapes)('%s', (_name, input, driver, ordered) => {
    const r = req(input);
    const plan = planSearch(store.db, r);
    const page = explain(pageQuery(plan, r));
    expectNoScan(page);
    expect(page[0]).toMatch(driver);
    if (ordered) expect(page).not.toContain('USE TEMP B-TREE FOR ORDER BY');
    // Keyset continuation keeps the same driver, now with the cursor as a range on it.
    const { nextCursor } = searchTransactions(store.db, { ...r, totals: false });
    const using = (step: string | undefined) =>
      /USING (?:COVERING )?(INDEX \w+|INTEGER PRIMARY KEY)/.exec(step ?? '')?.[1];
    if (nextCursor) {
      const next = explain(pageQuery(plan, { ...r, cursor: nextCursor }));
      expect(using(next[0])).toBe(using(page[0]));
      expectNoScan(next);
    }
    expectNoScan(explain(totalsQuery(plan, r)));
  });

  it('reads totals of dimension filters from the month rollup, and the edge days from the day rollup', () => {
    const r = req({ dateFrom: '2025-06-10', dateTo: '2025-09-30', providers: ['vipps'], hasLines: false });
    const totals = explain(totalsQuery(planSearch(store.db, r), r));
    expect(totals).toContain('SEARCH m USING PRIMARY KEY (month>? AND month<?)');
    expect(totals).toContain('SEARCH d USING PRIMARY KEY (business_date>? AND business_date<?)');
    // The second views come off the same ranges of the view rollups: rollup − views, two range reads.
    const q = totalsQuery(planSearch(store.db, r), r).text;
    expect(q).toMatch(/FROM search_month_totals m .*FROM search_view_month_totals m/s);
    expect(q).toMatch(/FROM search_day_totals d .*FROM search_view_day_totals d/s);
    expect(totals.filter((s) => s === 'SEARCH m USING PRIMARY KEY (month>? AND month<?)')).toHaveLength(2);
    expect(
      totals.filter((s) => s === 'SEARCH d USING PRIMARY KEY (business_date>? AND business_date<?)'),
    ).toHaveLength(2);
    const all = req({ sort: 'amount_desc' });
    expect(explain(totalsQuery(planSearch(store.db, all), all)).filter((s) => s === 'SCAN m')).toHaveLength(
      2,
    );
  });

  it('answers amount-range totals from the amount index alone, kind and second-view flag included', () => {
    const r = req({ amountMinMinor: 5000, amountMaxMinor: 6000 });
    const totals = explain(totalsQuery(planSearch(store.db, r), r));
    expect(totals[0]).toMatch(
      /^SEARCH a USING COVERING INDEX search_amounts_by_amount \(amount_minor>\? AND amount_minor<\?\)$/,
    );
    // With another filter the rows are read, and each one's flag is one look-up by id.
    const dated = req({ amountMinMinor: 5000, amountMaxMinor: 6000, dateFrom: '2025-01-01' });
    const plan = explain(totalsQuery(planSearch(store.db, dated), dated));
    expectNoScan(plan);
    expect(plan).toContain('SEARCH a USING INTEGER PRIMARY KEY (rowid=?)');
  });

  it('collects a common word once, never probing the FTS index per row', () => {
    const r = req({ text: 'cappuccino', providers: ['sentrypos'] });
    const plan: SearchPlan = { source: { kind: 'scan', index: 'search_by_time' }, match: '"cappuccino"*' };
    const page = explain(pageQuery(plan, r));
    expect(page[0]).toBe('SCAN t USING INDEX search_by_time');
    expect(page).toContain('LIST SUBQUERY 1');
    expect(page.some((s) => /^SCAN search_fts VIRTUAL TABLE INDEX 0:M/.test(s))).toBe(true);
    expect(page.join('\n')).not.toMatch(/CORRELATED/);
    // Totals start from the text's documents, joined by id: no walk of the time index, no temporary set.
    const totals = explain(totalsQuery(plan, r));
    expectNoScan(totals);
    expect(totals[0]).toMatch(/^SCAN search_fts VIRTUAL TABLE INDEX 0:M/);
    expect(totals[1]).toBe('SEARCH t USING COVERING INDEX search_totals_by_id_dims (id=?)');
    // Kind and the second-view flag: one more look-up by id, only for a document that passed the filters.
    expect(totals[2]).toBe('SEARCH a USING INTEGER PRIMARY KEY (rowid=?)');
    expect(totals.join('\n')).not.toMatch(/LIST SUBQUERY|B-TREE FOR DISTINCT/);
    const bare = req({ text: 'cappuccino' });
    // Unfiltered: still one look-up per document, which carries currency, kind, amount and the flag.
    expect(explain(totalsQuery(plan, bare)).slice(1, 2)).toEqual([
      'SEARCH a USING INTEGER PRIMARY KEY (rowid=?)',
    ]);
    expect(explain(totalsQuery(plan, bare))).toHaveLength(3); // + the GROUP BY's temporary b-tree
    expect(totalsQuery(plan, bare).text).toMatch(/CROSS JOIN search_amounts a/);
    // Connection, kind, method and network are not in the narrow entries: those totals read the rows.
    const uncovered = req({
      text: 'cappuccino',
      connectionIds: ['conn-tgi'],
      hasLines: true,
      amountMinMinor: 1,
    });
    const rows = explain(totalsQuery(plan, uncovered));
    expect(rows[1]).toBe('SEARCH t USING INTEGER PRIMARY KEY (rowid=?)');
    expect(rows).toContain('SEARCH a USING INTEGER PRIMARY KEY (rowid=?)');
    const covered = req({
      text: 'cappuccino',
      providers: ['tgi'],
      statuses: ['completed'],
      hasLines: true,
      amountMinMinor: 1,
    });
    expect(explain(totalsQuery(plan, covered))[1]).toBe(
      'SEARCH t USING COVERING INDEX search_totals_by_id_dims (id=?)',
    );
    // Both ways give the same totals (here the word is rare enough that planSearch picks ids).
    const run = (q: Sql) => store.db.prepare(q.text).all(...q.values);
    expect(planSearch(store.db, r).source.kind).toBe('ids');
    expect(run(totalsQuery(plan, r))).toEqual(run(totalsQuery(planSearch(store.db, r), r)));
    expect(run(pageQuery(plan, r))).toEqual(run(pageQuery(planSearch(store.db, r), r)));
  });

  it('drives totals asked alone from the text documents, without listing them first', () => {
    const r = req({ text: 'kari', limit: 0 });
    const plan = planSearch(store.db, r);
    expect(plan.match).toBe('"kari"*');
    const totals = explain(totalsQuery(plan, r));
    expect(totals[0]).toMatch(/^SCAN search_fts VIRTUAL TABLE INDEX 0:M/);
    expect(totals[1]).toBe('SEARCH a USING INTEGER PRIMARY KEY (rowid=?)');
    expect(planSearch(store.db, { ...r, limit: 50 }).source.kind).toBe('ids');
  });

  it('uses the keyset cursor as an index range', () => {
    const r = req({});
    const plan = planSearch(store.db, r);
    const first = store.db.prepare(pageQuery(plan, r).text).all(...pageQuery(plan, r).values);
    expect(first.length).toBe(51);
    const withCursor = pageQuery(plan, {
      ...r,
      cursor: Buffer.from(
        JSON.stringify({ s: 'time_desc', k: ['2026-01-01', '2026-01-01T10:00:00.000Z', 5] }),
      ).toString('base64url'),
    });
    expect(explain(withCursor)[0]).toMatch(
      /^SEARCH t USING INDEX search_by_time \(\(business_date,occurred_at\)<\(\?,\?\)\)$/,
    );
  });
});
