import { distance } from 'fastest-levenshtein';
import { currencyExponent } from '../model/money.ts';
import type { Rec } from './load-day.ts';
import { rateFor, type ReconcileSettings } from './reconcile-settings.ts';

/** One field's part in a score: null when either side lacks it, so it neither helps nor hurts. */
export interface FieldScore {
  score: number | null;
  /** Plain words for the person reviewing: "equal", "NOK 20.00 more: a tip", "2 min 10 s apart". */
  note: string;
  detail: Record<string, string | number | null>;
}

export type FieldName = 'amount' | 'time' | 'reference' | 'method' | 'customer';

export interface PairScore {
  score: number;
  fields: Record<FieldName, FieldScore>;
  /** How the amounts relate: equal, a tip on top, equal after conversion, or different. */
  amountFit: 'equal' | 'tip' | 'differs' | 'no-rate';
  /** |time gap − clock offset| in ms: breaks ties between equal scores, so neighbours pair in time order. */
  closeness: number;
  /** Whether the payment's reference is the sale's, a near miss (mistyped), or absent. */
  referenceFit: 'exact' | 'similar' | 'absent';
}

/* Weights, from the accuracy runs: the amount and the time always exist and carry the most; a reference
 * outweighs method and customer because a near-miss reference is rarely a coincidence. */
const WEIGHTS: Record<FieldName, number> = {
  amount: 0.35,
  time: 0.25,
  reference: 0.2,
  method: 0.1,
  customer: 0.1,
};

/** Wallets and cash name the provider that took them; card networks can go through any card acquirer. */
const TENDER_PROVIDER: Record<string, string> = {
  VIPPS: 'vipps',
  MOBILEPAY: 'vipps',
  CASH: 'vipps',
  BIT: 'sensepass',
};

/** What the POS charged, seen from the payment: Cents adds a round-up donation the POS never saw. */
export function chargedAmount(p: Rec): number {
  return p.provider === 'cents' && p.orderMinor !== null ? p.orderMinor : p.amount;
}

/** The payment's amount in the sale's currency, with the rate used (1 when the currencies agree). */
export function converted(
  p: Rec,
  saleCurrency: string,
  settings: ReconcileSettings,
): { minor: number; rate: number } | null {
  const amount = chargedAmount(p);
  if (p.currency === saleCurrency) return { minor: amount, rate: 1 };
  const rate = rateFor(settings, p.currency, p.date);
  if (rate === null) return null;
  const scale = 10 ** (currencyExponent(saleCurrency) - currencyExponent(p.currency));
  return { minor: Math.round(amount * rate * scale), rate };
}

export function normalizeRef(ref: string): string {
  return ref.replace(/\s+/g, '').toLowerCase();
}

/** Similarity of two references in [0, 1], after dropping whitespace and case. */
export function refSimilarity(a: string, b: string): number {
  const x = normalizeRef(a);
  const y = normalizeRef(b);
  if (!x || !y) return 0;
  return 1 - distance(x, y) / Math.max(x.length, y.length);
}

function formatGap(ms: number): string {
  const s = Math.round(Math.abs(ms) / 1000);
  const text = s < 60 ? `${s} s` : `${Math.floor(s / 60)} min ${s % 60} s`;
  return ms === 0 ? 'same second' : `${text} ${ms > 0 ? 'after' : 'before'} the sale`;
}

/** The largest amount above a sale still read as a tip: a share of the sale, or a fixed sum. */
export function tipMax(sale: Rec, settings: ReconcileSettings): number {
  return Math.max(
    (Math.abs(sale.amount) * settings.tipMaxPercent) / 100,
    settings.tipMaxAmount * 10 ** currencyExponent(sale.currency),
  );
}

/**
 * Whether the amounts could fit at all, without building any evidence: matching asks this of every
 * payment near a sale, and most differ. Same answer as amountField's "differs" for one currency; a
 * foreign payment always goes on to the full check (it needs the rate). `tip` is the sale's tipMax, for
 * a caller that asks it of many payments.
 */
export function amountMayFit(
  sale: Rec,
  p: Rec,
  settings: ReconcileSettings,
  tip = tipMax(sale, settings),
): boolean {
  if (p.currency !== sale.currency) return true;
  const diff = chargedAmount(p) - sale.amount;
  return diff === 0 || (p.tipMinor > 0 && diff === p.tipMinor) || (diff > 0 && diff <= tip);
}

/** How the amounts relate, with the score it gives and the payment in the sale's currency (null: no rate). */
interface AmountFit {
  fit: PairScore['amountFit'];
  score: number | null;
  converted: number | null;
  rate: number;
}

function fitAmount(sale: Rec, p: Rec, settings: ReconcileSettings): AmountFit {
  const conv = converted(p, sale.currency, settings);
  if (!conv) return { fit: 'no-rate', score: null, converted: null, rate: 0 };
  const at = (fit: PairScore['amountFit'], score: number): AmountFit => ({
    fit,
    score,
    converted: conv.minor,
    rate: conv.rate,
  });
  const diff = conv.minor - sale.amount;
  const tolerance =
    p.currency === sale.currency ? 0 : Math.ceil((Math.abs(sale.amount) * settings.fxTolerancePercent) / 100);
  if (Math.abs(diff) <= tolerance) return at('equal', 1);
  if (p.tipMinor > 0 && Math.abs(diff - p.tipMinor) <= tolerance) return at('tip', 1);
  if (diff > 0 && diff <= tipMax(sale, settings) + tolerance) return at('tip', 0.75);
  return at('differs', 0);
}

function amountNote(sale: Rec, p: Rec, a: AmountFit): FieldScore {
  if (a.converted === null) {
    return {
      score: null,
      note: `no ${p.currency} rate in Settings for ${p.date}`,
      detail: { sale: sale.amount, paid: chargedAmount(p), paidCurrency: p.currency },
    };
  }
  const detail = {
    sale: sale.amount,
    paid: chargedAmount(p),
    paidCurrency: p.currency,
    converted: a.converted,
    rate: a.rate,
    difference: a.converted - sale.amount,
  };
  const note =
    a.fit === 'equal'
      ? 'equal'
      : a.fit === 'differs'
        ? 'different amounts'
        : a.score === 1
          ? 'equal plus the tip on the receipt'
          : 'more than the sale by what looks like a tip';
  return { score: a.score, note, detail };
}

export function amountField(
  sale: Rec,
  p: Rec,
  settings: ReconcileSettings,
): { field: FieldScore; fit: PairScore['amountFit'] } {
  const a = fitAmount(sale, p, settings);
  return { fit: a.fit, field: amountNote(sale, p, a) };
}

/**
 * A pair's score and what it rests on, without the words: matching weighs every payment near a sale
 * and explains only the pairs it keeps (pairEvidence). Each field's score is null when either side
 * lacks the field, so it neither helps nor hurts.
 */
export interface PairFit {
  score: number;
  closeness: number;
  amountFit: PairScore['amountFit'];
  referenceFit: PairScore['referenceFit'];
  amount: AmountFit;
  time: number;
  reference: number | null;
  /** The payment reference the reference score comes from, and its similarity to the invoice id. */
  paidRef: string | null;
  similarity: number;
  method: number | null;
  /** Whether the sale's method can be paid through the payment's provider at all. */
  methodPossible: boolean;
  customer: number | null;
  customerBy: 'phone' | 'name' | null;
}

/** The provider a wallet or cash tender names; undefined for a card network (any card acquirer). */
const wantedProvider = (sale: Rec) =>
  sale.network ? TENDER_PROVIDER[sale.network.toUpperCase()] : undefined;

/** Scores one sale tender against one payment; `offsetMs` is the provider's estimated clock offset. */
export function pairFit(sale: Rec, p: Rec, settings: ReconcileSettings, offsetMs: number): PairFit {
  const amount = fitAmount(sale, p, settings);
  const gap = p.atMs - sale.atMs - offsetMs;
  const time = Math.max(0, 1 - Math.max(0, Math.abs(gap) - 60_000) / (settings.timeWindowMinutes * 60_000));
  const invoice = sale.refs[0] ?? null;
  let reference: number | null = null;
  let referenceFit: PairScore['referenceFit'] = 'absent';
  let paidRef: string | null = null;
  let similarity = 0;
  if (invoice) {
    for (const ref of p.refs) {
      if (ref === invoice) {
        reference = 1;
        referenceFit = 'exact';
        paidRef = ref;
        break;
      }
      const sim = refSimilarity(invoice, ref);
      // Below one half the payment's reference is about something else (an mPOS id, a terminal's own):
      // it is no evidence either way.
      if (sim >= 0.5 && (reference === null || 0.55 + 0.45 * sim > reference)) {
        reference = sim >= 0.75 ? 0.55 + 0.45 * sim : 0.3;
        paidRef = ref;
        similarity = sim;
        if (sim >= 0.75) referenceFit = 'similar';
      }
    }
  }
  const want = wantedProvider(sale);
  const methodPossible = want === undefined || want === p.provider;
  let method = sale.network ? (methodPossible ? (want === undefined ? 0.8 : 1) : 0) : null;
  if (sale.network?.toUpperCase() === 'CASH' && p.method?.toUpperCase() !== 'CASH') method = 0;
  if (sale.network?.toUpperCase() === 'VIPPS' && p.method?.toUpperCase() === 'CASH') method = 0;
  const [customer, customerBy] = customerFit(sale, p);
  // In the fields' order (amount, time, reference, method, customer), as the evidence lists them.
  let sum = 0;
  let weight = 0;
  const add = (w: number, x: number | null) => {
    if (x === null) return;
    sum += w * x;
    weight += w;
  };
  add(WEIGHTS.amount, amount.score);
  add(WEIGHTS.time, time);
  add(WEIGHTS.reference, reference);
  add(WEIGHTS.method, method);
  add(WEIGHTS.customer, customer);
  const hardNo = amount.fit === 'differs' || amount.fit === 'no-rate' || method === 0 || time === 0;
  return {
    score: hardNo || weight === 0 ? 0 : Math.round((sum / weight) * 1000) / 1000,
    closeness: Math.abs(gap),
    amountFit: amount.fit,
    referenceFit,
    amount,
    time,
    reference,
    paidRef,
    similarity,
    method,
    methodPossible,
    customer,
    customerBy,
  };
}

/** A pair's score with every field's part in plain words, as stored with a link for the UI. */
export function pairEvidence(sale: Rec, p: Rec, offsetMs: number, f: PairFit): PairScore {
  const invoice = sale.refs[0] ?? null;
  const fields: Record<FieldName, FieldScore> = {
    amount: amountNote(sale, p, f.amount),
    time: {
      score: f.time,
      note: formatGap(p.atMs - sale.atMs),
      detail: {
        seconds: Math.round((p.atMs - sale.atMs) / 1000),
        clockOffsetSeconds: Math.round(offsetMs / 1000),
      },
    },
    reference:
      f.reference === null
        ? { score: null, note: 'no reference on the payment', detail: { sale: invoice } }
        : f.referenceFit === 'exact'
          ? { score: 1, note: 'same reference', detail: { sale: invoice, paid: f.paidRef } }
          : {
              score: f.reference,
              note:
                f.similarity >= 0.75 ? 'nearly the same reference (mistyped)' : 'a faintly similar reference',
              detail: { sale: invoice, paid: f.paidRef, similarity: Math.round(f.similarity * 100) / 100 },
            },
    method: !sale.network
      ? { score: null, note: 'the sale names no method', detail: {} }
      : f.methodPossible
        ? {
            score: f.method,
            note:
              wantedProvider(sale) === undefined
                ? 'card, through a card provider'
                : `${sale.network} through ${p.provider}`,
            detail: { sale: sale.network, paid: p.method ?? p.provider },
          }
        : {
            score: f.method,
            note: `${sale.network} cannot be paid through ${p.provider}`,
            detail: { sale: sale.network },
          },
    customer: {
      score: f.customer,
      note:
        f.customerBy === 'phone'
          ? f.customer === 1
            ? 'same phone'
            : 'different phones'
          : f.customerBy === 'name'
            ? f.customer === 1
              ? 'same name'
              : 'different names'
            : 'no customer on one side',
      detail: {},
    },
  };
  return {
    score: f.score,
    fields,
    closeness: f.closeness,
    amountFit: f.amountFit,
    referenceFit: f.referenceFit,
  };
}

/** Scores one sale tender against one payment, with its evidence; `offsetMs` is the provider's clock offset. */
export function scorePair(sale: Rec, p: Rec, settings: ReconcileSettings, offsetMs: number): PairScore {
  return pairEvidence(sale, p, offsetMs, pairFit(sale, p, settings, offsetMs));
}

function digits(s: string | null): string {
  return (s ?? '').replace(/\D/g, '').slice(-8);
}

/** Same phone (last 8 digits), else same name, when both sides have one. */
function customerFit(sale: Rec, p: Rec): [number | null, PairFit['customerBy']] {
  // Most records carry no customer: they cost no string work.
  if (sale.customerPhone && p.customerPhone) {
    const [a, b] = [digits(sale.customerPhone), digits(p.customerPhone)];
    if (a && b) return [a === b ? 1 : 0, 'phone'];
  }
  if (sale.customerName && p.customerName) {
    const [a, b] = [sale.customerName.trim().toLowerCase(), p.customerName.trim().toLowerCase()];
    if (a && b) return [a === b ? 1 : 0, 'name'];
  }
  return [null, null];
}
