import { formatUtcSeconds, type ShopCalendar } from './calendar.ts';
import type { Rng } from './prng.ts';
import {
  buildLine,
  linkOf,
  negateLine,
  referenceFor,
  type Line,
  type PaymentPlan,
  type SalePlan,
} from './sale-plan.ts';
import type { VippsLedger } from './vipps-ledger.ts';
import type { TruthLink } from './writer.ts';

export const VIPPS_IDS = {
  ledgerId: '302321',
  merchantSerialNumber: '123456',
  recipientHandle: 'NO:123455',
  orgNumber: '987654321',
  bankAccount: '86011117947',
};

export interface VippsEvent {
  kind: 'capture' | 'refund';
  timeMs: number;
  micros: number;
  offsetForm: boolean; // Report API time as `...+0200` instead of `...Z`
  psp: string | null;
  reference: string;
  amount: number; // signed minor units
  fee: number;
  entry: Record<string, unknown>; // the Sales API entry
  link: TruthLink;
  /** The truth role of its sales and funds records, when not `kind` (a duplicate charge). */
  role?: string;
  duplicate: boolean;
}

const FEE_BP: Record<string, number> = { WALLET: 175, CARD: 249, CASH: 0 };

/** A Sales API entry. Lines hold after-discount totals; VARIABLE_AMOUNT payments carry no lines or VAT. */
export function salesEntry(
  cal: ShopCalendar,
  o: {
    entryType: 'capture' | 'refund';
    timeMs: number;
    psp: string | null;
    reference: string;
    currency: string;
  },
  paymentType: string,
  solution: string,
  lines: Line[],
  gross: number,
  offsetForm: boolean,
): Record<string, unknown> {
  const hasLines = lines.length > 0;
  const amounts = hasLines
    ? {
        gross: lines.reduce((s, l) => s + l.lineTotalGross, 0),
        net: lines.reduce((s, l) => s + l.lineTotalNet, 0),
        vat: lines.reduce((s, l) => s + l.vatAmount, 0),
      }
    : { gross };
  return {
    entryType: o.entryType,
    time: offsetForm ? cal.formatWithOffset(o.timeMs, 0).replace(/\.\d+/, '') : formatUtcSeconds(o.timeMs),
    pspReference: o.psp,
    reference: o.reference,
    currency: o.currency,
    paymentType,
    amounts,
    lines: lines.map(
      ({
        lineId,
        name,
        quantity,
        unitPriceGross,
        unitPriceNet,
        discountTotal,
        lineTotalGross,
        lineTotalNet,
        vatRate,
        vatAmount,
        category,
      }) => ({
        lineId,
        name,
        quantity,
        unitPriceGross,
        unitPriceNet,
        discountTotal,
        lineTotalGross,
        lineTotalNet,
        vatRate,
        vatAmount,
        category,
      }),
    ),
    customer: null,
    classification: { solution, salesCategory: hasLines ? (lines[0]?.category ?? null) : null },
    completeness: { hasLineItems: hasLines, hasVatBreakdown: hasLines, hasCustomerIdentity: false },
  };
}

export function nextPsp(rng: Rng): string {
  return rng.digits(10);
}

/** Queues a Vipps payment's capture (and refund) on the ledger; they are written when their date closes. */
export function writeVipps(
  ledger: VippsLedger,
  cal: ShopCalendar,
  rng: Rng,
  sale: SalePlan,
  p: PaymentPlan,
  currency: string,
): void {
  if (p.pending) return;
  const solution = p.cash
    ? 'MPOS'
    : p.lines.length === 0
      ? 'VARIABLE_AMOUNT'
      : rng.weighted([
          ['MPOS', 3],
          ['SHOPPING_BASKET', 1],
          ['VARIABLE_AMOUNT', 1],
        ] as const);
  const paymentType = p.cash ? 'CASH' : solution === 'MPOS' && rng.chance(0.3) ? 'CARD' : 'WALLET';
  const tipLine = p.tip > 0 ? [buildLine('tip', 'Tips', 'TIPS', 1, p.tip, 0, 0)] : [];
  const lines = solution === 'VARIABLE_AMOUNT' ? [] : [...p.lines, ...tipLine];
  const reference = referenceFor(p, sale.invoiceId, rng) ?? `mpos-${rng.hex(10)}`;
  const capturePsp = p.cash ? null : nextPsp(rng);
  const offsetForm = rng.chance(0.3);
  const gross = p.amount + p.tip;
  const base = { link: linkOf(sale, p), reference, micros: rng.int(0, 999) };
  const capture = (timeMs: number, psp: string | null, duplicate: boolean, role?: string) =>
    ledger.add({
      ...base,
      kind: 'capture',
      timeMs,
      offsetForm,
      psp,
      amount: gross,
      fee: Math.round((gross * (FEE_BP[paymentType] ?? 0)) / 10000),
      entry: salesEntry(
        cal,
        { entryType: 'capture', timeMs, psp, reference, currency },
        paymentType,
        solution,
        lines,
        gross,
        offsetForm,
      ),
      duplicate,
      ...(role ? { role } : {}),
    });
  capture(p.providerTimeMs, capturePsp, p.duplicate);
  // Charged twice: its own pspReference, funds entry and capture fee (never cash: planned so).
  if (p.duplicateChargeDelayMs > 0)
    capture(p.providerTimeMs + p.duplicateChargeDelayMs, nextPsp(rng), false, 'duplicate-charge');
  const r = p.refund;
  if (!r) return;
  const refundLines =
    solution === 'VARIABLE_AMOUNT' ? [] : [...r.lines, ...(r.kind === 'full' ? tipLine : [])].map(negateLine);
  const refundPsp = p.cash ? null : nextPsp(rng);
  const refundEntry = salesEntry(
    cal,
    { entryType: 'refund', timeMs: r.timeMs, psp: refundPsp, reference, currency },
    paymentType,
    solution,
    refundLines,
    -r.amount,
    offsetForm,
  );
  const refundGross = refundLines.length ? refundLines.reduce((s, l) => s + l.lineTotalGross, 0) : -r.amount;
  ledger.add({
    ...base,
    kind: 'refund',
    timeMs: r.timeMs,
    offsetForm,
    psp: refundPsp,
    amount: refundGross,
    fee: 0,
    entry: refundEntry,
    duplicate: false,
  });
}
