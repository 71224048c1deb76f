import type { ConnectionInfo, RecordOutcome } from '../connector.ts';
import { money } from '../../model/money.ts';
import type { NormalizedStatus } from '../../model/transaction.ts';
import { canonical, instantFields, References } from '../shared/canonical.ts';
import { toOutcome } from '../shared/records.ts';
import { TgiTransaction } from './wire.ts';

/** The four documented statuses; a new one is kept as sent and normalized to `unknown`. */
export const TGI_STATUS: Readonly<Record<string, NormalizedStatus>> = {
  complete: 'completed',
  pending: 'pending',
  declined: 'failed',
  refund: 'refunded',
};

export interface TgiNormalizeContext {
  connection: Pick<ConnectionInfo, 'id' | 'provider'>;
  shopTimeZone: string;
  currency: string;
}

/**
 * One TGI transaction → a canonical capture, or a refund (TGI refunds are their own records with a
 * negative total; a refund sent with a positive total is made negative so refunds always reduce).
 * `date` is `YYYY-MM-DD HH:MM:SS` without a zone, documented as UTC.
 */
export function normalizeTransaction(raw: unknown, ctx: TgiNormalizeContext): RecordOutcome {
  return toOutcome(raw, TgiTransaction, 'tid', (t) => {
    const status = t.status.toLowerCase();
    const refund = status === 'refund' || t.total < 0;
    return canonical(ctx.connection, {
      externalId: t.tid,
      kind: refund ? 'refund' : 'capture',
      amountMinor: money(refund && t.total > 0 ? -t.total : t.total, ctx.currency).minor,
      currency: ctx.currency,
      status: TGI_STATUS[status] ?? 'unknown',
      providerStatus: t.status,
      ...instantFields(t.date, ctx.shopTimeZone, 'UTC'),
      references: new References()
        .add('tid', t.tid)
        .add('cid', t.cid)
        .add('parent_tid', t.parent_tid)
        .toArray(),
      raw,
    });
  });
}
