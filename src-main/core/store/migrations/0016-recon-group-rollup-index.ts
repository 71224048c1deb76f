import type { Migration } from './migration.ts';

/*
 * Covering indexes for the Dashboard's reconciliation rollups (store/mutations/recon-rollups.ts). A
 * group row is ~760 B, most of it the evidence JSON, and a full refresh read every one of them twice:
 * once to count the groups by day, state, providers and currency, once for the providers of each POS
 * tender's group. These narrow copies hold only what the rollups read. Groups are written in id and
 * day order, so both indexes grow at their end during a run.
 */
export const migration0016: Migration = {
  version: 16,
  name: 'recon-group-rollup-index',
  sql: `
    CREATE INDEX recon_groups_rollup ON recon_groups (anchor_date, state, providers, currency, sale_minor);
    CREATE INDEX recon_groups_providers ON recon_groups (id, providers);
  `,
};
