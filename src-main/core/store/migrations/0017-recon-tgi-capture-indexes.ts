import type { Migration } from './migration.ts';

/*
 * The refund pass looks for a TGI refund's original among its connection's TGI payments, newest first
 * from the refund back (reconcile/refunds.ts): those of the refund's amount, and those larger (a part
 * refund). It read every TGI payment of the four months before the earliest refund it placed, which
 * in an incremental run is the whole cache (~300,000 rows at 1M sales) for a few hundred refunds.
 * These partial indexes hold only TGI payments, in the two orders the pass walks, so each refund reads
 * the few rows it ranks.
 */
export const migration0017: Migration = {
  version: 17,
  name: 'recon-tgi-capture-indexes',
  sql: `
    CREATE INDEX recon_tgi_captures_by_amount ON transactions (connection_id, amount_minor, occurred_at)
      WHERE provider = 'tgi' AND kind = 'capture';
    CREATE INDEX recon_tgi_captures_by_time ON transactions (connection_id, occurred_at, amount_minor)
      WHERE provider = 'tgi' AND kind = 'capture';
  `,
};
