import type { DecisionIndex } from './decision-index.ts';
import { PAYMENT_PROVIDERS, type Rec } from './load-day.ts';
import { dayOffsets } from './offsets.ts';
import type { ReconcileSettings } from './reconcile-settings.ts';
import { amountField, amountMayFit, scorePair, type PairScore } from './score.ts';

export type Role =
  'sale' | 'payment' | 'view' | 'attempt' | 'refund' | 'fee' | 'duplicate' | 'pre-transaction';

/** One tender ↔ payment link with its evidence, and the best alternative it beat. */
export interface Pair {
  tender: Rec;
  payment: Rec;
  how: 'key' | 'score' | 'person';
  /** auto: linked without asking; suggested: waiting for a person; accepted: a person said yes. */
  status: 'auto' | 'suggested' | 'accepted';
  evidence: PairScore;
  runnerUp: { paymentId: number; tenderId: number; score: number; evidence: PairScore } | null;
}

export interface BuiltGroup {
  key: string;
  saleKey: string;
  anchorDate: string;
  currency: string;
  tenders: Rec[];
  pairs: Pair[];
  members: { rec: Rec; role: Role }[];
}

export interface DayInput {
  date: string;
  /** Records of the day before, the day and the day after. */
  window: readonly Rec[];
  settings: ReconcileSettings;
  /** Days this run rebuilds: a record held by a group anchored elsewhere is not up for grabs. */
  runDays: ReadonlySet<string>;
  /** Records already placed by this run (by an earlier day). */
  claimed: Set<number>;
  decisions: DecisionIndex;
  /** Records a decision points at that lie outside the window. */
  lookup: (key: string) => Rec | undefined;
  /**
   * Only these sales (group keys) are built, and only records no other group holds are up for grabs:
   * a decision re-matches the sales it can change, not the whole day (see rematch.ts).
   */
  only?: ReadonlySet<string>;
  /** The providers' clock offsets of the day, as the day's own run stored them (required with `only`). */
  offsets?: ReadonlyMap<string, number>;
  /** Told the day's clock offsets, which the run stores for later decisions. */
  onOffsets?: (offsets: ReadonlyMap<string, number>) => void;
}

/** The stable key of a record: provider, connection, external id. Decisions and groups use it. */
export function recordKey(r: Pick<Rec, 'provider' | 'connectionId' | 'externalId'>): string {
  return `${r.provider}:${r.connectionId}:${r.externalId}`;
}

/** A POS sale is a SentryPOS invoice: its rows are its tenders (a split) and failed attempts. */
export function saleKeyOf(r: Rec): string {
  return `${r.connectionId}:${r.refs[0] ?? r.externalId}`;
}

const FAILED = new Set(['failed', 'cancelled']);
const invoiceOf = (g: BuiltGroup) => g.tenders[0]?.refs[0] ?? g.members[0]?.rec.refs[0];
const isPre = (r: Rec) => r.provider === 'cents' && r.providerStatus === 'pre_transaction';
const text = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
/**
 * The order records are considered in, and every tie broken by: time, then the stable key. Never the
 * row id, which only says in what order a sync happened to write the records.
 */
export const stableOrder = (a: Rec, b: Rec) =>
  a.atMs - b.atMs ||
  text(a.provider, b.provider) ||
  text(a.connectionId, b.connectionId) ||
  text(a.externalId, b.externalId);

/**
 * Links the POS sales anchored on one business day to their payments, in stages: people's decisions,
 * then exact references, then scored candidates (ties go to review), then failed attempts, duplicate
 * charges, Cents pre-transactions and the Vipps Report views and fees of each linked payment.
 * Deterministic: inputs are sorted by id and every choice breaks ties on ids.
 */
export function matchDay(input: DayInput): BuiltGroup[] {
  const { date, settings, runDays, claimed, decisions } = input;
  const window = [...input.window].sort(stableOrder);
  const rank = new Map(window.map((r, i) => [r.id, i]));
  const byRank = (a: Rec, b: Rec) => (rank.get(a.id) ?? 0) - (rank.get(b.id) ?? 0);
  const { only } = input;
  const free = (r: Rec) =>
    !claimed.has(r.id) &&
    (only ? r.heldKey === null || only.has(r.heldKey) : r.heldBy === null || runDays.has(r.heldBy));
  // A record a person tied to one sale is never offered to another.
  const reserved = (g: BuiltGroup, r: Rec) => {
    const sale = decisions.saleOf(recordKey(r));
    return sale !== undefined && sale !== g.saleKey;
  };

  // Invoices anchored on this day: the earliest day of their completed tenders (else of any row).
  const rowsByInvoice = new Map<string, Rec[]>();
  for (const r of window) {
    if (r.provider !== 'sentrypos' || r.kind !== 'sale') continue;
    const k = saleKeyOf(r);
    const list = rowsByInvoice.get(k) ?? [];
    list.push(r);
    rowsByInvoice.set(k, list);
  }
  const groups: BuiltGroup[] = [];
  for (const [saleKey, rows] of [...rowsByInvoice].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    rows.sort(byRank);
    const tenders = rows.filter((r) => !FAILED.has(r.status));
    const anchor = (tenders.length ? tenders : rows).reduce((d, r) => (r.date < d ? r.date : d), '9999');
    if (anchor !== date || (only && !only.has(`sale:${saleKey}`)) || rows.some((r) => !free(r))) continue;
    groups.push({
      key: `sale:${saleKey}`,
      saleKey,
      anchorDate: date,
      currency: rows[0]?.currency ?? '',
      tenders,
      pairs: [],
      members: rows.map((r) => ({ rec: r, role: FAILED.has(r.status) ? 'attempt' : 'sale' })),
    });
  }
  for (const g of groups) for (const m of g.members) claimed.add(m.rec.id);

  const payments = window.filter(
    (r) =>
      (PAYMENT_PROVIDERS as readonly string[]).includes(r.provider) &&
      r.kind === 'capture' &&
      r.twinId === null &&
      !FAILED.has(r.status) &&
      !isPre(r),
  );
  const byRef = new Map<string, Rec[]>();
  for (const p of payments) {
    // TGI documents no POS reference, but a shop that posts its own transactions may put one in `tid`.
    for (const ref of p.provider === 'tgi' ? [...p.refs, p.externalId] : p.refs) {
      const list = byRef.get(ref) ?? [];
      list.push(p);
      byRef.set(ref, list);
    }
  }
  const offsets =
    input.offsets ??
    dayOffsets(
      groups.map((g) => ({ invoice: invoiceOf(g), tenders: g.tenders })),
      payments,
      byRef,
      settings,
    );
  input.onOffsets?.(offsets);
  const paid = new Map<number, Pair>(); // by tender id
  const link = (g: BuiltGroup, pair: Pair) => {
    g.pairs.push(pair);
    g.members.push({ rec: pair.payment, role: 'payment' });
    claimed.add(pair.payment.id);
    paid.set(pair.tender.id, pair);
  };
  const bestTender = (g: BuiltGroup, p: Rec) => {
    const open = g.tenders.filter((t) => !paid.has(t.id));
    const pool = open.length ? open : g.tenders;
    let best: { t: Rec; s: PairScore } | null = null;
    for (const t of pool) {
      const s = scorePair(t, p, settings, 0);
      // Within one sale, the tender the payment can have paid: its amount first, then its method (of
      // two equal halves paid by Vipps and by card, the Vipps payment pays the Vipps half).
      const rank = (x: PairScore) =>
        (x.amountFit === 'equal' ? 4 : x.amountFit === 'tip' ? 2 : 0) + (x.fields.method.score ?? 0.5);
      if (!best || rank(s) > rank(best.s)) best = { t, s };
    }
    return best;
  };

  // 1. People's decisions: accepted and manual links are applied as they were made. A refund a person
  // accepted is placed by the refund pass, as a refund: here only payments pair with tenders.
  for (const g of groups) {
    for (const rk of decisions.linked(g.saleKey)) {
      const p = payments.find((x) => recordKey(x) === rk) ?? input.lookup(rk);
      if (!p || p.kind !== 'capture' || claimed.has(p.id)) continue;
      const best = bestTender(g, p);
      if (best)
        link(g, {
          tender: best.t,
          payment: p,
          how: 'person',
          status: 'accepted',
          evidence: best.s,
          runnerUp: null,
        });
    }
  }

  // 2. Exact keys: the payment carries the invoice id the POS printed.
  for (const g of groups) {
    const invoice = invoiceOf(g);
    if (!invoice) continue;
    for (const p of byRef.get(invoice) ?? []) {
      if (!free(p) || reserved(g, p) || decisions.rejected(g.saleKey, recordKey(p))) continue;
      const best = bestTender(g, p);
      if (!best) continue;
      // A second payment for a tender that is already paid the same amount is a duplicate charge.
      const twin = g.pairs.find((x) => x.payment.provider === p.provider && x.payment.amount === p.amount);
      if (twin && paid.has(best.t.id) && g.tenders.every((t) => paid.has(t.id))) {
        g.members.push({ rec: p, role: 'duplicate' });
        claimed.add(p.id);
        continue;
      }
      link(g, { tender: best.t, payment: p, how: 'key', status: 'auto', evidence: best.s, runnerUp: null });
    }
  }

  // 3. Scored candidates for tenders still unpaid, with each provider's clock offset (offsets.ts).
  const windowMs = settings.timeWindowMinutes * 60_000;
  const open = payments.filter(free).sort(byRank);
  const openTimes = open.map((p) => p.atMs);
  type Cand = { g: BuiltGroup; t: Rec; p: Rec; s: PairScore };
  const cands: Cand[] = [];
  // With a review threshold of 0 even a pair whose amounts differ (score 0) is a candidate.
  const prefilter = settings.reviewScore > 0;
  for (const g of groups) {
    for (const t of g.tenders) {
      if (paid.has(t.id)) continue;
      for (let i = lowerBound(openTimes, t.atMs - windowMs - 600_000); i < open.length; i++) {
        const p = open[i];
        if (!p || p.atMs > t.atMs + windowMs + 600_000) break;
        // Most payments near a sale are for other amounts: they cost one subtraction, no evidence.
        if (prefilter && !amountMayFit(t, p, settings)) continue;
        if (reserved(g, p) || decisions.rejected(g.saleKey, recordKey(p))) continue;
        const s = scorePair(t, p, settings, offsets.get(p.provider) ?? 0);
        if (s.score >= settings.reviewScore) cands.push({ g, t, p, s });
      }
    }
  }
  cands.sort(
    (a, b) => b.s.score - a.s.score || a.s.closeness - b.s.closeness || byRank(a.t, b.t) || byRank(a.p, b.p),
  );
  const byTender = new Map<number, Cand[]>();
  const byPayment = new Map<number, Cand[]>();
  for (const c of cands) {
    (byTender.get(c.t.id) ?? byTender.set(c.t.id, []).get(c.t.id)!).push(c);
    (byPayment.get(c.p.id) ?? byPayment.set(c.p.id, []).get(c.p.id)!).push(c);
  }
  const taken = new Set<number>();
  // Only a sure link takes a record out of contention: a rival held by a mere suggestion may be the
  // right one, so a pair that beats nothing but suggestions is itself only a suggestion.
  const sure = new Set<number>();
  for (const c of cands) {
    if (paid.has(c.t.id) || taken.has(c.p.id) || claimed.has(c.p.id)) continue;
    const rivals = [
      ...(byTender.get(c.t.id) ?? []).filter(
        (x) => x.p.id !== c.p.id && !sure.has(x.p.id) && (taken.has(x.p.id) || !claimed.has(x.p.id)),
      ),
      ...(byPayment.get(c.p.id) ?? []).filter((x) => x.t.id !== c.t.id && !sure.has(x.t.id)),
    ].sort((a, b) => b.s.score - a.s.score || byRank(a.t, b.t) || byRank(a.p, b.p));
    const r = rivals[0];
    const margin = c.s.score - (r?.s.score ?? 0);
    const auto = c.s.score >= settings.autoAcceptScore && margin >= settings.minMargin;
    taken.add(c.p.id);
    if (auto) sure.add(c.p.id).add(c.t.id);
    link(c.g, {
      tender: c.t,
      payment: c.p,
      how: 'score',
      status: auto ? 'auto' : 'suggested',
      evidence: c.s,
      runnerUp: r ? { paymentId: r.p.id, tenderId: r.t.id, score: r.s.score, evidence: r.s } : null,
    });
  }

  attachAttempts(groups, window, free, claimed);
  attachDuplicates(groups, payments, free, claimed, decisions);
  attachProviderLinks(groups, window, free, claimed);
  return groups;
}

export function lowerBound(xs: readonly number[], x: number): number {
  let lo = 0;
  let hi = xs.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if ((xs[mid] ?? 0) < x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** A failed or cancelled payment just before a linked one of the same amount, at the same provider. */
function attachAttempts(
  groups: BuiltGroup[],
  window: readonly Rec[],
  free: (r: Rec) => boolean,
  claimed: Set<number>,
) {
  const linked = new Map<string, { g: BuiltGroup; p: Rec }[]>();
  for (const g of groups) {
    for (const pair of g.pairs) {
      const p = pair.payment;
      (linked.get(p.provider) ?? linked.set(p.provider, []).get(p.provider)!).push({ g, p });
    }
  }
  for (const a of window) {
    if (!(PAYMENT_PROVIDERS as readonly string[]).includes(a.provider) || !FAILED.has(a.status) || !free(a))
      continue;
    let best: { g: BuiltGroup; gap: number } | null = null;
    for (const { g, p } of linked.get(a.provider) ?? []) {
      const gap = p.atMs - a.atMs;
      const sameRef = a.refs.length > 0 && a.refs.some((r) => p.refs.includes(r));
      if (p.provider !== a.provider || gap < 0 || gap > 15 * 60_000) continue;
      if (p.amount !== a.amount && !sameRef) continue;
      if (!best || gap < best.gap) best = { g, gap };
    }
    if (best) {
      best.g.members.push({ rec: a, role: 'attempt' });
      claimed.add(a.id);
    }
  }
}

/** A second charge of the same amount at the same provider minutes after a linked one, with no sale of its own. */
function attachDuplicates(
  groups: BuiltGroup[],
  payments: readonly Rec[],
  free: (r: Rec) => boolean,
  claimed: Set<number>,
  decisions: DecisionIndex,
) {
  // Linked payments by provider, connection and amount, in linking order (the first fit wins).
  const linked = new Map<string, { g: BuiltGroup; p: Rec }[]>();
  for (const g of groups) {
    for (const pair of g.pairs) {
      const p = pair.payment;
      const k = `${p.provider}|${p.connectionId}|${p.amount}`;
      (linked.get(k) ?? linked.set(k, []).get(k)!).push({ g, p });
    }
  }
  for (const d of payments) {
    if (!free(d)) continue;
    for (const { g, p } of linked.get(`${d.provider}|${d.connectionId}|${d.amount}`) ?? []) {
      if (Math.abs(d.atMs - p.atMs) > 5 * 60_000 || decisions.rejected(g.saleKey, recordKey(d))) continue;
      if ((decisions.saleOf(recordKey(d)) ?? g.saleKey) !== g.saleKey) continue;
      const refsAgree = p.refs.length === 0 ? d.refs.length === 0 : d.refs.some((r) => p.refs.includes(r));
      if (!refsAgree) continue;
      g.members.push({ rec: d, role: 'duplicate' });
      claimed.add(d.id);
      break;
    }
  }
}

/** Same money seen again: Vipps Report entries and fees of a linked payment; Cents pre-transactions. */
function attachProviderLinks(
  groups: BuiltGroup[],
  window: readonly Rec[],
  free: (r: Rec) => boolean,
  claimed: Set<number>,
) {
  const byTwin = new Map<number, Rec[]>();
  const byLink = new Map<string, Rec[]>();
  for (const r of window) {
    if (r.twinId !== null) (byTwin.get(r.twinId) ?? byTwin.set(r.twinId, []).get(r.twinId)!).push(r);
    const fee = r.provider === 'vipps' && r.kind === 'fee' && r.providerStatus === 'capture-fee';
    if (r.link !== null && (fee || isPre(r))) {
      const k = `${r.provider}:${r.connectionId}:${r.link}`;
      (byLink.get(k) ?? byLink.set(k, []).get(k)!).push(r);
    }
  }
  for (const g of groups) {
    for (const m of [...g.members]) {
      if (m.role !== 'payment' && m.role !== 'duplicate') continue;
      const p = m.rec;
      for (const v of byTwin.get(p.id) ?? []) {
        if (free(v)) {
          g.members.push({ rec: v, role: 'view' });
          claimed.add(v.id);
        }
      }
      if (p.link === null) continue;
      for (const x of byLink.get(`${p.provider}:${p.connectionId}:${p.link}`) ?? []) {
        if (!free(x) || x.id === p.id) continue;
        g.members.push({ rec: x, role: isPre(x) ? 'pre-transaction' : 'fee' });
        claimed.add(x.id);
      }
    }
  }
}

/** Amount fit of a person's link, for the checks a decision makes before it is stored. */
export { amountField };
