import type { Migration } from './migration.ts';

/*
 * The days a reconcile run wrote whose run has not finished. Each day's groups commit on their own
 * (a long run never holds the write lock for long), but what follows the days (the refund pass, the
 * payouts, the discrepancy classes and the Dashboard's rollups) was computed for the groups the run
 * wrote: a run stopped after writing a day (the app quit) left those days' groups changed with their
 * classes and figures as they were before, and the next run, finding the day written, never redid
 * them. A day is noted here in its write's transaction and forgotten in the one that finishes the
 * run, and a run finishes the days a stopped one left too (reconcile/engine.ts).
 */
export const migration0027: Migration = {
  version: 27,
  name: 'recon-unfinished-days',
  sql: `
    CREATE TABLE recon_unfinished_days (date TEXT PRIMARY KEY) STRICT, WITHOUT ROWID;
  `,
};
