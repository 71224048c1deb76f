import type { Database } from 'better-sqlite3';
import type { Migration } from './migration.ts';

/*
 * A reconcile run writes each day's second views (recon_views) and keeps what hangs off them (the
 * search_views copies, their search rollups and is_view flags, and the Dashboard's figures less second
 * views) set-based, once per day (store/mutations/recon-views.ts), instead of by the triggers of 0006,
 * 0012 and 0015 row by row: a view row fired six trigger statements, ~90 µs a row (a first run at the
 * 1M density writes ~5,000 views a day).
 *
 * The triggers stay for every other writer (a sync deleting a record, a fee charge arriving): they only
 * stand aside while recon_view_writer holds its one row. The run inserts that row and deletes it again
 * inside its own transaction, so no other connection ever sees it and a crash leaves none behind.
 * The trigger texts are read from the cache and given a WHEN clause, so their bodies stay exactly as
 * their migrations wrote them.
 */
export const GATED_VIEW_TRIGGERS = [
  'search_recon_view_insert',
  'search_recon_view_delete',
  'search_views_insert',
  'search_views_delete',
  'dash_view_insert',
  'dash_view_delete',
  'dash_months_view_insert',
  'dash_months_view_delete',
] as const;

function gate(db: Database): void {
  db.exec('CREATE TABLE recon_view_writer (id INTEGER PRIMARY KEY CHECK (id = 1)) STRICT');
  const text = db.prepare(`SELECT sql FROM sqlite_master WHERE type = 'trigger' AND name = ?`).pluck();
  for (const name of GATED_VIEW_TRIGGERS) {
    const before = text.get(name) as string | undefined;
    const head = new RegExp(`^(CREATE TRIGGER ${name} AFTER (?:INSERT|DELETE) ON \\w+) BEGIN`);
    if (!before || !head.test(before)) throw new Error(`Trigger ${name} is not as migrations wrote it.`);
    db.exec(`DROP TRIGGER ${name}`);
    db.exec(before.replace(head, '$1 WHEN NOT EXISTS (SELECT 1 FROM recon_view_writer) BEGIN'));
  }
}

export const migration0019: Migration = {
  version: 19,
  name: 'recon-view-writer',
  up: gate,
};
