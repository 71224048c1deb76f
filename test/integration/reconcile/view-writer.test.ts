import type { Database } from 'better-sqlite3';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  ReconViewWriter,
  VIEW_CHANGES_TABLE,
  VIEW_STEPS,
} from '../../../src-main/core/store/mutations/recon-views.ts';
import { type Store, openStore } from '../../../src-main/core/store/open-store.ts';
import { bulkInsert, generateTransactions } from '../../support/seed-transactions.ts';
import { useTempHome } from '../../support/temp-home.ts';

/*
 * A reconcile run writes second views (recon_views) with the triggers standing aside and keeps what
 * hangs off them set-based (store/mutations/recon-views.ts, migration 0019). Two caches with the same
 * records take the same view changes, one row by row through the triggers as any other writer, one
 * through the run's writer: every table the triggers keep must come out the same, row for row (rows
 * of zeros included), and the triggers must still answer every other writer afterwards.
 */
const tempHome = useTempHome();
let byTriggers: Store;
let byWriter: Store;

const KEPT = [
  'SELECT * FROM search_views ORDER BY id',
  'SELECT * FROM search_view_day_totals ORDER BY 1, 2, 3, 4, 5, 6, 7, 8, 9',
  'SELECT * FROM search_view_month_totals ORDER BY 1, 2, 3, 4, 5, 6, 7, 8, 9',
  'SELECT id, is_view FROM search_amounts ORDER BY id',
  'SELECT * FROM dash_day_totals ORDER BY 1, 2, 3, 4, 5, 6',
  'SELECT * FROM dash_month_totals ORDER BY 1, 2, 3, 4, 5, 6',
  'SELECT * FROM dash_day_gross ORDER BY 1, 2',
];
const kept = (db: Database) => KEPT.map((q) => db.prepare(q).raw().all());

type View = [number, number, string];

function rowByRow(db: Database, written: readonly View[], deleted: readonly number[]): void {
  const write = db.prepare(
    'INSERT OR REPLACE INTO recon_views (transaction_id, primary_id, business_date) VALUES (?, ?, ?)',
  );
  const drop = db.prepare('DELETE FROM recon_views WHERE transaction_id = ?');
  db.transaction(() => {
    for (const v of written) write.run(...v);
    for (const id of deleted) drop.run(id);
  })();
}

beforeAll(async () => {
  byTriggers = await openStore(`${tempHome()}/triggers.sqlite`);
  byWriter = await openStore(`${tempHome()}/writer.sqlite`);
  for (const s of [byTriggers, byWriter]) bulkInsert(s.db, generateTransactions({ count: 2500, seed: 11 }));
});

describe('second views written by a reconcile run', () => {
  it('keep search_views and every rollup of them exactly as the triggers do', () => {
    const records = byWriter.db
      .prepare('SELECT id, business_date FROM transactions ORDER BY id')
      .raw()
      .all() as [number, string][];
    // Every kind and status the seed makes (sales, payouts, fees among them), and records search_views
    // holds already (a Vipps fee charge, 0011), which the writer must leave to the triggers' rule.
    const first: View[] = records.filter(([id]) => id % 4 === 0).map(([id, d]) => [id, id - 1, d]);
    const already = byWriter.db.prepare('SELECT id, business_date FROM search_views LIMIT 5').raw().all() as [
      number,
      string,
    ][];
    first.push(...already.map(([id, d]): View => [id, id, d]));
    const writer = new ReconViewWriter(byWriter.db);
    rowByRow(byTriggers.db, first, []);
    byWriter.db.transaction(() => writer.apply(first, []))();
    expect(kept(byWriter.db)).toEqual(kept(byTriggers.db));
    expect(kept(byWriter.db)[0]!.length).toBeGreaterThan(first.length / 2);

    // A re-run: some views get another primary, some stop being views, new ones appear.
    const again: View[] = [
      ...first.filter(([id]) => id % 3 === 0).map(([id, , d]): View => [id, id + 1, d]),
      ...records.filter(([id]) => id % 4 === 1).map(([id, d]): View => [id, id, d]),
    ];
    const gone = first.filter(([id]) => id % 3 === 1).map(([id]) => id);
    rowByRow(byTriggers.db, again, gone);
    byWriter.db.transaction(() => writer.apply(again, gone))();
    expect(kept(byWriter.db)).toEqual(kept(byTriggers.db));
    expect(byWriter.db.prepare('SELECT count(*) FROM recon_view_writer').pluck().get()).toBe(0);

    // Any other writer still goes through the triggers: a sync deleting a viewed record, another
    // writing a view row by row.
    for (const db of [byTriggers.db, byWriter.db]) {
      db.prepare('DELETE FROM transactions WHERE id = ?').run(again[0]![0]);
      rowByRow(db, [[records[1]![0], records[2]![0], records[1]![1]]], [gone.at(-1)!]);
    }
    expect(kept(byWriter.db)).toEqual(kept(byTriggers.db));
  });

  it('reads only the changed views and the rows they touch, never a whole table of the cache', () => {
    const db = byWriter.db;
    db.exec(VIEW_CHANGES_TABLE);
    for (const [i, step] of VIEW_STEPS.entries()) {
      const ids = i === 0 ? ['[]', '[]'] : [];
      const plan = (db.prepare(`EXPLAIN QUERY PLAN ${step}`).all(...ids) as { detail: string }[]).map(
        (r) => r.detail,
      );
      const scans = plan.filter(
        (d) => /^SCAN /.test(d) && !/^SCAN (c|json_each|temp\.recon_view_changes)\b/.test(d),
      );
      expect(scans, `${step}\n${plan.join('\n')}`).toEqual([]);
    }
  });
});
