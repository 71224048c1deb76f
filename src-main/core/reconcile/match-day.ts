import type { DecisionIndex } from './decision-index.ts';
import { attachAttempts, attachDuplicates, attachProviderLinks } from './attach.ts';
import { isPre, PAYMENT_PROVIDERS, type Rec } from './load-day.ts';
import { dayOffsets } from './offsets.ts';
import type { ReconcileSettings } from './reconcile-settings.ts';
import { bestFirst, Column, groupBy, lowerBound } from './sorted.ts';
import {
  amountField,
  amountMayFit,
  pairEvidence,
  pairFit,
  tipMax,
  type PairFit,
  type PairScore,
} from './score.ts';

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
  /** Days this run rebuilds (see heldFree: what their groups and later days' groups hold is up for grabs). */
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

/**
 * Whether a record that a stored group anchored on `heldBy` holds (null: none) is up for grabs when run
 * day `date` is matched, as it is in a full run, which matches the days in order with nothing stored:
 * a group of an earlier day outside the run keeps what it holds, as a full run's earlier days took it
 * first; a group of a run day is being built again; and a later day has taken nothing yet when this one
 * is matched, so its records are rivals and can be claimed across midnight (the run then takes that day
 * in too: engine.ts).
 */
export const heldFree = (heldBy: string | null, date: string, runDays: ReadonlySet<string>) =>
  heldBy === null || heldBy >= date || runDays.has(heldBy);

/** The stable key of a record: provider, connection, external id. Decisions and groups use it. */
export function recordKey(r: Pick<Rec, 'provider' | 'connectionId' | 'externalId'>): string {
  return `${r.provider}:${r.connectionId}:${r.externalId}`;
}

/** A POS sale is a SentryPOS invoice: its rows are its tenders (a split) and failed attempts. */
export function saleKeyOf(r: Rec): string {
  return `${r.connectionId}:${r.refs[0] ?? r.externalId}`;
}

/** A POS row or payment that took no money: a failed or cancelled attempt. */
export const FAILED: ReadonlySet<string> = new Set(['failed', 'cancelled']);
const PAYMENT_PROVIDER = new Set<string>(PAYMENT_PROVIDERS);
const invoiceOf = (g: BuiltGroup) => g.tenders[0]?.refs[0] ?? g.members[0]?.rec.refs[0];
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

/** The window's records by what each stage reads, each list in window order. */
export interface Sorted {
  /** POS rows by invoice (saleKeyOf). */
  sales: Map<string, Rec[]>;
  /** Payments a tender can pair with: captures, not failed, not a view of another record. */
  payments: Rec[];
  /** Failed or cancelled payments: attempts before a linked one. */
  failed: Rec[];
  /** Records that are another view of a record, by that record's id. */
  byTwin: Map<number, Rec[]>;
  /** Vipps capture fees and Cents pre-transactions, by the link they share with their payment. */
  byLink: Map<string, Rec[]>;
}

function sortOut(window: readonly Rec[]): Sorted {
  const out: Sorted = { sales: new Map(), payments: [], failed: [], byTwin: new Map(), byLink: new Map() };
  const push = <K>(m: Map<K, Rec[]>, k: K, r: Rec) => {
    const list = m.get(k);
    if (list) list.push(r);
    else m.set(k, [r]);
  };
  for (const r of window) {
    if (r.twinId !== null) push(out.byTwin, r.twinId, r);
    if (r.provider === 'sentrypos') {
      if (r.kind === 'sale') push(out.sales, saleKeyOf(r), r);
      continue;
    }
    if (
      r.link !== null &&
      ((r.kind === 'fee' && r.providerStatus === 'capture-fee' && r.provider === 'vipps') || isPre(r))
    )
      push(out.byLink, r.link, r);
    if (!PAYMENT_PROVIDER.has(r.provider)) continue;
    if (FAILED.has(r.status)) out.failed.push(r);
    else if (r.kind === 'capture' && r.twinId === null && !isPre(r)) out.payments.push(r);
  }
  return out;
}

/**
 * Links the POS sales anchored on one business day to their payments, in stages: people's decisions,
 * then exact references, then scored candidates (ties go to review), then failed attempts, duplicate
 * charges, Cents pre-transactions and the Vipps Report views and fees of each linked payment.
 * Deterministic: the window is put in stableOrder once, every list keeps that order, and every choice
 * breaks ties by it.
 */
export function matchDay(input: DayInput): BuiltGroup[] {
  const { date, settings, runDays, claimed, decisions, only } = input;
  const window = [...input.window].sort(stableOrder);
  const free = (r: Rec) =>
    !claimed.has(r.id) &&
    (only ? r.heldKey === null || only.has(r.heldKey) : heldFree(r.heldBy, date, runDays));
  // A record a person tied to one sale is never offered to another.
  const reserved = (g: BuiltGroup, r: Rec) => {
    const sale = decisions.saleOf(r);
    return sale !== undefined && sale !== g.saleKey;
  };
  const sorted = sortOut(window);
  const { payments } = sorted;

  // Invoices anchored on this day: the earliest day of their completed tenders (else of any row).
  const groups: BuiltGroup[] = [];
  for (const [saleKey, rows] of sorted.sales) {
    let [anchor, tenderAnchor, tendered] = ['9999', '9999', false];
    for (const r of rows) {
      if (r.date < anchor) anchor = r.date;
      if (FAILED.has(r.status)) continue;
      tendered = true;
      if (r.date < tenderAnchor) tenderAnchor = r.date;
    }
    if ((tendered ? tenderAnchor : anchor) !== date) continue;
    if ((only && !only.has(`sale:${saleKey}`)) || rows.some((r) => !free(r))) continue;
    groups.push({
      key: `sale:${saleKey}`,
      saleKey,
      anchorDate: date,
      currency: rows[0]?.currency ?? '',
      tenders: rows.filter((r) => !FAILED.has(r.status)),
      pairs: [],
      members: rows.map((r) => ({ rec: r, role: FAILED.has(r.status) ? 'attempt' : 'sale' })),
    });
  }
  groups.sort((a, b) => text(a.saleKey, b.saleKey));
  for (const g of groups) for (const m of g.members) claimed.add(m.rec.id);

  // Payments by the invoice ids they carry, for this day's sales only (the rest of the window's
  // references are never looked up).
  const byRef = new Map<string, Rec[]>();
  for (const g of groups) {
    const invoice = invoiceOf(g);
    if (invoice !== undefined) byRef.set(invoice, []);
  }
  for (const p of payments) {
    for (const ref of p.refs) byRef.get(ref)?.push(p);
    // TGI documents no POS reference, but a shop that posts its own transactions may put one in `tid`.
    if (p.provider === 'tgi') byRef.get(p.externalId)?.push(p);
  }
  const offsets =
    input.offsets ??
    dayOffsets(
      date,
      groups.map((g) => ({ invoice: invoiceOf(g), tenders: g.tenders })),
      payments,
      byRef,
      settings,
    );
  input.onOffsets?.(offsets);
  const offsetOf = (p: Rec) => offsets.get(p.provider) ?? 0;
  const paid = new Map<number, Pair>(); // by tender id
  const link = (g: BuiltGroup, pair: Pair) => {
    g.pairs.push(pair);
    g.members.push({ rec: pair.payment, role: 'payment' });
    claimed.add(pair.payment.id);
    paid.set(pair.tender.id, pair);
  };
  const bestTender = (g: BuiltGroup, p: Rec) => {
    let pool = g.tenders;
    if (pool.length > 1) {
      const open = pool.filter((t) => !paid.has(t.id));
      if (open.length) pool = open;
    }
    let best: { t: Rec; f: PairFit; rank: number } | null = null;
    for (const t of pool) {
      const f = pairFit(t, p, settings, 0);
      // Within one sale, the tender the payment can have paid: its amount first, then its method (of
      // two equal halves paid by Vipps and by card, the Vipps payment pays the Vipps half).
      const rank = (f.amountFit === 'equal' ? 4 : f.amountFit === 'tip' ? 2 : 0) + (f.method ?? 0.5);
      if (!best || rank > best.rank) best = { t, f, rank };
    }
    return best;
  };

  // 1. People's decisions: accepted and manual links are applied as they were made. A refund a person
  // accepted is placed by the refund pass, as a refund: here only payments pair with tenders.
  let paymentByKey: Map<string, Rec> | undefined;
  for (const g of groups) {
    for (const rk of decisions.linked(g.saleKey)) {
      if (!paymentByKey) {
        paymentByKey = new Map();
        for (const x of payments) if (!paymentByKey.has(recordKey(x))) paymentByKey.set(recordKey(x), x);
      }
      const p = paymentByKey.get(rk) ?? input.lookup(rk);
      if (!p || p.kind !== 'capture' || claimed.has(p.id)) continue;
      const best = bestTender(g, p);
      if (best)
        link(g, {
          tender: best.t,
          payment: p,
          how: 'person',
          status: 'accepted',
          evidence: pairEvidence(best.t, p, 0, best.f),
          runnerUp: null,
        });
    }
  }

  // 2. Exact keys: the payment carries the invoice id the POS printed.
  for (const g of groups) {
    const invoice = invoiceOf(g);
    if (!invoice) continue;
    for (const p of byRef.get(invoice) ?? []) {
      if (!free(p) || reserved(g, p) || decisions.rejected(g.saleKey, p)) continue;
      const best = bestTender(g, p);
      if (!best) continue;
      // A second payment for a tender that is already paid the same amount is a duplicate charge.
      const twin = g.pairs.find((x) => x.payment.provider === p.provider && x.payment.amount === p.amount);
      if (twin && paid.has(best.t.id) && g.tenders.every((t) => paid.has(t.id))) {
        g.members.push({ rec: p, role: 'duplicate' });
        claimed.add(p.id);
        continue;
      }
      const evidence = pairEvidence(best.t, p, 0, best.f);
      link(g, { tender: best.t, payment: p, how: 'key', status: 'auto', evidence, runnerUp: null });
    }
  }

  // 3. Scored candidates for tenders still unpaid, with each provider's clock offset (offsets.ts). Only
  // the pairs kept (links and their runners-up) are explained in words.
  const windowMs = settings.timeWindowMinutes * 60_000;
  const open = payments.filter(free);
  const openTimes = open.map((p) => p.atMs);
  // The unpaid tenders in stable order. Candidates are made tender by tender and payment by payment
  // (open is in window order), so a candidate's number is its place in the stable order of the pair.
  const tenders = groups
    .flatMap((g) => g.tenders.filter((t) => !paid.has(t.id)).map((t) => ({ t, g })))
    .sort((a, b) => stableOrder(a.t, b.t));
  // A busy day has half a million candidates: kept as numbers in parallel typed arrays, not an object
  // each (objects that live all day are promoted, and collecting them cost more than the matching).
  const ints = (n: number) => new Int32Array(n);
  const floats = (n: number) => new Float64Array(n);
  const [cT, cP, cScore, cCloseness] = [
    new Column(ints),
    new Column(ints),
    new Column(floats),
    new Column(floats),
  ];
  // With a review threshold of 0 even a pair whose amounts differ (score 0) is a candidate.
  const prefilter = settings.reviewScore > 0;
  for (const [ti, { t, g }] of tenders.entries()) {
    const tip = tipMax(t, settings);
    for (let i = lowerBound(openTimes, t.atMs - windowMs - 600_000); i < open.length; i++) {
      if (openTimes[i]! > t.atMs + windowMs + 600_000) break;
      const p = open[i]!;
      // Most payments near a sale are for other amounts: they cost one subtraction, no evidence.
      if (prefilter && !amountMayFit(t, p, settings, tip)) continue;
      if (reserved(g, p) || decisions.rejected(g.saleKey, p)) continue;
      const f = pairFit(t, p, settings, offsetOf(p));
      if (f.score < settings.reviewScore) continue;
      cT.push(ti); // index in tenders
      cP.push(i); // index in open
      cScore.push(f.score);
      cCloseness.push(f.closeness);
    }
  }
  const [candT, candP, score, closeness] = [cT.values(), cP.values(), cScore.values(), cCloseness.values()];
  // Best first; equal scores by closeness, then by time and stable key (the candidate's number).
  const before = (a: number, b: number) => score[b]! - score[a]! || a - b;
  const order = bestFirst(score, closeness);
  // Each tender's and each payment's candidates, best first: one flat list each, cut by start offsets.
  const byTender = groupBy(order, candT, tenders.length);
  const byPayment = groupBy(order, candP, open.length);
  const paidT = new Uint8Array(tenders.length);
  const takenP = new Uint8Array(open.length);
  // Only a sure link takes a record out of contention: a rival held by a mere suggestion may be the
  // right one, so a pair that beats nothing but suggestions is itself only a suggestion.
  const sureT = new Uint8Array(tenders.length);
  const sureP = new Uint8Array(open.length);
  for (const c of order) {
    const [ti, pi] = [candT[c]!, candP[c]!];
    // A payment of `open` is claimed only by a link of this stage, which also takes it.
    if (paidT[ti] || takenP[pi]) continue;
    // The strongest rival: another payment for this tender, or another tender for this payment. The
    // lists are best first by score, so a rival scoring less than the one found ends the scan.
    let r = -1;
    for (let k = byTender.start[ti]!; k < byTender.start[ti + 1]!; k++) {
      const x = byTender.list[k]!;
      if (r >= 0 && score[x]! < score[r]!) break;
      if (candP[x] === pi || sureP[candP[x]!]) continue;
      if (r < 0 || before(x, r) < 0) r = x;
    }
    for (let k = byPayment.start[pi]!; k < byPayment.start[pi + 1]!; k++) {
      const x = byPayment.list[k]!;
      if (r >= 0 && score[x]! < score[r]!) break;
      if (candT[x] === ti || sureT[candT[x]!]) continue;
      if (r < 0 || before(x, r) < 0) r = x;
    }
    const margin = score[c]! - (r >= 0 ? score[r]! : 0);
    const auto = score[c]! >= settings.autoAcceptScore && margin >= settings.minMargin;
    paidT[ti] = takenP[pi] = 1;
    if (auto) sureT[ti] = sureP[pi] = 1;
    const { t, g } = tenders[ti]!;
    const p = open[pi]!;
    // The scores are made again for the pairs kept, with what the words need (pairFit is pure).
    const rival = r >= 0 ? { t: tenders[candT[r]!]!.t, p: open[candP[r]!]! } : null;
    link(g, {
      tender: t,
      payment: p,
      how: 'score',
      status: auto ? 'auto' : 'suggested',
      evidence: pairEvidence(t, p, offsetOf(p), pairFit(t, p, settings, offsetOf(p))),
      runnerUp: rival
        ? {
            paymentId: rival.p.id,
            tenderId: rival.t.id,
            score: score[r]!,
            evidence: pairEvidence(
              rival.t,
              rival.p,
              offsetOf(rival.p),
              pairFit(rival.t, rival.p, settings, offsetOf(rival.p)),
            ),
          }
        : null,
    });
  }

  attachAttempts(groups, sorted.failed, free, claimed);
  attachDuplicates(groups, payments, free, claimed, decisions);
  attachProviderLinks(groups, sorted, free, claimed);
  return groups;
}

/** Amount fit of a person's link, for the checks a decision makes before it is stored. */
export { amountField };
