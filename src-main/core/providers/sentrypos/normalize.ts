import type { ConnectionInfo, RecordOutcome } from '../connector.ts';
import { money } from '../../model/money.ts';
import type { NormalizedStatus } from '../../model/transaction.ts';
import { canonical, instantFields, References, text } from '../shared/canonical.ts';
import { toOutcome } from '../shared/records.ts';
import { SentryPosSale } from './wire.ts';

/** The statuses on the API page; anything else is kept as sent and normalized to `unknown`. */
export const SENTRYPOS_STATUS: Readonly<Record<string, NormalizedStatus>> = {
  PENDING: 'pending',
  COMPLETED: 'completed',
  FAILED: 'failed',
  REFUNDED: 'refunded',
};

export interface SentryPosNormalizeContext {
  connection: Pick<ConnectionInfo, 'id' | 'provider'>;
  shopTimeZone: string;
  /** `amountCents` carries no currency: the connection says which. */
  currency: string;
}

/**
 * One SentryPOS payment → a canonical `sale`. The instant is `createdAt` (when the customer paid;
 * failed and pending rows have no `completedAt`). Timestamps are UTC (`Z`) on this API.
 */
export function normalizeSale(raw: unknown, ctx: SentryPosNormalizeContext): RecordOutcome {
  return toOutcome(raw, SentryPosSale, 'id', (sale) => {
    const status = sale.status.toUpperCase();
    return canonical(ctx.connection, {
      externalId: sale.id,
      kind: 'sale',
      amountMinor: money(sale.amountCents, ctx.currency).minor,
      currency: ctx.currency,
      status: SENTRYPOS_STATUS[status] ?? 'unknown',
      providerStatus: sale.status,
      ...instantFields(sale.createdAt, ctx.shopTimeZone),
      customerName: text(sale.customer?.name),
      customerPhone: text(sale.customer?.phone),
      customerEmail: text(sale.customer?.email),
      network: text(sale.network),
      references: new References().add('id', sale.id).add('invoiceId', sale.invoiceId).toArray(),
      raw,
    });
  });
}
