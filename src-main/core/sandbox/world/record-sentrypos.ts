import { formatUtcSeconds } from './calendar.ts';
import { linkOf, type PaymentPlan, type SalePlan } from './sale-plan.ts';
import type { WorldWriter } from './writer.ts';

/** SentryPOS records one payment row per POS payment; a failed attempt is its own FAILED row. */
export function writeSentryPos(w: WorldWriter, sale: SalePlan, p: PaymentPlan): void {
  const row = (id: string, status: string, createdMs: number, completedMs: number | null) => {
    const json = {
      id,
      invoiceId: sale.invoiceId,
      customer: sale.customer,
      amountCents: p.amount,
      status,
      network: p.network,
      createdAt: formatUtcSeconds(createdMs),
      completedAt: completedMs === null ? null : formatUtcSeconds(completedMs),
    };
    w.sentrypos(
      { id, invoiceId: sale.invoiceId, createdMs, status, amount: p.amount, network: p.network },
      json,
    );
    w.truth(linkOf(sale, p), 'sentrypos', 'sales', status === 'FAILED' ? 'failed-attempt' : 'payment', {
      id,
    });
  };
  if (p.failedFirst) row(p.failedPosId, 'FAILED', sale.posTimeMs - 95_000, null);
  const status = p.pending ? 'PENDING' : p.refund?.kind === 'full' ? 'REFUNDED' : 'COMPLETED';
  row(
    p.posId,
    status,
    sale.posTimeMs,
    p.pending ? null : sale.posTimeMs + 40_000 + (sale.saleNo % 50) * 1000,
  );
}
