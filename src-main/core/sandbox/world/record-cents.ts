import { currencyExponent, minorToFloat } from './money.ts';
import type { Rng } from './prng.ts';
import { linkOf, referenceFor, type PaymentPlan, type SalePlan } from './sale-plan.ts';
import type { WorldWriter } from './writer.ts';

export const CENTS_IDS = {
  companyId: '6f1c2b8e-4d5a-4c7e-9b1a-2f3e4d5c6b7a',
  otherCompanyId: '0c9d8e7f-6a5b-4c3d-8e2f-1a0b9c8d7e6f',
  paymentGatewayId: 'a1b2c3d4-e5f6-4a7b-8c9d-0e1f2a3b4c5d',
  charityId: 'c4a71e1d-6c2b-4f0e-9d3a-7b8c9d0e1f2a',
};

/** The round-up: the donation lifts the order to the next whole major unit (a full unit if already whole). */
export function roundUpDonation(orderMinor: number, currency: string): number {
  const unit = 10 ** currencyExponent(currency);
  const rest = unit - (orderMinor % unit);
  return rest === 0 ? unit : rest;
}

export function writeCents(w: WorldWriter, rng: Rng, sale: SalePlan, p: PaymentPlan, currency: string): void {
  const donation = roundUpDonation(p.amount, currency);
  const companyId = sale.saleNo % 10 === 0 ? CENTS_IDS.otherCompanyId : CENTS_IDS.companyId;
  const orderRef = referenceFor(p, sale.invoiceId, rng) ?? '';
  const record = (status: string, createdMs: number, updatedMs: number, refundedMinor: number) => {
    const id = rng.uuid();
    const stripe = `pi_${rng.hex(24)}`;
    return {
      id,
      external_id: `STRIPE_${stripe}`,
      company_id: companyId,
      payment_gateway_company_id: rng.uuid(),
      company_sector: 'food_and_beverage',
      payment_gateway_id: CENTS_IDS.paymentGatewayId,
      payment_gateway_order_transaction_id: orderRef,
      // Floats in major units, exactly as Cents sends them: 153.86, not 15386.
      order_amount: minorToFloat(p.amount, currency),
      total_amount: minorToFloat(p.amount + donation, currency),
      currency,
      charity_id: CENTS_IDS.charityId,
      donation_cause: 'clean-oceans',
      donation_amount: minorToFloat(donation, currency),
      donation_currency: currency,
      created_date: new Date(createdMs).toISOString(),
      updated_date: new Date(updatedMs).toISOString(),
      consumer_user_id: '',
      consumer_user_full_name: sale.customer?.name ?? '',
      consumer_user_email: '',
      consumer_user_phone: sale.customer?.phone ?? '',
      billable_address: { street_address: '', city: 'Oslo', region_state: '', zip_code: '', country: 'NO' },
      transaction_status: status,
      hmac: rng.hex(64),
      refunded_amount: minorToFloat(refundedMinor, currency),
      reconciliation_id: `rec_${rng.hex(16)}`,
    };
  };
  const add = (rec: ReturnType<typeof record>, role: string) => {
    w.cents(
      {
        id: rec.id,
        externalId: rec.external_id,
        companyId: rec.company_id,
        createdMs: Date.parse(rec.created_date),
      },
      rec,
    );
    w.truth(linkOf(sale, p), 'cents', 'transactions', role, { id: rec.id });
  };
  if (p.failedFirst)
    add(record('failed', p.providerTimeMs - 90_000, p.providerTimeMs - 89_000, 0), 'failed-attempt');
  const refund = p.refund;
  const status = p.pending ? 'to_be_payed' : refund ? 'refunded' : 'paid';
  const main = record(
    status,
    p.providerTimeMs,
    refund ? refund.timeMs : p.providerTimeMs + 2000,
    refund ? refund.amount : 0,
  );
  if (rng.chance(0.2)) {
    // The pre-transaction the gateway opened when the round-up was offered, linked by reconciliation_id.
    const pre = record('pre_transaction', p.providerTimeMs - 30_000, p.providerTimeMs - 30_000, 0);
    add({ ...pre, reconciliation_id: main.reconciliation_id }, 'pre-transaction');
  }
  add(main, refund ? `payment+${refund.kind}-refund` : 'payment');
  if (p.duplicate) add(main, 'duplicate-notification');
  if (p.duplicateChargeDelayMs > 0) {
    const at = p.providerTimeMs + p.duplicateChargeDelayMs;
    add(record('paid', at, at + 2000, 0), 'duplicate-charge');
  }
}
