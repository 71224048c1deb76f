import type { Database } from 'better-sqlite3';
import { all, sql } from '../store/sql.ts';
import {
  FAILED,
  groupOf,
  isPayment,
  isTender,
  keyedPayments,
  providerLinks,
  type Component,
  type Seeds,
} from './component.ts';
import type { DecisionIndex } from './decision-index.ts';
import { loadByIds, loadWhere, type Rec } from './load-day.ts';
import { stableOrder, type BuiltGroup } from './match-day.ts';
import type { ReconcileSettings } from './reconcile-settings.ts';
import { Area, GrowTooFar, matchComponent, storedOffsets, type StretchCache } from './rematch-area.ts';
import { amountMayFit, pairEvidence, pairFit } from './score.ts';
import { duplicatePhase, rank, type Claim, type Link, type StoredPair } from './greedy-order.ts';

/*
 * A decision's re-match that grows from the decision only while the outcome changes (see rematch.ts).
 *
 * matchDay's scored stage is a greedy pass over candidate pairs in one strict order (day, then score,
 * closeness and the pair's stable order). For a strict order the greedy's matching is the only one in
 * which every candidate pair left out has an end matched by a pair ranked before it. So once the sales
 * re-matched (C) are matched again with everything else held as stored, the whole is what a full run
 * gives if no candidate pair across C's boundary breaks that rule, no stored link's runner-up or status
 * (which depend on its rivals' ends) comes out differently, and nothing attached to a payment (attempts,
 * duplicates) would move. Where one does, the sale on the other side joins C and C is matched again.
 */

const MIN = 60_000;
/** Past these, the component search (closeComponent) takes over: it follows every candidate pair. */
const MAX_ROUNDS = 12;
const MAX_SALES = 400;

export interface Grown {
  component: Component;
  built: BuiltGroup[];
  days: string[];
  rounds: number;
}

/**
 * Re-matches the decision's sales and grows them while the boundary checks find a sale whose outcome
 * would change. Throws GrowTooFar past its bounds, TooWide where a day has no stored offsets.
 */
export function growComponent(
  db: Database,
  seeds: Seeds,
  settings: ReconcileSettings,
  decisions: DecisionIndex,
  cache?: StretchCache,
): Grown {
  const reach = settings.timeWindowMinutes * MIN + 10 * MIN;
  const area = new Area(db, cache);
  const seedRecs = loadByIds(db, seeds.recordIds);
  area.add(seedRecs);
  const groups = new Set(seeds.saleKeys.map((k) => `sale:${k}`));
  for (const r of seedRecs) if (r.heldKey) groups.add(r.heldKey);
  const loaded = new Set<string>();
  const own: Rec[] = [];
  const offsetsOf = storedOffsets(db);
  const stored = new Map<string, { day: string; pairs: StoredPair[] }>();
  const storedOf = (key: string) => {
    let s = stored.get(key);
    if (!s) {
      const row = all<{ anchor_date: string; evidence: string | null }>(
        db,
        sql`SELECT anchor_date, evidence FROM recon_groups WHERE key = ${key}`,
      )[0];
      const pairs = row?.evidence ? (JSON.parse(row.evidence) as { pairs: StoredPair[] }).pairs : [];
      s = { day: row?.anchor_date ?? '', pairs };
      stored.set(key, s);
    }
    return s;
  };
  const windowMs = settings.timeWindowMinutes * MIN;
  const W = windowMs + 10 * MIN;
  /** A candidate pair of the scored stage on `day`, as matchDay makes one; null where it is none. */
  const candidate = (t: Rec, saleKey: string, p: Rec, day: string) => {
    if (Math.abs(p.atMs - t.atMs) > W) return null;
    if (settings.reviewScore > 0 && !amountMayFit(t, p, settings)) return null;
    const chosen = decisions.saleOf(p);
    if ((chosen !== undefined && chosen !== saleKey) || decisions.rejected(saleKey, p)) return null;
    const f = pairFit(t, p, settings, offsetsOf(day).get(p.provider) ?? 0);
    return f.score >= settings.reviewScore ? { day, t, p, score: f.score, closeness: f.closeness } : null;
  };
  const linkOf = (key: string, day: string, t: Rec, p: Rec, auto: boolean, runnerUp: Link['runnerUp']) => {
    const f = pairFit(t, p, settings, offsetsOf(day).get(p.provider) ?? 0);
    return { t, p, day, score: f.score, closeness: f.closeness, auto, runnerUp, key };
  };
  /** What the store says of a record: its holder's pair with it, or the role it has there. */
  const storedClaims = new Map<number, Claim | null>();
  const storedClaim = (r: Rec): Claim | null => {
    if (!r.heldKey) return null;
    const known = storedClaims.get(r.id);
    if (known !== undefined) return known;
    const s = storedOf(r.heldKey);
    let c: Claim | null = null;
    const pair = s.pairs.find((x) => x.tender === r.id || x.payment === r.id);
    if (pair) {
      if (pair.how !== 'score') c = { key: r.heldKey, day: s.day, phase: 0, link: null, pair: true };
      else {
        const [t, p] = [area.rec(pair.tender), area.rec(pair.payment)];
        if (!t || !p) throw new GrowTooFar();
        const l = linkOf(r.heldKey, s.day, t, p, pair.status === 'auto', pair.runnerUp);
        c = { key: r.heldKey, day: s.day, phase: 1, link: l, pair: true };
      }
    } else if (r.heldRole === 'duplicate')
      c = { key: r.heldKey, day: s.day, phase: duplicatePhase(r, r.heldKey), link: null, pair: false };
    storedClaims.set(r.id, c);
    return c;
  };

  let built: BuiltGroup[] = [];
  let days: string[];
  let records: Rec[] = [];
  for (let round = 1; round <= MAX_ROUNDS; round++) {
    if (groups.size > MAX_SALES) throw new GrowTooFar();
    // The rows of the sales new to C, and the payments carrying their invoice ids.
    const fresh = [...groups].filter((k) => !loaded.has(k));
    for (const k of fresh) loaded.add(k);
    // What C's groups held (a person's link may reach a payment far away): it may change hands.
    const heldRows = loadWhere(
      db,
      sql`t.id IN (SELECT m.transaction_id FROM recon_groups g JOIN recon_members m ON m.group_id = g.id
            WHERE g.key IN (SELECT value FROM json_each(${JSON.stringify(fresh)})))`,
    );
    const rows = heldRows.filter((r) => r.provider === 'sentrypos');
    const keyed = keyedPayments(db, fresh);
    area.add([...rows, ...keyed, ...heldRows]);
    own.push(...rows, ...keyed);
    for (const r of [...rows, ...keyed, ...seedRecs])
      area.cover(r.atMs - reach - 15 * MIN, r.atMs + reach + 15 * MIN);

    // Match C as the day's run does, everything else held as stored.
    records = [...area.byId.values()];
    area.add(providerLinks(db, records, groups));
    records = [...area.byId.values()];
    const tenders = records.filter((t) => isTender(t) && groups.has(groupOf(t)));
    ({ built, days } = matchComponent(db, { groups, records, tenders }, settings, decisions, offsetsOf));

    const grow = check();
    if (!grow.size) return { component: { groups, records, tenders }, built, days, rounds: round };
    for (const k of grow) groups.add(k);
  }
  throw new GrowTooFar();

  /** The sales outside C whose outcome the new matching of C would change. */
  function check(): Set<string> {
    const grow = new Set<string>();
    const inside = (r: Rec) => r.heldKey === null || groups.has(r.heldKey);
    // Where C's records now stand.
    const now = new Map<number, Claim>();
    const anchorOf = new Map<number, BuiltGroup>();
    for (const g of built) {
      for (const m of g.members) {
        if (m.role === 'sale') anchorOf.set(m.rec.id, g);
        if (m.role === 'duplicate')
          now.set(m.rec.id, {
            key: g.key,
            day: g.anchorDate,
            phase: duplicatePhase(m.rec, g.key),
            link: null,
            pair: false,
          });
      }
      for (const p of g.pairs) {
        const link =
          p.how === 'score'
            ? linkOf(
                g.key,
                g.anchorDate,
                p.tender,
                p.payment,
                p.status === 'auto',
                p.runnerUp && {
                  tender: p.runnerUp.tenderId,
                  payment: p.runnerUp.paymentId,
                  score: p.runnerUp.score,
                },
              )
            : null;
        const c: Claim = { key: g.key, day: g.anchorDate, phase: link ? 1 : 0, link, pair: true };
        now.set(p.tender.id, c);
        now.set(p.payment.id, c);
      }
    }
    const claimNow = (r: Rec) => (inside(r) ? (now.get(r.id) ?? null) : storedClaim(r));
    /** A tender's day and sale in the new matching; null where it has none (not built). */
    const saleNow = (t: Rec) => {
      if (!inside(t)) return t.heldBy && t.heldKey ? { day: t.heldBy, sale: t.heldKey.slice(5) } : null;
      const g = anchorOf.get(t.id);
      return g ? { day: g.anchorDate, sale: g.saleKey } : null;
    };
    const open = (c: Claim | null, day: string) => !c || c.day > day || (c.day === day && c.phase > 0);
    const beforeClaim = (x: Omit<Link, 'auto' | 'runnerUp' | 'key'>, c: Claim | null) =>
      !c || c.day > x.day || (c.day === x.day && (c.phase === 2 || (c.phase === 1 && rank(x, c.link!) < 0)));
    const sureBefore = (c: Claim | null, l: Link) => c?.phase === 1 && c.link!.auto && rank(c.link!, l) < 0;
    const better = (a: { score: number; t: Rec; p: Rec }, b: { score: number; t: Rec; p: Rec } | null) =>
      !b ||
      a.score > b.score ||
      (a.score === b.score && (stableOrder(a.t, b.t) || stableOrder(a.p, b.p)) < 0);
    /**
     * The strongest rival of a link, as matchDay's scan finds it: another candidate of its tender or
     * its payment whose other end no sure link ranked before it took. `only` narrows the candidates.
     */
    const rivalOf = (l: Link, only: (r: Rec) => boolean) => {
      let best: { score: number; t: Rec; p: Rec } | null = null;
      // The pair first (pure tests), then whether its other end is open: a rival that cannot beat the
      // best so far needs no claim, and a claim held outside reads and parses its group's evidence.
      for (const x of area.near(l.t.atMs, W, isPayment)) {
        if (x.id === l.p.id || (settings.reviewScore > 0 && !amountMayFit(l.t, x, settings)) || !only(x))
          continue;
        const cand = candidate(l.t, l.key.slice(5), x, l.day);
        if (!cand || !better(cand, best)) continue;
        const c = claimNow(x);
        if (open(c, l.day) && !sureBefore(c, l)) best = cand;
      }
      for (const y of area.near(l.p.atMs, W, isTender)) {
        if (y.id === l.t.id || (settings.reviewScore > 0 && !amountMayFit(y, l.p, settings)) || !only(y))
          continue;
        const s = saleNow(y);
        if (!s || s.day !== l.day) continue;
        const cand = candidate(y, s.sale, l.p, l.day);
        if (!cand || !better(cand, best)) continue;
        const c = claimNow(y);
        if (c?.phase !== 0 && !sureBefore(c, l)) best = cand;
      }
      return best;
    };
    // C's links in the greedy's order: each one's runner-up and status among all its rivals, held
    // outside or not (matchDay saw only the free ones), with the sureness of the links before it.
    const mine = built
      .flatMap((g) =>
        g.pairs.filter((p) => p.how === 'score').map((p) => ({ p, l: now.get(p.tender.id)!.link! })),
      )
      .sort((a, b) => rank(a.l, b.l));
    for (const { p, l } of mine) {
      const r = rivalOf(l, () => true);
      l.auto = l.score >= settings.autoAcceptScore && l.score - (r?.score ?? 0) >= settings.minMargin;
      l.runnerUp = r && { tender: r.t.id, payment: r.p.id, score: r.score };
      p.status = l.auto ? 'auto' : 'suggested';
      const off = (x: Rec) => offsetsOf(l.day).get(x.provider) ?? 0;
      p.runnerUp = r && {
        paymentId: r.p.id,
        tenderId: r.t.id,
        score: r.score,
        evidence: pairEvidence(r.t, r.p, off(r.p), pairFit(r.t, r.p, settings, off(r.p))),
      };
    }
    const holder = (r: Rec) => {
      if (r.heldKey !== null && !groups.has(r.heldKey)) grow.add(r.heldKey);
    };

    // Records whose place changed: C's tenders, what C held or holds, what the decision named.
    const changed = new Map<number, Rec>();
    const sig = (c: Claim | null) =>
      c
        ? `${c.key}|${c.phase}|${c.pair}|${c.link ? `${c.link.t.id}>${c.link.p.id}|${c.link.auto}|${JSON.stringify(c.link.runnerUp)}` : ''}`
        : '';
    for (const r of records) {
      if (!inside(r) || (r.heldKey === null && !now.has(r.id))) continue;
      if (isTender(r) || sig(storedClaim(r)) !== sig(now.get(r.id) ?? null)) changed.set(r.id, r);
    }
    for (const r of seedRecs) changed.set(r.id, r);

    // C's scored stage against the outside: a pair ranked before both ends' own links breaks the pass
    // (a: C's tenders and payments held outside; b: payments that changed hands and tenders outside).
    for (const g of built) {
      for (const t of g.tenders) {
        const mine = now.get(t.id) ?? null;
        if (mine?.phase === 0) continue;
        for (const p of area.near(t.atMs, W, isPayment)) {
          if (inside(p)) continue;
          // The candidate first: most payments near a sale are for other amounts.
          const c = candidate(t, g.saleKey, p, g.anchorDate);
          if (!c || !open(storedClaim(p), g.anchorDate)) continue;
          if (beforeClaim(c, mine) && beforeClaim(c, storedClaim(p))) holder(p);
        }
      }
    }
    for (const x of changed.values()) {
      if (!isPayment(x)) continue;
      const mine = claimNow(x);
      for (const t of area.near(x.atMs, W, isTender)) {
        if (inside(t) || !t.heldBy || !t.heldKey || !open(mine, t.heldBy)) continue;
        const c = candidate(t, t.heldKey.slice(5), x, t.heldBy);
        const theirs = c && storedClaim(t);
        if (c && theirs?.phase !== 0 && beforeClaim(c, theirs ?? null) && beforeClaim(c, mine)) holder(t);
      }
    }
    // Links outside with a rival candidate at a changed record: their runner-up and status again, where
    // that candidate could be it (scores at least the stored runner-up) or the stored runner-up is at it.
    const seen = new Set<string>();
    for (const x of changed.values()) {
      const pay = isPayment(x);
      if (!pay && !isTender(x)) continue;
      for (const y of area.near(x.atMs, W, pay ? isTender : isPayment)) {
        if (inside(y)) continue;
        const [t, p] = pay ? [y, x] : [x, y];
        if (settings.reviewScore > 0 && !amountMayFit(t, p, settings)) continue;
        const l = storedClaim(y)?.link;
        if (!l || seen.has(`${l.t.id}>${l.p.id}`)) continue;
        const was = l.runnerUp;
        if (was?.tender !== x.id && was?.payment !== x.id) {
          const s = pay ? saleNow(t) : saleNow(x);
          const c = s && s.day === l.day ? candidate(t, pay ? t.heldKey!.slice(5) : s.sale, p, l.day) : null;
          if (!c || (was && c.score < was.score)) continue;
        }
        seen.add(`${l.t.id}>${l.p.id}`);
        const r = rivalOf(l, () => true);
        const auto = l.score >= settings.autoAcceptScore && l.score - (r?.score ?? 0) >= settings.minMargin;
        const same = r
          ? was?.tender === r.t.id && was.payment === r.p.id && was.score === r.score
          : was === null;
        if (!same || auto !== l.auto) grow.add(l.key);
      }
    }

    // What attaches to a payment moves with it: a failed attempt just before one of its amount (or
    // reference), a duplicate charge minutes from one of its amount; where a payment came to be linked,
    // changed sale or was let go, their holders join; and a payment changing hands may carry another
    // sale's invoice id (as closeComponent follows them).
    const place = (c: Claim | null) => (c ? `${c.key}|${c.pair}` : '');
    let saleOfInvoice: Map<string, string> | null = null;
    for (const x of changed.values()) {
      if (!isPayment(x) || place(storedClaim(x)) === place(claimNow(x))) continue;
      for (const a of area.near(x.atMs, 15 * MIN)) {
        if (a.provider !== x.provider || inside(a)) continue;
        const attempt =
          FAILED.has(a.status) &&
          a.atMs <= x.atMs &&
          (a.amount === x.amount || a.refs.some((ref) => x.refs.includes(ref)));
        const duplicate =
          a.heldRole === 'duplicate' && a.amount === x.amount && Math.abs(a.atMs - x.atMs) <= 5 * MIN;
        if (attempt || duplicate) holder(a);
      }
      if (!saleOfInvoice) {
        saleOfInvoice = new Map();
        for (const t of records) if (isTender(t) && t.refs[0]) saleOfInvoice.set(t.refs[0], groupOf(t));
      }
      for (const ref of x.provider === 'tgi' ? [...x.refs, x.externalId] : x.refs) {
        const k = saleOfInvoice.get(ref);
        if (k && !groups.has(k)) grow.add(k);
      }
    }
    const kept = new Set(built.flatMap((g) => g.members.map((m) => m.rec.id)));
    for (const r of records) {
      if (!r.heldKey || !groups.has(r.heldKey) || kept.has(r.id)) continue;
      if (r.heldRole !== 'attempt' && r.heldRole !== 'duplicate') continue;
      for (const p of area.near(r.atMs, 15 * MIN))
        if (p.provider === r.provider && p.heldRole === 'payment' && !inside(p)) holder(p);
    }
    for (const p of own) if (isPayment(p) && storedClaim(p)?.phase !== 0) holder(p);
    return grow;
  }
}
