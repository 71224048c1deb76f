import { CARD_NETWORKS, FIRST_NAMES, HOUR_WEIGHTS, LAST_NAMES, PRODUCTS } from './catalog.ts';
import type { ShopCalendar } from './calendar.ts';
import { mistype, type TruthTag } from './imperfections.ts';
import type { PayProvider, ResolvedWorldOptions } from './options.ts';
import type { Rng } from './prng.ts';
import type { TruthLink } from './writer.ts';

export type { PayProvider } from './options.ts';

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
  /** Days later (3–20) rather than minutes later. */
  late: boolean;
  timeMs: number;
  amount: number; // minor units of the shop currency, positive
  lines: Line[]; // the returned lines (empty when the payment had none)
}

export interface PaymentPlan {
  provider: PayProvider;
  /** 0-based index of this payment within its sale (the truth's `part`). */
  part: number;
  posId: string;
  amount: number; // share of the sale, shop currency minor units (excludes tip)
  /** The currency the provider books it in: the shop's, except for SensePass's second currencies. */
  currency: string;
  vat: number;
  tip: number;
  lines: Line[]; // empty for split parts and amount-only payments
  network: string;
  providerTimeMs: number;
  failedFirst: boolean;
  failedPosId: string;
  refund: RefundPlan | null;
  duplicate: boolean;
  /** Charged twice: a second record with a new id this many ms after the first; 0 = charged once. */
  duplicateChargeDelayMs: number;
  referenceMode: 'ok' | 'missing' | 'mistyped';
  cash: boolean;
  pending: boolean;
  /** Imperfection classes of this payment, written to every truth record it produced. */
  tags: TruthTag[];
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

/** What a same-amount neighbour copies from the sale it follows (see ImperfectionRates.sameAmountNeighbour). */
export interface NeighbourOf {
  posTimeMs: number;
  lines: Line[];
  payment: PaymentPlan;
}

function planRefund(
  rng: Rng,
  o: ResolvedWorldOptions,
  providerTimeMs: number,
  amount: number,
  tip: number,
  payLines: Line[],
): RefundPlan | null {
  const r = o.rates;
  const refundRoll = rng.next();
  if (refundRoll >= r.partialRefund + r.fullRefund) return null;
  const kind =
    refundRoll < r.partialRefund && (payLines.length > 1 || payLines.length === 0) ? 'partial' : 'full';
  const late = rng.chance(r.lateRefund);
  // Late: at least 3 days and 2 hours later, past even a Saturday capture's Monday payout (DST included).
  const timeMs =
    providerTimeMs +
    (late ? rng.int(3, 20) * 86_400_000 + rng.int(7_200_000, 36_000_000) : rng.int(5, 120) * 60_000);
  const refundLines = kind === 'full' ? payLines : payLines.slice(-1);
  const linesAmount = refundLines.reduce((s, l) => s + l.lineTotalGross, 0);
  const refundAmount =
    kind === 'full' ? amount + tip : payLines.length ? linesAmount : Math.round(amount / 2);
  return timeMs <= o.nowMs ? { kind, late, timeMs, amount: refundAmount, lines: refundLines } : null;
}

function tagsOf(p: PaymentPlan, posTimeMs: number, split: boolean, shopCurrency: string): TruthTag[] {
  const tags: TruthTag[] = [];
  // TGI records carry no reference at all, so a missing or mistyped one is no imperfection there.
  if (p.provider !== 'tgi' && p.referenceMode === 'missing') tags.push('missing-reference');
  if (p.provider !== 'tgi' && p.referenceMode === 'mistyped') tags.push('mistyped-reference');
  if (p.tip > 0) tags.push('tip');
  if (split) tags.push('split-tender');
  if (p.failedFirst) tags.push('failed-then-retried');
  if (p.refund) tags.push('refund');
  if (p.refund?.late) tags.push('late-refund');
  if (p.duplicateChargeDelayMs > 0) tags.push('duplicate-charge');
  if (p.duplicate) tags.push('duplicate-notification');
  if (p.pending) tags.push('pending');
  if (p.cash) tags.push('cash');
  if (Math.abs(p.providerTimeMs - posTimeMs) > 60_000) tags.push('clock-skew');
  if (p.currency !== shopCurrency) tags.push('foreign-currency');
  return tags;
}

/**
 * Plans one POS sale and how it was paid, with every imperfection decided up front. With `like`, plans
 * a same-amount neighbour instead: the same lines 15–55 s later, another customer, the same provider.
 * Every random draw is made whatever the world's "now" is (a sale still to come is planned too, and
 * left out by the caller), so a world generated later holds the same sales, refunds and ids as an
 * earlier one: "now" only hides what has not happened yet.
 */
export function planSale(
  rng: Rng,
  o: ResolvedWorldOptions,
  cal: ShopCalendar,
  date: string,
  saleNo: number,
  like?: NeighbourOf,
): SalePlan {
  const posTimeMs = like ? like.posTimeMs + rng.int(15_000, 55_000) : saleTime(rng, o, cal, date);
  const r = o.rates;
  const lines =
    like?.lines ??
    Array.from(
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
  const split = !like && gross >= 2000 && rng.chance(r.splitPayment);
  const providers: PayProvider[] = [like?.payment.provider ?? rng.weighted(mix)];
  if (split) providers.push(rng.weighted(mix.filter(([p]) => p !== providers[0])));
  const firstShare = split ? Math.round((gross * rng.int(30, 70)) / 100) : gross;
  const pending = o.nowMs - posTimeMs < 45 * 60_000;
  const payments = providers.map((provider, i): PaymentPlan => {
    const amount = i === 0 ? firstShare : gross - firstShare;
    const cash = like ? like.payment.cash : provider === 'vipps' && !split && rng.chance(r.cash);
    const jitter = rng.chance(r.clockSkew) ? rng.int(-180_000, 300_000) : rng.int(1_000, 20_000);
    const providerTimeMs = Math.min(posTimeMs + o.clockOffsetsMs[provider] + jitter, o.nowMs);
    const payLines = split ? [] : lines;
    const tipRoll = !cash && provider !== 'cents' && rng.chance(r.tip) ? rng.int(1, 10) * 1000 : 0;
    const tip = like ? like.payment.tip : tipRoll;
    const spCurrencies = o.sensePassCurrencies;
    const spCurrency = rng.chance(0.7)
      ? (spCurrencies[0] ?? 'ILS')
      : (spCurrencies[1] ?? spCurrencies[0] ?? 'USD');
    const currency = provider !== 'sensepass' ? o.currency : (like?.payment.currency ?? spCurrency);
    const refundPlan = planRefund(rng, o, providerTimeMs, amount, tip, payLines);
    const refund = pending ? null : refundPlan;
    const refRoll = rng.next();
    const twice = !cash && rng.chance(r.duplicateCharge) && !pending;
    const p: PaymentPlan = {
      provider,
      part: i,
      posId: `pay_${rng.hex(12)}`,
      amount,
      currency,
      vat: split ? Math.round((vat * amount) / gross) : vat,
      tip,
      lines: payLines,
      network: networkFor(rng, provider, cash),
      providerTimeMs,
      // A declined attempt comes before the payment, so it is there while the payment is still pending.
      failedFirst: rng.chance(r.failedThenRetry),
      failedPosId: `pay_${rng.hex(12)}`,
      refund,
      duplicate: rng.chance(r.duplicateNotification) && !pending,
      duplicateChargeDelayMs: twice ? rng.int(10_000, 90_000) : 0,
      referenceMode:
        refRoll < r.missingReference
          ? 'missing'
          : refRoll < r.missingReference + r.mistypedReference
            ? 'mistyped'
            : 'ok',
      cash,
      pending: pending && !cash,
      tags: [],
    };
    p.tags = tagsOf(p, posTimeMs, split, o.currency);
    return p;
  });
  const customer =
    like || rng.chance(0.7)
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

export function linkOf(sale: SalePlan, p: PaymentPlan): TruthLink {
  return { saleNo: sale.saleNo, invoiceId: sale.invoiceId, part: p.part, tags: p.tags };
}

/** Marks a sale and its neighbour: both carry the 'same-amount-neighbour' tag on every record. */
export function tagNeighbours(...sales: SalePlan[]): void {
  for (const s of sales) for (const p of s.payments) p.tags.push('same-amount-neighbour');
}
