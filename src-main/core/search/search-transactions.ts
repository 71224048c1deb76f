import type { Database } from 'better-sqlite3';
import type { OperationParsedInput } from '../api/contract.ts';
import type { SearchTotals, TransactionSummary } from '../api/schemas.ts';
import { type SummaryRow, SUMMARY_COLUMNS, toSummary } from '../store/queries/transactions.ts';
import { flushSearchIndex } from '../store/mutations/search-index.ts';
import { type Sql, all, get, joinSql, rawSql, sql } from '../store/sql.ts';
import { type CursorKey, decodeSearchCursor, encodeSearchCursor } from './search-cursor.ts';
import { rollupFilters, rowFilters, whereClause } from './search-filters.ts';
import { searchWords } from './search-text.ts';

export type SearchRequest = OperationParsedInput<'transactions:search'>;

export interface SearchResult {
  items: TransactionSummary[];
  nextCursor: string | null;
  totals: SearchTotals | null;
}

/**
 * How many candidates a cheap probe may count before we call a word or a value "common". Below it,
 * reading every candidate and sorting is cheap; above it, walking an ordered index fills a page fast.
 */
export const CANDIDATE_CAP = 5000;
/** A date range holding fewer rows than this is read through the time index and sorted by amount. */
const SMALL_RANGE = 20_000;

export type SearchIndex =
  'search_by_time' | 'search_by_amount' | 'search_by_status' | 'search_by_kind' | 'search_by_currency';

/**
 * Where the rows come from. `ids`: the text matched at most CANDIDATE_CAP transactions, which are
 * looked up by id. `scan`: an index chosen for this filter and sort is walked, and each row is checked
 * against the set of the text's transactions (`match`).
 */
export type SearchSource = { kind: 'ids'; ids: number[] } | { kind: 'scan'; index: SearchIndex };

export interface SearchPlan {
  source: SearchSource;
  /** The FTS match expression each row of a scan must satisfy: a text too common to list its ids. */
  match: string | null;
}

/** The transactions (search documents) matching `match`, or null when there are more than the cap. */
function textIds(db: Database, match: string): number[] | null {
  const rows = all<{ id: number }>(
    db,
    sql`SELECT rowid AS id FROM search_fts WHERE search_fts MATCH ${match} LIMIT ${CANDIDATE_CAP + 1}`,
  );
  return rows.length > CANDIDATE_CAP ? null : rows.map((r) => r.id);
}

function cappedCount(db: Database, index: SearchIndex, where: Sql[]): number {
  const row = get<{ n: number }>(
    db,
    sql`SELECT count(*) AS n FROM (SELECT 1 FROM transactions t INDEXED BY ${rawSql(index)} ${whereClause(where)}
         LIMIT ${CANDIDATE_CAP + 1})`,
  );
  return row?.n ?? 0;
}

function dateRange(req: SearchRequest): Sql[] {
  return [
    ...(req.dateFrom ? [sql`t.business_date >= ${req.dateFrom}`] : []),
    ...(req.dateTo ? [sql`t.business_date <= ${req.dateTo}`] : []),
  ];
}

/** Rows in the date range according to the rollup, or Infinity when the range spans many rollup rows. */
function rowsInRange(db: Database, req: SearchRequest): number {
  const where = [
    ...(req.dateFrom ? [sql`business_date >= ${req.dateFrom}`] : []),
    ...(req.dateTo ? [sql`business_date <= ${req.dateTo}`] : []),
  ];
  const row = get<{ rows: number; n: number | null }>(
    db,
    sql`SELECT count(*) AS rows, sum(n) AS n FROM (SELECT n FROM search_day_totals ${whereClause(where)}
         LIMIT ${CANDIDATE_CAP + 1})`,
  );
  return !row || row.rows > CANDIDATE_CAP ? Infinity : (row.n ?? 0);
}

/** Picks the index to walk: a rare value's own index, else the one that already has the sort order. */
function chooseIndex(db: Database, req: SearchRequest): SearchIndex {
  const byTime = req.sort.startsWith('time');
  const candidates: [SearchIndex, Sql[]][] = [];
  const range = dateRange(req);
  const eq = (index: SearchIndex, column: string, values: readonly string[] | undefined) => {
    if (values?.length) {
      const list = joinSql(
        values.map((v) => sql`${v}`),
        ', ',
      );
      candidates.push([index, [sql`${rawSql(`t.${column}`)} IN (${list})`, ...range]]);
    }
  };
  eq('search_by_status', 'status', req.statuses);
  eq('search_by_kind', 'kind', req.kinds);
  eq('search_by_currency', 'currency', req.currencies);
  if (byTime && (req.amountMinMinor !== undefined || req.amountMaxMinor !== undefined)) {
    candidates.push([
      'search_by_amount',
      [
        ...(req.amountMinMinor !== undefined ? [sql`t.amount_minor >= ${req.amountMinMinor}`] : []),
        ...(req.amountMaxMinor !== undefined ? [sql`t.amount_minor <= ${req.amountMaxMinor}`] : []),
      ],
    ]);
  }
  let best: [SearchIndex, number] | null = null;
  for (const [index, where] of candidates) {
    const n = cappedCount(db, index, where);
    if (n <= CANDIDATE_CAP && (!best || n < best[1])) best = [index, n];
  }
  if (best) return best[0];
  if (byTime) return 'search_by_time';
  return range.length && rowsInRange(db, req) <= SMALL_RANGE ? 'search_by_time' : 'search_by_amount';
}

export function planSearch(db: Database, req: SearchRequest): SearchPlan {
  const words = searchWords(req.text);
  // One document per transaction, so FTS5 intersects the words itself.
  const match = words.length ? words.join(' AND ') : null;
  // Totals alone (the view asks for them in a call of their own): the text's documents drive the
  // totals query however many they are, so listing them first would only read the index twice. No
  // page is read, so the source index is never walked.
  if (match !== null && req.limit === 0) return { source: { kind: 'scan', index: 'search_by_time' }, match };
  const ids = match === null ? null : textIds(db, match);
  if (ids !== null) return { source: { kind: 'ids', ids }, match: null };
  return { source: { kind: 'scan', index: chooseIndex(db, req) }, match };
}

function from(plan: SearchPlan): Sql {
  return plan.source.kind === 'ids'
    ? sql`transactions t NOT INDEXED`
    : sql`transactions t INDEXED BY ${rawSql(plan.source.index)}`;
}

function conditions(plan: SearchPlan, req: SearchRequest): Sql[] {
  return [
    ...(plan.source.kind === 'ids'
      ? [sql`t.id IN (SELECT value FROM json_each(${JSON.stringify(plan.source.ids)}))`]
      : []),
    ...rowFilters(req),
    // A common text's transactions are collected once into a temporary set that each row is checked
    // against. A per-row FTS lookup would rebuild the words' merged prefix doclists for every row.
    ...(plan.match ? [sql`t.id IN (SELECT rowid FROM search_fts WHERE search_fts MATCH ${plan.match})`] : []),
  ];
}

const ORDER: Record<SearchRequest['sort'], Sql> = {
  time_desc: rawSql('t.business_date DESC, t.occurred_at DESC, t.id DESC'),
  time_asc: rawSql('t.business_date, t.occurred_at, t.id'),
  amount_desc: rawSql('t.amount_minor DESC, t.id DESC'),
  amount_asc: rawSql('t.amount_minor, t.id'),
};

function keyset(req: SearchRequest, key: CursorKey): Sql {
  const op = rawSql(req.sort.endsWith('desc') ? '<' : '>');
  return key.length === 3
    ? sql`(t.business_date, t.occurred_at, t.id) ${op} (${key[0]}, ${key[1]}, ${key[2]})`
    : sql`(t.amount_minor, t.id) ${op} (${key[0]}, ${key[1]})`;
}

/** The page query for a plan; exported so tests can EXPLAIN exactly what runs. */
export function pageQuery(plan: SearchPlan, req: SearchRequest): Sql {
  const after = req.cursor ? [keyset(req, decodeSearchCursor(req.sort, req.cursor))] : [];
  // CROSS JOIN keeps transactions the outer loop, so the chosen index (and its order) drives the query.
  return sql`SELECT ${SUMMARY_COLUMNS} FROM ${from(plan)} CROSS JOIN connections c ON c.id = t.connection_id
    ${whereClause([...conditions(plan, req), ...after])} ORDER BY ${ORDER[req.sort]} LIMIT ${req.limit + 1}`;
}

/** The whole months inside [from, to], and the days at either edge that the month rollup cannot take. */
export function splitDateRange(
  from: string | undefined,
  to: string | undefined,
): { months: [string | null, string | null] | null; days: [string | null, string | null][] } {
  const month = (d: string) => d.slice(0, 7);
  const shift = (m: string, by: number) => {
    const d = new Date(Date.UTC(Number(m.slice(0, 4)), Number(m.slice(5, 7)) - 1 + by, 1));
    return d.toISOString().slice(0, 7);
  };
  const lastDay = (m: string) =>
    new Date(Date.UTC(Number(m.slice(0, 4)), Number(m.slice(5, 7)), 0)).toISOString().slice(0, 10);
  const first = from === undefined ? null : from.endsWith('-01') ? month(from) : shift(month(from), 1);
  const last = to === undefined ? null : to === lastDay(month(to)) ? month(to) : shift(month(to), -1);
  if (first !== null && last !== null && first > last)
    return { months: null, days: [[from ?? null, to ?? null]] };
  const days: [string | null, string | null][] = [];
  if (from !== undefined && first !== null && first !== month(from)) days.push([from, lastDay(month(from))]);
  if (to !== undefined && last !== null && last !== month(to)) days.push([`${month(to)}-01`, to]);
  return { months: [first, last], days };
}

function rollupTotals(req: SearchRequest): Sql | null {
  const dims = { d: rollupFilters(req, 'd'), m: rollupFilters(req, 'm') };
  if (!dims.d || !dims.m) return null;
  const { months, days } = splitDateRange(req.dateFrom, req.dateTo);
  const parts: Sql[] = [];
  if (months) {
    const where = [...dims.m];
    if (months[0]) where.push(sql`m.month >= ${months[0]}`);
    if (months[1]) where.push(sql`m.month <= ${months[1]}`);
    parts.push(sql`SELECT m.currency, m.n, m.amount_minor FROM search_month_totals m ${whereClause(where)}`);
  }
  for (const [from, to] of days) {
    const where = [...dims.d];
    if (from) where.push(sql`d.business_date >= ${from}`);
    if (to) where.push(sql`d.business_date <= ${to}`);
    parts.push(sql`SELECT d.currency, d.n, d.amount_minor FROM search_day_totals d ${whereClause(where)}`);
  }
  return sql`SELECT currency, sum(n) AS n, sum(amount_minor) AS amount FROM (${joinSql(parts, ' UNION ALL ')})
    GROUP BY currency HAVING sum(n) <> 0 ORDER BY currency`;
}

/**
 * Where a common text's transactions are looked up by id for totals: currency and amount alone from
 * search_amounts; with filters, a covering index keyed by id (narrow entries cost far fewer page
 * reads than whole rows) when one carries every filtered column, else the rows.
 */
function totalsById(req: SearchRequest, filtered: boolean): Sql {
  if (!filtered) return sql`search_amounts t`;
  const uncovered = [req.connectionIds, req.kinds, req.methods, req.networks].some((v) => v?.length);
  return uncovered
    ? sql`transactions t NOT INDEXED`
    : sql`transactions t INDEXED BY search_totals_by_id_dims`;
}

/** An inclusive range of transaction ids: one slice of the totals of a common text. */
export type IdRange = readonly [number, number];

/**
 * Count and sum per currency. From the month and day rollups when the filter allows; else from the
 * rows, driven by whatever yields the fewest: the candidate ids, the common text's documents (joined
 * to their transactions by id, never a walk of the whole time index), the amount index, or the page's
 * index.
 */
export function totalsQuery(plan: SearchPlan, req: SearchRequest, ids?: IdRange): Sql {
  const rollup = plan.source.kind === 'scan' && plan.match === null ? rollupTotals(req) : null;
  if (rollup) return rollup;
  if (plan.match !== null) {
    const filters = rowFilters(req);
    const slice = ids ? [sql`search_fts.rowid BETWEEN ${ids[0]} AND ${ids[1]}`] : [];
    // CROSS JOIN: the documents drive, in id order, and each is looked up once (no temporary set).
    return sql`SELECT t.currency, count(*) AS n, sum(t.amount_minor) AS amount
      FROM search_fts CROSS JOIN ${totalsById(req, filters.length > 0)} ON t.id = search_fts.rowid
      ${whereClause([sql`search_fts MATCH ${plan.match}`, ...slice, ...filters])}
      GROUP BY t.currency ORDER BY t.currency`;
  }
  let source = from(plan);
  if (
    plan.source.kind === 'scan' &&
    plan.source.index === 'search_by_time' &&
    (req.amountMinMinor !== undefined || req.amountMaxMinor !== undefined)
  ) {
    // An amount range is answered from the amount index, which carries the currency.
    source = sql`transactions t INDEXED BY search_by_amount`;
  }
  return sql`SELECT t.currency, count(*) AS n, sum(t.amount_minor) AS amount FROM ${source}
    ${whereClause(conditions(plan, req))} GROUP BY t.currency ORDER BY t.currency`;
}

function cursorOf(req: SearchRequest, row: SummaryRow): string {
  const key: CursorKey = req.sort.startsWith('time')
    ? [row.business_date, row.occurred_at, row.id]
    : [row.amount_minor, row.id];
  return encodeSearchCursor(req.sort, key);
}

export type TotalsRow = { currency: string; n: number; amount: number };

/** Totals from the rows of one totals query, or of several slices of it (summed per currency). */
export function toTotals(rows: readonly TotalsRow[]): SearchTotals {
  const by = new Map<string, { count: number; amountMinor: number }>();
  for (const r of rows) {
    const t = by.get(r.currency) ?? { count: 0, amountMinor: 0 };
    by.set(r.currency, { count: t.count + r.n, amountMinor: t.amountMinor + r.amount });
  }
  // Slices come back each in currency order; their union is sorted again.
  const byCurrency = [...by]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([currency, t]) => ({ currency, ...t }));
  return { count: byCurrency.reduce((s, c) => s + c.count, 0), byCurrency };
}

/** Brings the index up to date and plans the request. */
export function prepareSearch(db: Database, req: SearchRequest): SearchPlan {
  // Writers flush at the end of every page; this catches one that wrote without (a raw SQL insert).
  flushSearchIndex(db);
  return planSearch(db, req);
}

export function searchPage(db: Database, plan: SearchPlan, req: SearchRequest): Omit<SearchResult, 'totals'> {
  if (req.limit === 0) return { items: [], nextCursor: null };
  const rows = all<SummaryRow>(db, pageQuery(plan, req));
  const page = rows.slice(0, req.limit);
  const last = page.at(-1);
  return {
    items: page.map(toSummary),
    nextCursor: rows.length > req.limit && last ? cursorOf(req, last) : null,
  };
}

/** The totals of a planned request, computed on this connection alone. */
export function totalsHere(db: Database, plan: SearchPlan, req: SearchRequest): SearchTotals {
  return toTotals(all<TotalsRow>(db, totalsQuery(plan, req)));
}

/** The page and, when asked for, the totals, all on this connection (see ParallelSearch for both). */
export function searchTransactions(db: Database, req: SearchRequest): SearchResult {
  const plan = prepareSearch(db, req);
  return { ...searchPage(db, plan, req), totals: req.totals ? totalsHere(db, plan, req) : null };
}
