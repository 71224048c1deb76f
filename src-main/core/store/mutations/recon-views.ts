import type { Database, Statement } from 'better-sqlite3';
import { DIMS, viewOf } from '../migrations/0006-search-views.ts';

/*
 * A reconcile run's second views (recon_views), written with what hangs off them kept set-based: the
 * search_views copy of each view, the search view rollups and is_view flags (0006), and the Dashboard's
 * figures, which leave second views out (0012's day totals, 0015's month totals and daily gross). The
 * triggers that keep these row by row for other writers stand aside while recon_view_writer holds its
 * row (migration 0019); each rollup here is one GROUP BY over the day's changed views, with the same
 * keys and figures as the trigger bodies. test/integration/dashboard/rollups.test.ts and the search
 * tests hold them against GROUP BYs over the base tables.
 */

/** The changed views, as search_views sees them, each with +1 (becomes a view) or -1 (stops being one). */
const CHANGES = 'temp.recon_view_changes';
/** The temp table the set-based pass reads (made once per connection). */
export const VIEW_CHANGES_TABLE = `CREATE TEMP TABLE IF NOT EXISTS recon_view_changes (
  id INTEGER PRIMARY KEY, sign INTEGER NOT NULL, business_date TEXT NOT NULL, connection_id TEXT NOT NULL,
  provider TEXT NOT NULL, kind TEXT NOT NULL, status TEXT NOT NULL, currency TEXT NOT NULL, method TEXT NOT NULL,
  network TEXT NOT NULL, has_lines INTEGER NOT NULL, amount_minor INTEGER NOT NULL)`;
const FIGURE_KINDS = `('sale', 'payout', 'fee')`;

/** An upsert of `sums` (grouped by `key`) into a rollup whose figures are n and amount_minor. */
const upsert = (table: string, columns: string, select: string, where: string, key: string) => `
  INSERT INTO ${table} (${columns}, n, amount_minor)
    SELECT ${select} FROM ${CHANGES} c WHERE ${where} GROUP BY ${key}
    ON CONFLICT DO UPDATE SET n = n + excluded.n, amount_minor = amount_minor + excluded.amount_minor`;

const dims = DIMS.split(', ')
  .map((d) => `c.${d}`)
  .join(', ');
const figure = (day: string) =>
  `${day}, c.kind, c.status, c.currency, c.network, c.kind = 'fee' AND c.amount_minor < 0`;

const ROLLUPS = [
  // The search rollups of views (0006): added with the view, taken back with it.
  upsert(
    'search_view_day_totals',
    `business_date, ${DIMS}`,
    `c.business_date, ${dims}, sum(c.sign), sum(c.sign * c.amount_minor)`,
    'true',
    `c.business_date, ${dims}`,
  ),
  upsert(
    'search_view_month_totals',
    `month, ${DIMS}`,
    `substr(c.business_date, 1, 7), ${dims}, sum(c.sign), sum(c.sign * c.amount_minor)`,
    'true',
    `substr(c.business_date, 1, 7), ${dims}`,
  ),
  // The Dashboard's figures count a record less its second view (0012, 0015): the opposite sign.
  ...(
    [
      ['dash_day_totals', 'business_date', 'c.business_date'],
      ['dash_month_totals', 'month', 'substr(c.business_date, 1, 7)'],
    ] as const
  ).map(([table, key, value]) =>
    upsert(
      table,
      `${key}, kind, status, currency, network, negative`,
      `${figure(value)}, -sum(c.sign), -sum(c.sign * c.amount_minor)`,
      `c.kind IN ${FIGURE_KINDS}`,
      figure(value),
    ),
  ),
  upsert(
    'dash_day_gross',
    'business_date, currency',
    'c.business_date, c.currency, -sum(c.sign), -sum(c.sign * c.amount_minor)',
    `c.kind = 'sale' AND c.status IN ('completed', 'refunded')`,
    'c.business_date, c.currency',
  ),
];

const vDims = DIMS.split(', ')
  .map((d) => `v.${d}`)
  .join(', ');

/** The set-based pass, in order; its first step takes the written and deleted ids as JSON arrays. */
export const VIEW_STEPS = [
  // As the triggers would: a record becomes a view unless search_views already holds it (a Vipps fee
  // charge, 0011), and stops being one when no recon_views row is left for it.
  `INSERT INTO ${CHANGES} (id, business_date, ${DIMS}, amount_minor, sign)
    SELECT ${viewOf('t')}, 1 FROM transactions t
     WHERE t.id IN (SELECT value FROM json_each(?)) AND NOT EXISTS (SELECT 1 FROM search_views v WHERE v.id = t.id)
    UNION ALL
    SELECT v.id, v.business_date, ${vDims}, v.amount_minor, -1 FROM search_views v
     WHERE v.id IN (SELECT value FROM json_each(?))
       AND NOT EXISTS (SELECT 1 FROM recon_views r WHERE r.transaction_id = v.id)`,
  ...ROLLUPS,
  // Not UPDATE ... FROM, which the planner ran as a scan of every record.
  `UPDATE search_amounts SET is_view = (SELECT c.sign > 0 FROM ${CHANGES} c WHERE c.id = search_amounts.id)
    WHERE id IN (SELECT id FROM ${CHANGES})`,
  `INSERT INTO search_views (id, business_date, ${DIMS}, amount_minor)
    SELECT id, business_date, ${DIMS}, amount_minor FROM ${CHANGES} WHERE sign > 0 ORDER BY id`,
  `DELETE FROM search_views WHERE id IN (SELECT id FROM ${CHANGES} WHERE sign < 0)`,
  `DELETE FROM ${CHANGES}`,
];

export class ReconViewWriter {
  readonly #db: Database;
  #statements:
    | { hold: Statement; write: Statement; delete: Statement; steps: Statement[]; release: Statement }
    | undefined;

  readonly #made: Statement;

  constructor(db: Database) {
    this.#db = db;
    this.#made = db.prepare(`SELECT 1 FROM temp.sqlite_master WHERE name = 'recon_view_changes'`);
  }

  /**
   * Prepared on first use: the steps read a temp table, made here (again, should a rolled-back
   * transaction have taken it with it).
   */
  #prepared() {
    const db = this.#db;
    if (this.#statements && this.#made.get()) return this.#statements;
    db.exec(VIEW_CHANGES_TABLE);
    return (this.#statements = {
      hold: db.prepare('INSERT INTO recon_view_writer (id) VALUES (1)'),
      write: db.prepare(
        'INSERT OR REPLACE INTO recon_views (transaction_id, primary_id, business_date) VALUES (?, ?, ?)',
      ),
      delete: db.prepare('DELETE FROM recon_views WHERE transaction_id = ?'),
      steps: VIEW_STEPS.map((s) => db.prepare(s)),
      release: db.prepare('DELETE FROM recon_view_writer'),
    });
  }

  /**
   * Writes views (`[record, primary record, business day]`, new or with a new primary) and deletes the
   * views of `deleted` records, then brings search_views and its rollups along in one set-based pass.
   * The caller holds the transaction.
   */
  apply(written: readonly [number, number, string][], deleted: readonly number[]): void {
    if (!written.length && !deleted.length) return;
    const s = this.#prepared();
    s.hold.run();
    for (const [id, primary, date] of written) s.write.run(id, primary, date);
    for (const id of deleted) s.delete.run(id);
    const [changes, ...rest] = s.steps;
    changes!.run(JSON.stringify(written.map((w) => w[0])), JSON.stringify(deleted));
    for (const step of rest) step.run();
    s.release.run();
  }
}
