import { CARD_NETWORKS, FIRST_NAMES, HOUR_WEIGHTS, LAST_NAMES, PRODUCTS } from './catalog.ts';
import type { ShopCalendar } from './calendar.ts';
import type { ResolvedWorldOptions } from './options.ts';
import type { Rng } from './prng.ts';

export type PayProvider = 'vipps' | 'tgi' | 'sensepass' | 'cents';

export interface Line {
  lineId: string;
  name: string;
  category: string;
  quantity: number;
  unitPriceGross: number;
  unitPriceNet: number;
  discountTotal: number;
  lineTotalGross: number;
  lineTotalNet: number;
  vatRate: number;
  vatAmount: number;
}

export interface RefundPlan {
  kind: 'partial' | 'full';
  timeMs: number;
  amount: number; // minor units of the shop currency, positive
  lines: Line[]; // the returned lines (empty when the payment had none)
}

export interface PaymentPlan {
  provider: PayProvider;
  posId: string;
  amount: number; // share of the sale, shop currency minor units (excludes tip)
  vat: number;
  tip: number;
  lines: Line[]; // empty for split parts and amount-only payments
  network: string;
  providerTimeMs: number;
  failedFirst: boolean;
  failedPosId: string;
  refund: RefundPlan | null;
  duplicate: boolean;
  referenceMode: 'ok' | 'missing' | 'mistyped';
  cash: boolean;
  pending: boolean;
}

export interface SalePlan {
  saleNo: number;
  invoiceId: string;
  posTimeMs: number;
  gross: number;
  vat: number;
  customer: { name: string; phone: string } | null;
  payments: PaymentPlan[];
}

function vatLine(rng: Rng, n: number): Line {
  const p = rng.pick(PRODUCTS);
  const quantity =
    p.unitPriceGross > 20000
      ? 1
      : rng.weighted([
          [1, 70],
          [2, 22],
          [3, 8],
        ] as const);
  const discountTotal = rng.chance(0.1) ? Math.round((p.unitPriceGross * quantity) / 10) : 0;
  return buildLine(`${n + 1}`, p.name, p.category, quantity, p.unitPriceGross, discountTotal, p.vatRate);
}

/** Net is derived from gross per line, and VAT is the difference, so Σ vat = gross − net exactly. */
export function buildLine(
  lineId: string,
  name: string,
  category: string,
  quantity: number,
  unitPriceGross: number,
  discountTotal: number,
  vatRate: number,
): Line {
  const lineTotalGross = unitPriceGross * quantity - discountTotal;
  const lineTotalNet = Math.round((lineTotalGross * 10000) / (10000 + vatRate));
  return {
    lineId,
    name,
    category,
    quantity,
    unitPriceGross,
    unitPriceNet: Math.round((unitPriceGross * 10000) / (10000 + vatRate)),
    discountTotal,
    lineTotalGross,
    lineTotalNet,
    vatRate,
    vatAmount: lineTotalGross - lineTotalNet,
  };
}

export function negateLine(l: Line): Line {
  return {
    ...l,
    quantity: -l.quantity,
    discountTotal: -l.discountTotal,
    lineTotalGross: -l.lineTotalGross,
    lineTotalNet: -l.lineTotalNet,
    vatAmount: -l.vatAmount,
  };
}

function saleTime(rng: Rng, o: ResolvedWorldOptions, cal: ShopCalendar, date: string): number {
  if (rng.chance(o.rates.nearMidnight)) {
    return rng.chance(0.5)
      ? cal.localToMs(date, 23, rng.int(50, 59), rng.int(0, 59), rng.int(0, 999))
      : cal.localToMs(date, 0, rng.int(0, 9), rng.int(0, 59), rng.int(0, 999));
  }
  const hour = rng.weighted(HOUR_WEIGHTS);
  return cal.localToMs(date, hour, rng.int(0, 59), rng.int(0, 59), rng.int(0, 999));
}

function mistype(ref: string, rng: Rng): string {
  // A keying error at the till: two adjacent characters swapped, or one dropped.
  const i = rng.int(4, ref.length - 2);
  if (rng.chance(0.5)) return ref.slice(0, i) + ref.charAt(i + 1) + ref.charAt(i) + ref.slice(i + 2);
  return ref.slice(0, i) + ref.slice(i + 1);
}

export function referenceFor(p: PaymentPlan, invoiceId: string, rng: Rng): string | null {
  if (p.referenceMode === 'missing') return null;
  if (p.referenceMode === 'mistyped') return mistype(invoiceId, rng);
  return invoiceId;
}

function networkFor(rng: Rng, provider: PayProvider, cash: boolean): string {
  if (provider === 'vipps') return cash ? 'CASH' : 'VIPPS';
  if (provider === 'sensepass' && rng.chance(0.4)) return 'BIT';
  return rng.weighted(CARD_NETWORKS);
}

/** Plans one POS sale and how it was paid, with every imperfection decided up front. */
export function planSale(
  rng: Rng,
  o: ResolvedWorldOptions,
  cal: ShopCalendar,
  date: string,
  saleNo: number,
): SalePlan | null {
  const posTimeMs = saleTime(rng, o, cal, date);
  if (posTimeMs > o.nowMs) return null;
  const r = o.rates;
  const lines = Array.from(
    {
      length: rng.weighted([
        [1, 45],
        [2, 30],
        [3, 15],
        [4, 10],
      ] as const),
    },
    (_, i) => vatLine(rng, i),
  );
  const gross = lines.reduce((s, l) => s + l.lineTotalGross, 0);
  const vat = lines.reduce((s, l) => s + l.vatAmount, 0);
  const mix = Object.entries(o.providerMix) as [PayProvider, number][];
  const split = gross >= 2000 && rng.chance(r.splitPayment);
  const providers: PayProvider[] = [rng.weighted(mix)];
  if (split) providers.push(rng.weighted(mix.filter(([p]) => p !== providers[0])));
  const firstShare = split ? Math.round((gross * rng.int(30, 70)) / 100) : gross;
  const pending = o.nowMs - posTimeMs < 45 * 60_000;
  const payments = providers.map((provider, i): PaymentPlan => {
    const amount = i === 0 ? firstShare : gross - firstShare;
    const cash = provider === 'vipps' && !split && rng.chance(r.cash);
    const skew = rng.chance(r.clockSkew) ? rng.int(-180_000, 300_000) : rng.int(1_000, 20_000);
    const providerTimeMs = Math.min(posTimeMs + skew, o.nowMs);
    const payLines = split ? [] : lines;
    const tip = !cash && provider !== 'cents' && rng.chance(r.tip) ? rng.int(1, 10) * 1000 : 0;
    let refund: RefundPlan | null = null;
    const refundRoll = rng.next();
    if (!pending && refundRoll < r.partialRefund + r.fullRefund) {
      const kind =
        refundRoll < r.partialRefund && (payLines.length > 1 || payLines.length === 0) ? 'partial' : 'full';
      const late = rng.chance(r.lateRefund);
      const timeMs =
        providerTimeMs +
        (late ? rng.int(2, 20) * 86_400_000 + rng.int(0, 36_000_000) : rng.int(5, 120) * 60_000);
      const refundLines = kind === 'full' ? payLines : payLines.slice(-1);
      const linesAmount = refundLines.reduce((s, l) => s + l.lineTotalGross, 0);
      const refundAmount =
        kind === 'full' ? amount + tip : payLines.length ? linesAmount : Math.round(amount / 2);
      if (timeMs <= o.nowMs) refund = { kind, timeMs, amount: refundAmount, lines: refundLines };
    }
    const refRoll = rng.next();
    return {
      provider,
      posId: `pay_${rng.hex(12)}`,
      amount,
      vat: split ? Math.round((vat * amount) / gross) : vat,
      tip,
      lines: payLines,
      network: networkFor(rng, provider, cash),
      providerTimeMs,
      failedFirst: !pending && rng.chance(r.failedThenRetry),
      failedPosId: `pay_${rng.hex(12)}`,
      refund,
      duplicate: !pending && rng.chance(r.duplicateNotification),
      referenceMode:
        refRoll < r.missingReference
          ? 'missing'
          : refRoll < r.missingReference + r.mistypedReference
            ? 'mistyped'
            : 'ok',
      cash,
      pending: pending && !cash,
    };
  });
  const customer = rng.chance(0.7)
    ? { name: `${rng.pick(FIRST_NAMES)} ${rng.pick(LAST_NAMES)}`, phone: rng.digits(8) }
    : null;
  return {
    saleNo,
    invoiceId: `inv_${String(saleNo).padStart(8, '0')}${rng.hex(4)}`,
    posTimeMs,
    gross,
    vat,
    customer,
    payments,
  };
}
