import type { Database } from 'better-sqlite3';
import type { OperationParsedInput } from '../api/contract.ts';
import type { SearchTotals, TransactionSummary } from '../api/schemas.ts';
import { type SummaryRow, SUMMARY_COLUMNS } from '../store/queries/transactions.ts';
import { flushSearchIndex } from '../store/mutations/search-index.ts';
import { type Sql, all, get, joinSql, rawSql, sql } from '../store/sql.ts';
import { type CursorKey, decodeSearchCursor, encodeSearchCursor } from './search-cursor.ts';
import { reconCandidates } from './recon-candidates.ts';
import { rollupFilters, rowFilters, whereClause } from './search-filters.ts';
import { searchWords } from './search-text.ts';
import { toSummaries } from './summaries.ts';
import { type TotalsRow, toTotals } from './search-totals.ts';

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
 * Where the rows come from. `ids`: the text (or a rare reconciliation state) matched at most
 * CANDIDATE_CAP transactions, which are looked up by id. `scan`: an index chosen for this filter and
 * sort is walked, and each row is checked against the set of the text's transactions (`match`).
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
  // A rare reconciliation state is read from the recon tables rather than tested on every row.
  const stateIds = reconCandidates(db, req.reconStates, CANDIDATE_CAP);
  if (ids !== null && stateIds !== null) {
    const inState = new Set(stateIds);
    return { source: { kind: 'ids', ids: ids.filter((id) => inState.has(id)) }, match: null };
  }
  if (ids !== null) return { source: { kind: 'ids', ids }, match: null };
  // A common text stays a condition on the state's records (conditions() adds it).
  if (stateIds !== null) return { source: { kind: 'ids', ids: stateIds }, match };
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

/** The columns of a totals query (TotalsRow): every matched record, and the second views among them. */
const TOTALS_COLUMNS = rawSql(`a.currency, a.kind, count(*) AS n, sum(a.amount_minor) AS amount,
  sum(a.is_view) AS vn, sum(a.is_view * a.amount_minor) AS vamount`);

/**
 * Totals from the rollups: each range of the search rollup (every record) beside the same range of
 * the view rollup (the second views among them, migration 0006), so that counted = rollup − views
 * costs two range reads and never a look at recon_views row by row.
 */
function rollupTotals(req: SearchRequest): Sql | null {
  const dims = { d: rollupFilters(req, 'd'), m: rollupFilters(req, 'm') };
  if (!dims.d || !dims.m) return null;
  const { months, days } = splitDateRange(req.dateFrom, req.dateTo);
  const parts: Sql[] = [];
  const both = (all: string, views: string, alias: string, where: Sql[]) => {
    const cond = whereClause(where);
    const a = rawSql(alias);
    parts.push(
      sql`SELECT ${a}.currency, ${a}.kind, ${a}.n, ${a}.amount_minor AS amount, 0 AS vn, 0 AS vamount
        FROM ${rawSql(all)} ${a} ${cond}`,
      sql`SELECT ${a}.currency, ${a}.kind, 0, 0, ${a}.n, ${a}.amount_minor FROM ${rawSql(views)} ${a} ${cond}`,
    );
  };
  if (months) {
    const where = [...dims.m];
    if (months[0]) where.push(sql`m.month >= ${months[0]}`);
    if (months[1]) where.push(sql`m.month <= ${months[1]}`);
    both('search_month_totals', 'search_view_month_totals', 'm', where);
  }
  for (const [from, to] of days) {
    const where = [...dims.d];
    if (from) where.push(sql`d.business_date >= ${from}`);
    if (to) where.push(sql`d.business_date <= ${to}`);
    both('search_day_totals', 'search_view_day_totals', 'd', where);
  }
  return sql`SELECT currency, kind, sum(n) AS n, sum(amount) AS amount, sum(vn) AS vn, sum(vamount) AS vamount
    FROM (${joinSql(parts, ' UNION ALL ')}) GROUP BY currency, kind HAVING sum(n) <> 0 ORDER BY currency, kind`;
}

/**
 * Where a common text's transactions are looked up by id for totals: currency, kind, amount and the
 * second-view flag alone from search_amounts (`a`); with filters, first a covering index keyed by id
 * (narrow entries cost far fewer page reads than whole rows) when one carries every filtered column,
 * else the rows, and search_amounts for what they lack.
 */
function totalsById(req: SearchRequest, filtered: boolean): Sql {
  if (!filtered) return sql`search_amounts a`;
  const uncovered = [req.connectionIds, req.kinds, req.methods, req.networks, req.reconStates].some(
    (v) => v?.length,
  );
  const rows = uncovered
    ? sql`transactions t NOT INDEXED`
    : sql`transactions t INDEXED BY search_totals_by_id_dims`;
  return sql`${rows} ON t.id = search_fts.rowid CROSS JOIN search_amounts a`;
}

/** Only an amount range (no text, no other filter): answered from search_amounts' amount index. */
function amountsOnly(req: SearchRequest): Sql[] | null {
  const { amountMinMinor: min, amountMaxMinor: max } = req;
  if (min === undefined && max === undefined) return null;
  if (rowFilters({ ...req, amountMinMinor: undefined, amountMaxMinor: undefined }).length) return null;
  return [
    ...(min !== undefined ? [sql`a.amount_minor >= ${min}`] : []),
    ...(max !== undefined ? [sql`a.amount_minor <= ${max}`] : []),
  ];
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
  const group = rawSql('GROUP BY a.currency, a.kind ORDER BY a.currency, a.kind');
  if (plan.match !== null) {
    const filters = rowFilters(req);
    const slice = ids ? [sql`search_fts.rowid BETWEEN ${ids[0]} AND ${ids[1]}`] : [];
    // CROSS JOIN: the documents drive, in id order, and each is looked up once (no temporary set).
    return sql`SELECT ${TOTALS_COLUMNS}
      FROM search_fts CROSS JOIN ${totalsById(req, filters.length > 0)} ON a.id = search_fts.rowid
      ${whereClause([sql`search_fts MATCH ${plan.match}`, ...slice, ...filters])} ${group}`;
  }
  const amounts = plan.source.kind === 'scan' ? amountsOnly(req) : null;
  if (amounts) {
    return sql`SELECT ${TOTALS_COLUMNS} FROM search_amounts a INDEXED BY search_amounts_by_amount
      ${whereClause(amounts)} ${group}`;
  }
  let source = from(plan);
  if (
    plan.source.kind === 'scan' &&
    plan.source.index === 'search_by_time' &&
    (req.amountMinMinor !== undefined || req.amountMaxMinor !== undefined)
  ) {
    // An amount range is read from the amount index rather than walking every day.
    source = sql`transactions t INDEXED BY search_by_amount`;
  }
  // Kind and the second-view flag come from search_amounts, one lookup by id per row that passed.
  return sql`SELECT ${TOTALS_COLUMNS} FROM ${source} CROSS JOIN search_amounts a ON a.id = t.id
    ${whereClause(conditions(plan, req))} ${group}`;
}

function cursorOf(req: SearchRequest, row: SummaryRow): string {
  const key: CursorKey = req.sort.startsWith('time')
    ? [row.business_date, row.occurred_at, row.id]
    : [row.amount_minor, row.id];
  return encodeSearchCursor(req.sort, key);
}

export { type TotalsRow, toTotals };

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
    items: toSummaries(db, page),
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
