import { describe, expect, it } from 'vitest';
import {
  bestTgiOriginal,
  LOOKBACK_DAYS,
  poolsOf,
  type Candidate,
} from '../../../src-main/core/reconcile/tgi-refund-original.ts';
import {
  DEFAULT_RECONCILE_SETTINGS,
  ReconcileSettings,
} from '../../../src-main/core/reconcile/reconcile-settings.ts';
import { rec } from '../../support/reconcile-rec.ts';

const settings = ReconcileSettings.parse(DEFAULT_RECONCILE_SETTINGS);
const DAY = 86_400_000;
const T0 = Date.parse('2026-01-01T00:00:00Z');

/** A small seeded generator (mulberry32): the same cases on every run. */
function random(seed: number) {
  let a = seed;
  const next = () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return { next, pick: <T>(xs: readonly T[]) => xs[Math.floor(next() * xs.length)]! };
}

/** The refund rule as documented, on every candidate: score all that may be the original, sort, take two. */
function everyCandidate(
  refund: ReturnType<typeof rec>,
  all: readonly Candidate[],
  rejected: (c: Candidate) => boolean,
) {
  const want = -refund.amount;
  const ranked = all
    .filter(
      (c) =>
        c.connection_id === refund.connectionId &&
        !(refund.link !== null && c.cid !== refund.link) &&
        !rejected(c) &&
        c.atMs <= refund.atMs &&
        c.amount >= want &&
        refund.atMs - c.atMs <= LOOKBACK_DAYS * DAY,
    )
    .map((c) => {
      const gap = refund.atMs - c.atMs;
      const full = c.amount === want;
      const score =
        (full ? 0.5 : 0.25) +
        (full && c.refunded ? 0.3 : 0) +
        (gap <= 3 * 3_600_000 ? 0.2 : gap <= 2 * DAY ? 0.1 : 0.05);
      return { c, score: Math.round(score * 1000) / 1000 };
    })
    .sort((a, b) => b.score - a.score || b.c.atMs - a.c.atMs || a.c.id - b.c.id);
  return ranked;
}

describe('a TGI refund’s original', () => {
  it('is the one scoring every candidate would pick, though only the latest of each kind are scored', () => {
    const { next, pick } = random(20261201);
    const amounts = [5000, 7500, 10000, 12000, 20000, 35000];
    // Candidates on a half-hour grid over 200 days: many share an instant, so ties are decided by id.
    const candidates: Candidate[] = Array.from({ length: 3000 }, (_, i) => ({
      id: i + 1,
      amount: pick(amounts),
      atMs: T0 + Math.floor(next() * 200 * 48) * 1_800_000,
      connection_id: pick(['c1', 'c2']),
      cid: pick([null, 'A', 'B']),
      group_id: i + 1,
      sale_key: `s${i % 7}`,
      refunded: next() < 0.2,
    }));
    // And busy instants, ten payments each: an id decides between more than the two latest.
    const busy = [50, 100, 150, 199].map((d) => T0 + d * DAY);
    for (const [i, atMs] of busy.flatMap((at) => Array<number>(10).fill(at)).entries())
      candidates.push({ ...candidates[i]!, id: 5000 - i, atMs, group_id: 5000 - i });
    const pools = poolsOf(candidates);
    let linked = 0;
    let onTies = 0;
    for (let k = 0; k < 400; k++) {
      const refund = rec({
        id: 10_000 + k,
        provider: 'tgi',
        kind: 'refund',
        connectionId: pick(['c1', 'c2', 'c3']),
        amount: -pick([...amounts, 4000, 36000]),
        atMs:
          next() < 0.25
            ? pick(busy) + pick([0, 3_600_000])
            : T0 + Math.floor(next() * 200 * 48) * 1_800_000 + pick([0, 0, 60_000]),
        link: pick([null, null, 'A']),
      });
      const rejectedSale = pick(['s0', 's3', 'none']);
      const rejected = (c: Candidate) => c.sale_key === rejectedSale;
      const got = bestTgiOriginal(refund, pools, settings, rejected);
      const [best, second] = everyCandidate(refund, candidates, rejected);
      if (!best) {
        expect(got, `refund ${k}`).toBeNull();
        continue;
      }
      linked++;
      if (second && second.score === best.score) onTies++;
      expect(got, `refund ${k}`).toMatchObject({
        c: { id: best.c.id },
        score: best.score,
        auto:
          best.score >= settings.autoAcceptScore && best.score - (second?.score ?? 0) >= settings.minMargin,
      });
      expect(got?.note).toBe(
        best.c.amount === -refund.amount
          ? best.c.refunded
            ? 'refunds the whole amount; the POS marked the sale refunded'
            : 'refunds the whole amount'
          : 'refunds part of the amount',
      );
    }
    // The cases reach every branch: refunds with an original, and ties the time and id decide.
    expect(linked).toBeGreaterThan(200);
    expect(onTies).toBeGreaterThan(20);
  });
});
