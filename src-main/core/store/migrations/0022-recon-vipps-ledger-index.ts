import type { Migration } from './migration.ts';

/*
 * Settling a Vipps payout reads its stretch of funds entries and the capture fees booked for them
 * (reconcile/payouts.ts): after a nightly sync, a payout's days of entries (~18,700 entries on a day
 * with a payout at 16,700 sales a day). Through the day index each entry cost a read of its ~1 KB row,
 * for a few narrow columns. This partial index holds Vipps records only, with every column the
 * settlement, its span search and the run's search for the days of a day's fees read (the provider
 * too: SQLite counts a partial index as covering only if it holds every column a query names), so
 * those rows are not read.
 */
export const migration0022: Migration = {
  version: 22,
  name: 'recon-vipps-ledger-index',
  sql: `
    CREATE INDEX recon_vipps_ledger ON transactions
      (business_date, provider, external_id, connection_id, kind, provider_status, occurred_at, amount_minor, currency)
      WHERE provider = 'vipps';
  `,
};
