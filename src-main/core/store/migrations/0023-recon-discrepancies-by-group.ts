import type { Migration } from './migration.ts';

/*
 * recon_discrepancies.group_id references recon_groups ON DELETE CASCADE, but had no index: SQLite
 * then finds a deleted group's discrepancies by reading the whole table, once per group. A decision's
 * re-match and an incremental run replace groups one by one, so each replaced group paid a scan of
 * every discrepancy of the cache: 1.9-2.8 ms a group at 1M sales (12,377 discrepancies), 0.34 ms
 * with this index. The run's own "the classes of these groups" delete uses it too.
 */
export const migration0023: Migration = {
  version: 23,
  name: 'recon-discrepancies-by-group',
  sql: `
    CREATE INDEX recon_discrepancies_by_group ON recon_discrepancies (group_id);
  `,
};
