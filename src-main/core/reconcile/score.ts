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
function tipMax(sale: Rec, settings: ReconcileSettings): number {
  return Math.max(
    (Math.abs(sale.amount) * settings.tipMaxPercent) / 100,
    settings.tipMaxAmount * 10 ** currencyExponent(sale.currency),
  );
}

/**
 * Whether the amounts could fit at all, without building any evidence: matching asks this of every
 * payment near a sale, and most differ. Same answer as amountField's "differs" for one currency; a
 * foreign payment always goes on to the full check (it needs the rate).
 */
export function amountMayFit(sale: Rec, p: Rec, settings: ReconcileSettings): boolean {
  if (p.currency !== sale.currency) return true;
  const diff = chargedAmount(p) - sale.amount;
  return (
    diff === 0 || (p.tipMinor > 0 && diff === p.tipMinor) || (diff > 0 && diff <= tipMax(sale, settings))
  );
}

export function amountField(
  sale: Rec,
  p: Rec,
  settings: ReconcileSettings,
): { field: FieldScore; fit: PairScore['amountFit'] } {
  const conv = converted(p, sale.currency, settings);
  if (!conv) {
    return {
      fit: 'no-rate',
      field: {
        score: null,
        note: `no ${p.currency} rate in Settings for ${p.date}`,
        detail: { sale: sale.amount, paid: chargedAmount(p), paidCurrency: p.currency },
      },
    };
  }
  const diff = conv.minor - sale.amount;
  const tolerance =
    p.currency === sale.currency ? 0 : Math.ceil((Math.abs(sale.amount) * settings.fxTolerancePercent) / 100);
  const detail = {
    sale: sale.amount,
    paid: chargedAmount(p),
    paidCurrency: p.currency,
    converted: conv.minor,
    rate: conv.rate,
    difference: diff,
  };
  if (Math.abs(diff) <= tolerance) return { fit: 'equal', field: { score: 1, note: 'equal', detail } };
  if (p.tipMinor > 0 && Math.abs(diff - p.tipMinor) <= tolerance)
    return { fit: 'tip', field: { score: 1, note: 'equal plus the tip on the receipt', detail } };
  if (diff > 0 && diff <= tipMax(sale, settings) + tolerance)
    return {
      fit: 'tip',
      field: { score: 0.75, note: 'more than the sale by what looks like a tip', detail },
    };
  return { fit: 'differs', field: { score: 0, note: 'different amounts', detail } };
}

/** Scores one sale tender against one payment; `offsetMs` is the provider's estimated clock offset. */
export function scorePair(sale: Rec, p: Rec, settings: ReconcileSettings, offsetMs: number): PairScore {
  const { field: amount, fit } = amountField(sale, p, settings);
  const gap = p.atMs - sale.atMs - offsetMs;
  const windowMs = settings.timeWindowMinutes * 60_000;
  const time: FieldScore = {
    score: Math.max(0, 1 - Math.max(0, Math.abs(gap) - 60_000) / windowMs),
    note: formatGap(p.atMs - sale.atMs),
    detail: {
      seconds: Math.round((p.atMs - sale.atMs) / 1000),
      clockOffsetSeconds: Math.round(offsetMs / 1000),
    },
  };
  const invoice = sale.refs[0] ?? null;
  let reference: FieldScore = { score: null, note: 'no reference on the payment', detail: { sale: invoice } };
  let referenceFit: PairScore['referenceFit'] = 'absent';
  if (invoice) {
    for (const ref of p.refs) {
      if (ref === invoice) {
        reference = { score: 1, note: 'same reference', detail: { sale: invoice, paid: ref } };
        referenceFit = 'exact';
        break;
      }
      const sim = refSimilarity(invoice, ref);
      // Below one half the payment's reference is about something else (an mPOS id, a terminal's own):
      // it is no evidence either way.
      if (sim >= 0.5 && (reference.score === null || 0.55 + 0.45 * sim > reference.score)) {
        reference = {
          score: sim >= 0.75 ? 0.55 + 0.45 * sim : 0.3,
          note: sim >= 0.75 ? 'nearly the same reference (mistyped)' : 'a faintly similar reference',
          detail: { sale: invoice, paid: ref, similarity: Math.round(sim * 100) / 100 },
        };
        if (sim >= 0.75) referenceFit = 'similar';
      }
    }
  }
  const want = sale.network ? TENDER_PROVIDER[sale.network.toUpperCase()] : undefined;
  const method: FieldScore = sale.network
    ? want === undefined || want === p.provider
      ? {
          score: want === undefined ? 0.8 : 1,
          note:
            want === undefined ? 'card, through a card provider' : `${sale.network} through ${p.provider}`,
          detail: { sale: sale.network, paid: p.method ?? p.provider },
        }
      : {
          score: 0,
          note: `${sale.network} cannot be paid through ${p.provider}`,
          detail: { sale: sale.network },
        }
    : { score: null, note: 'the sale names no method', detail: {} };
  if (sale.network?.toUpperCase() === 'CASH' && p.method?.toUpperCase() !== 'CASH') method.score = 0;
  if (sale.network?.toUpperCase() === 'VIPPS' && p.method?.toUpperCase() === 'CASH') method.score = 0;
  const customer = customerField(sale, p);
  const fields = { amount, time, reference, method, customer };
  let sum = 0;
  let weight = 0;
  for (const [name, f] of Object.entries(fields) as [FieldName, FieldScore][]) {
    if (f.score === null) continue;
    sum += WEIGHTS[name] * f.score;
    weight += WEIGHTS[name];
  }
  const hardNo = fit === 'differs' || fit === 'no-rate' || method.score === 0 || time.score === 0;
  return {
    score: hardNo || weight === 0 ? 0 : Math.round((sum / weight) * 1000) / 1000,
    fields,
    closeness: Math.abs(gap),
    amountFit: fit,
    referenceFit,
  };
}

function digits(s: string | null): string {
  return (s ?? '').replace(/\D/g, '').slice(-8);
}

function customerField(sale: Rec, p: Rec): FieldScore {
  const phones = [digits(sale.customerPhone), digits(p.customerPhone)];
  const names = [sale.customerName?.trim().toLowerCase() ?? '', p.customerName?.trim().toLowerCase() ?? ''];
  if (phones[0] && phones[1]) {
    const same = phones[0] === phones[1];
    return { score: same ? 1 : 0, note: same ? 'same phone' : 'different phones', detail: {} };
  }
  if (names[0] && names[1]) {
    const same = names[0] === names[1];
    return { score: same ? 1 : 0, note: same ? 'same name' : 'different names', detail: {} };
  }
  return { score: null, note: 'no customer on one side', detail: {} };
}
