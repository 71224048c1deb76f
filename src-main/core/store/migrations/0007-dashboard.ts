import type { Migration } from './migration.ts';

/*
 * The Dashboard's shapes that the day rollups cannot answer, because they need the clock time (hour
 * of day in the shop's zone) or the reconciled sale of each tender:
 *
 *  - dashboard_sales: the POS tenders (kind 'sale': only the POS writes sales) of a date range with
 *    everything the hour-of-day and failed-payment figures read, so a month is one range read of a
 *    narrow index instead of a look-up of each ~1 KB row. Partial, so the providers' captures, fees
 *    and payouts (most of the cache) cost it nothing on write.
 */
export const migration0007: Migration = {
  version: 7,
  name: 'dashboard',
  sql: `
    CREATE INDEX dashboard_sales ON transactions
      (business_date, status, occurred_at, network, currency, amount_minor) WHERE kind = 'sale';
  `,
};
