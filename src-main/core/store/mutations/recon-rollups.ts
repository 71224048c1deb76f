import type { Database } from 'better-sqlite3';
import { get, prepare, raw, rawSql, run, sql, type Sql } from '../sql.ts';

/*
 * The Dashboard's reconciliation rollups (migration 0012), rebuilt for the business days a reconcile
 * run rebuilt: one call per run instead of a trigger per group and member row (a full run writes a
 * million of each, and a trigger on each would cost it seconds). Each table is derived from the
 * reconciliation tables and the POS tenders; a day's rows are deleted and written again whole, so the
 * result for a day never depends on what was there before. A decision, which re-matches a few sales,
 * moves the rows by those sales' share instead (rollupShare, applyRollupShares).
 *
 *  - dash_tender_days: POS tenders that reconciliation holds, per business day, currency, the payment
 *    providers of their sale and status class ('sold' = completed or refunded, 'failed', 'other'):
 *    tenders, distinct sales, money, and (for failed ones) those whose sale was paid after all.
 *  - dash_vat_days: the itemised VAT of the payments of each sale, on the day of its first sold tender
 *    (a sale counts once, on one day, even when its tenders cross midnight).
 *  - dash_group_days: sales per anchor day, payment providers, state and currency (the reconciliation
 *    summary), and dash_explained_days: cash sales, failed provider attempts and young pending sales.
 */

/** The days to rebuild as a JSON array bound into the statements, or every day (`null`). */
function daysOf(column: string, days: string | null): Sql {
  // Column names come from this file, never from input.
  return days === null ? sql`1` : sql`${rawSql(column)} IN (SELECT value FROM json_each(${days}))`;
}

/*
 * Each rollup's rows as one SELECT over a scope: the business days a run rebuilt (`tenderDay` on the
 * tenders' day, `groupDay` on the groups' anchor day), or the groups a decision re-matched (by key).
 * The same text serves a day's refresh and a decision's share, so the two cannot drift apart.
 */
const SOLD = `('completed', 'refunded')`;

/**
 * Whether the groups' providers index (0016) is there: migration 0012 builds the rollups with this
 * file's queries on a cache not yet at 0016, and naming a missing index is an error.
 */
const hasProvidersIndex = (db: Database) =>
  get(db, sql`SELECT 1 FROM sqlite_master WHERE type = 'index' AND name = 'recon_groups_providers'`) !==
  undefined;

function tenderRows(scope: Sql, byDay: boolean, providersIndex = false): Sql {
  // The day scope walks the day's POS rows; the group scope its groups' members (CROSS JOIN keeps that order).
  // Each tender's group providers and each failed tender's sold twin are read from narrow indexes (0016,
  // 0003), not the ~760 B group rows and ~1 KB records (the planner would take the rows by id): at 100k
  // sales, 180 -> 113 ms CPU warm.
  const groups = providersIndex
    ? rawSql('recon_groups g INDEXED BY recon_groups_providers')
    : rawSql('recon_groups g');
  const from = byDay
    ? sql`transactions t INDEXED BY dashboard_sales JOIN recon_members m ON m.transaction_id = t.id
          JOIN ${groups} ON g.id = m.group_id`
    : sql`recon_groups g CROSS JOIN recon_members m INDEXED BY recon_members_by_group ON m.group_id = g.id
          CROSS JOIN transactions t ON t.id = m.transaction_id`;
  return sql`SELECT t.business_date, t.currency, g.providers,
                 CASE WHEN t.status IN ${rawSql(SOLD)} THEN 'sold' WHEN t.status = 'failed' THEN 'failed' ELSE 'other' END,
                 count(*), count(DISTINCT m.group_id), sum(t.amount_minor),
                 sum(CASE WHEN t.status = 'failed' THEN EXISTS (
                   SELECT 1 FROM recon_members o
                     JOIN transactions s INDEXED BY search_totals_by_id_dims ON s.id = o.transaction_id
                    WHERE o.group_id = m.group_id AND o.role = 'sale' AND s.status IN ${rawSql(SOLD)})
                   ELSE 0 END)
            FROM ${from} WHERE t.kind = 'sale' AND ${scope}
           GROUP BY 1, 2, 3, 4`;
}

/**
 * Each sale once, on the day of its first sold tender; then the lines of every payment it has.
 * `touched` names the sales (group_id). CROSS JOIN keeps that order (left to itself the planner walked
 * every transaction by currency). A sale's tenders are its 'sale' members (a failed one is an
 * 'attempt'), whose day and status a narrow index by id holds: reading the ~1 KB rows made this the
 * slowest part of a refresh.
 */
function vatRows(touched: Sql, soldDay: Sql): Sql {
  return sql`WITH touched AS (${touched}),
          sold AS (
            SELECT touched.group_id, min(t.business_date) AS day FROM touched
              CROSS JOIN recon_members m INDEXED BY recon_members_by_group
              CROSS JOIN transactions t INDEXED BY search_totals_by_id_dims
             WHERE m.group_id = touched.group_id AND m.role = 'sale' AND t.id = m.transaction_id
               AND t.status IN ${rawSql(SOLD)}
             GROUP BY 1)
          SELECT sold.day, p.currency, coalesce(sum(l.vat_minor), 0), sum(l.line_gross_minor)
            FROM sold
            CROSS JOIN recon_members pm INDEXED BY recon_members_by_group
            CROSS JOIN transactions p INDEXED BY search_totals_by_id_dims
            CROSS JOIN transaction_lines l
           WHERE ${soldDay} AND pm.group_id = sold.group_id AND pm.role = 'payment'
             AND p.id = pm.transaction_id AND l.transaction_id = p.id
           GROUP BY 1, 2`;
}

/** Read from the groups' rollup index (0016), which covers it: a whole refresh at 100k, 135 -> 41 ms CPU. */
function groupRows(scope: Sql): Sql {
  return sql`SELECT anchor_date, CASE providers WHEN '' THEN 'none' ELSE providers END, state, currency,
                 count(*), sum(sale_minor)
            FROM recon_groups g WHERE ${scope} GROUP BY 1, 2, 3, 4`;
}

/*
 * Groups first, then their sale and attempt members from the group index: a whole refresh walks the
 * groups' (anchor day, state) index and the members' group index, both covering, and reads only the
 * records it counts. Left to itself the planner scanned every member row and read each one's group
 * row (~760 B with its evidence). The query alone, CPU: 1M sales 3.1-3.8 -> 2.3 s, 100k 0.39-0.45 ->
 * 0.15-0.22 s (the same rows); inside a whole refresh at 1M, 2.0-2.7 -> 1.9-2.1 s.
 */
function explainedRows(scope: Sql): Sql {
  return sql`SELECT g.anchor_date, sum(m.role = 'sale' AND upper(coalesce(t.network, '')) = 'CASH'),
                 sum(m.role = 'attempt' AND t.provider <> 'sentrypos'),
                 sum(m.role = 'sale' AND t.status = 'pending' AND g.state = 'explained')
            FROM recon_groups g CROSS JOIN recon_members m INDEXED BY recon_members_by_group ON m.group_id = g.id
              CROSS JOIN transactions t ON t.id = m.transaction_id
           WHERE ${scope} AND m.role IN ('attempt', 'sale')
           GROUP BY 1`;
}

/** The sales whose tenders lie on the days: each sale's VAT is counted on its own first sold day. */
const touchedOn = (tenderDay: Sql) =>
  sql`SELECT DISTINCT m.group_id FROM transactions t INDEXED BY dashboard_sales
        JOIN recon_members m ON m.transaction_id = t.id
       WHERE t.kind = 'sale' AND ${tenderDay} AND t.status IN ${rawSql(SOLD)}`;

/**
 * Every sale that can have VAT: the groups of payments with lines. A whole refresh starts from these
 * (the members' group index, in group order so DISTINCT needs no sort, probing each payment's lines)
 * instead of every sold POS tender of the cache, each looked up by id and sorted. The same sales
 * count: a sale's own tenders ('sale' members) are POS tenders all. The VAT query alone at 100k
 * sales, CPU: 220-260 -> 157-173 ms, the same rows.
 */
const withLines = sql`SELECT DISTINCT pm.group_id FROM transaction_lines l
    JOIN recon_members pm ON pm.transaction_id = l.transaction_id WHERE pm.role = 'payment'`;

function refreshVat(db: Database, list: string | null): void {
  run(db, sql`DELETE FROM dash_vat_days WHERE ${daysOf('business_date', list)}`);
  run(
    db,
    sql`INSERT INTO dash_vat_days (business_date, currency, vat_minor, gross_minor)
        ${vatRows(list === null ? withLines : touchedOn(daysOf('t.business_date', list)), daysOf('sold.day', list))}`,
  );
}

/**
 * Rebuilds the reconciliation rollups for `days`, or for every day when `days` is null (a full run, or
 * the migration that adds the tables). A refund pass moves the rollups of the sales it turns to review
 * by their share itself (refunds.ts): the refunds of one day reach sales all over the month, and their
 * whole days came to 3.4 s of a 1M-sale cache's run after a new day.
 */
export function refreshReconRollups(db: Database, days: readonly string[] | null): void {
  db.transaction(() => {
    const list = days === null ? null : JSON.stringify([...days].sort());
    for (const [table, column] of [
      ['dash_tender_days', 'business_date'],
      ['dash_group_days', 'anchor_date'],
      ['dash_explained_days', 'anchor_date'],
    ] as const)
      run(db, sql`DELETE FROM ${rawSql(table)} WHERE ${daysOf(column, list)}`);
    run(
      db,
      sql`INSERT INTO dash_tender_days (business_date, currency, providers, class, tenders, sales, amount_minor, retried)
          ${tenderRows(daysOf('t.business_date', list), true, hasProvidersIndex(db))}`,
    );
    refreshVat(db, list);
    const groupDay = daysOf('g.anchor_date', list);
    run(
      db,
      sql`INSERT INTO dash_group_days (anchor_date, provider, state, currency, n, sale_minor) ${groupRows(groupDay)}`,
    );
    run(
      db,
      sql`INSERT INTO dash_explained_days (anchor_date, cash, attempts, pending) ${explainedRows(groupDay)}`,
    );
  })();
}

/** What some sales add to each rollup row: by table, then the row's key columns (joined), its figures. */
export type RollupShare = Map<string, Map<string, number[]>>;

const TABLES = {
  dash_tender_days: {
    key: ['business_date', 'currency', 'providers', 'class'],
    figures: ['tenders', 'sales', 'amount_minor', 'retried'],
  },
  dash_vat_days: { key: ['business_date', 'currency'], figures: ['vat_minor', 'gross_minor'] },
  dash_group_days: { key: ['anchor_date', 'provider', 'state', 'currency'], figures: ['n', 'sale_minor'] },
  dash_explained_days: { key: ['anchor_date'], figures: ['cash', 'attempts', 'pending'] },
} as const;
type Table = keyof typeof TABLES;
const SEP = '\u001f';

/**
 * The share of the rollups that the sales with these group keys hold: every rollup is a sum over
 * sales, so a decision that re-matches some sales moves each row by what they held after less what
 * they held before (applyRollupShares), instead of rebuilding their whole days (at 16,000 sales a
 * day, ~1 s a decision).
 */
export function rollupShare(db: Database, groupKeys: readonly string[]): RollupShare {
  return shareOf(db, sql`g.key IN (SELECT value FROM json_each(${JSON.stringify(groupKeys)}))`);
}

/** rollupShare of the groups with these ids: a run names the groups it replaces and writes by id. */
export function rollupShareOfIds(db: Database, groupIds: readonly number[]): RollupShare {
  return shareOf(db, sql`g.id IN (SELECT value FROM json_each(${JSON.stringify(groupIds)}))`);
}

/** Adds `share` to `into` (the shares of disjoint sets of sales add up, as every rollup is a sum). */
export function addRollupShare(into: RollupShare, share: RollupShare): void {
  for (const [table, rows] of share) {
    let sum = into.get(table);
    if (!sum) into.set(table, (sum = new Map()));
    for (const [k, figures] of rows) {
      const was = sum.get(k);
      sum.set(k, was ? was.map((x, i) => x + figures[i]!) : figures);
    }
  }
}

/** The share without its rows of these days (each table's first key column is its day). */
export function shareOutside(share: RollupShare, days: ReadonlySet<string>): RollupShare {
  return new Map(
    [...share].map(([table, rows]) => [
      table,
      new Map([...rows].filter(([k]) => !days.has(k.split(SEP)[0]!))),
    ]),
  );
}

function shareOf(db: Database, scope: Sql): RollupShare {
  const queries: Record<Table, Sql> = {
    dash_tender_days: tenderRows(scope, false),
    dash_vat_days: vatRows(sql`SELECT g.id AS group_id FROM recon_groups g WHERE ${scope}`, sql`1`),
    dash_group_days: groupRows(scope),
    dash_explained_days: explainedRows(scope),
  };
  const share: RollupShare = new Map();
  for (const [table, query] of Object.entries(queries) as [Table, Sql][]) {
    const width = TABLES[table].key.length;
    const rows = new Map<string, number[]>();
    for (const r of raw<(string | number)[]>(db, query))
      rows.set(r.slice(0, width).join(SEP), r.slice(width).map(Number));
    share.set(table, rows);
  }
  return share;
}

/**
 * Moves the rollups by `after` less `before` (the shares of the same sales around a re-match). A row
 * whose figures all come to zero may still stand for sales that add nothing to it (a day whose sales
 * are all by card has an explained row of zeros): whether it exists is asked of the groups, and a VAT
 * row of zeros (lines that sum to nothing, rare) has its day rebuilt.
 */
export function applyRollupShares(db: Database, before: RollupShare, after: RollupShare): void {
  const vatDays = new Set<string>();
  for (const table of Object.keys(TABLES) as Table[]) {
    const { key, figures } = TABLES[table];
    const was = before.get(table) ?? new Map<string, number[]>();
    const now = after.get(table) ?? new Map<string, number[]>();
    const where = key.map((k) => `${k} = ?`).join(' AND ');
    // Prepared once per connection (sql.ts caches by text): a decision's re-match comes here each time.
    const read = prepare(db, rawSql(`SELECT ${figures.join(', ')} FROM ${table} WHERE ${where}`), true).stmt;
    const write = prepare(
      db,
      rawSql(
        `INSERT OR REPLACE INTO ${table} (${[...key, ...figures].join(', ')}) VALUES (${[...key, ...figures].map(() => '?').join(', ')})`,
      ),
    ).stmt;
    const drop = prepare(db, rawSql(`DELETE FROM ${table} WHERE ${where}`)).stmt;
    // Some sale or failed attempt anchored on the day: what makes its explained row exist.
    const anchored = prepare(
      db,
      rawSql(`SELECT 1 FROM recon_groups g INDEXED BY recon_groups_rollup JOIN recon_members m INDEXED BY recon_members_by_group
        ON m.group_id = g.id AND m.role IN ('sale', 'attempt') WHERE g.anchor_date = ? LIMIT 1`),
    ).stmt;
    for (const k of new Set([...was.keys(), ...now.keys()])) {
      const [a, b] = [was.get(k), now.get(k)];
      if (a && b && a.every((x, i) => x === b[i])) continue;
      const keyValues = k.split(SEP);
      const current = (read.get(...keyValues) as number[] | undefined) ?? figures.map(() => 0);
      const next = current.map((x, i) => x - (a?.[i] ?? 0) + (b?.[i] ?? 0));
      let keep = next.some((x) => x !== 0);
      if (!keep && table === 'dash_explained_days') keep = anchored.get(keyValues[0]) !== undefined;
      if (!keep && table === 'dash_vat_days') vatDays.add(keyValues[0]!);
      else if (keep) write.run(...keyValues, ...next);
      else drop.run(...keyValues);
    }
  }
  if (vatDays.size) refreshVat(db, JSON.stringify([...vatDays]));
}
