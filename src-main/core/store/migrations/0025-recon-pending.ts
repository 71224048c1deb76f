import type { Migration } from './migration.ts';

/*
 * Every reconcile run lists the sales and payments pending too long (reconcile/discrepancies.ts): all
 * records pending before a cutoff, less what is no sale or payment. Through the status index each
 * pending record cost a read of its ~1 KB row, and most pending records are Cents pre-transaction card
 * checks, which are never listed: at 1M sales 29,521 pending rows were read for no row listed, 131 ms
 * CPU warm and 364-439 ms as a run after a nightly sync finds them. This partial index holds only the
 * pending records, with every column the listing's conditions name, so only the rows listed are read
 * (6 ms). It costs a sync nothing for the records that are not pending.
 */
export const migration0025: Migration = {
  version: 25,
  name: 'recon-pending',
  sql: `
    CREATE INDEX recon_pending ON transactions (provider, kind, provider_status, status, occurred_at)
      WHERE status = 'pending';
  `,
};
