import { describe, expect, it } from 'vitest';
import { DecisionIndex } from '../../../src-main/core/reconcile/decision-index.ts';
import type { Rec } from '../../../src-main/core/reconcile/load-day.ts';
import { matchDay } from '../../../src-main/core/reconcile/match-day.ts';
import {
  DEFAULT_RECONCILE_SETTINGS,
  ReconcileSettings,
} from '../../../src-main/core/reconcile/reconcile-settings.ts';
import { rec as base } from '../../support/reconcile-rec.ts';

const at = Date.parse('2026-11-11T09:27:03Z');
/** A SentryPOS row of invoice inv_0004657ab03, NOK 369.45 on 11 November (one tender of a split). */
const rec = (over: Partial<Rec>) =>
  base({ amount: 36945, atMs: at, date: '2026-11-11', network: null, refs: ['inv_0004657ab03'], ...over });

describe('matchDay', () => {
  it('gives each of two equal halves of a split the payment its method allows (Vipps half, card half)', () => {
    const window = [
      rec({ id: 1, externalId: 'pay_e997', network: 'VIPPS' }),
      rec({ id: 2, externalId: 'pay_4295', network: 'MASTERCARD' }),
      rec({
        id: 3,
        provider: 'vipps',
        kind: 'capture',
        externalId: 'sales:1:capture:178',
        method: 'WALLET',
        atMs: at - 68_000,
      }),
      rec({ id: 4, provider: 'tgi', kind: 'capture', externalId: 'AZgTwjTG', refs: [], atMs: at + 256_000 }),
    ];
    const [g] = matchDay({
      date: '2026-11-11',
      window,
      settings: ReconcileSettings.parse(DEFAULT_RECONCILE_SETTINGS),
      runDays: new Set(['2026-11-11']),
      claimed: new Set(),
      decisions: new DecisionIndex([]),
      lookup: () => undefined,
    });
    expect(g?.pairs.map((p) => [p.tender.id, p.payment.id, p.how]).sort()).toEqual([
      [1, 3, 'key'],
      [2, 4, 'score'],
    ]);
  });
});

describe('matchDay scored stage', () => {
  const t0 = Date.parse('2026-11-03T12:00:00Z');
  const settings = ReconcileSettings.parse(DEFAULT_RECONCILE_SETTINGS);
  /** Two card sales (tenders 1 and 2) and two TGI payments of their amount (3 and 4), which carry no reference. */
  const world = (times: [number, number, number, number]) => [
    base({ id: 1, externalId: 'pos_a', refs: ['inv_a'], atMs: t0 + times[0] }),
    base({ id: 2, externalId: 'pos_b', refs: ['inv_b'], atMs: t0 + times[1] }),
    base({ id: 3, provider: 'tgi', kind: 'capture', externalId: 'tgi_a', refs: [], atMs: t0 + times[2] }),
    base({ id: 4, provider: 'tgi', kind: 'capture', externalId: 'tgi_b', refs: [], atMs: t0 + times[3] }),
  ];
  const run = (window: Rec[]) =>
    matchDay({
      date: '2026-11-03',
      window,
      settings,
      runDays: new Set(['2026-11-03']),
      claimed: new Set(),
      decisions: new DecisionIndex([]),
      lookup: () => undefined,
    }).flatMap((g) =>
      g.pairs.map((p) => ({
        pair: [p.tender.id, p.payment.id, p.status],
        runnerUp: p.runnerUp && [p.runnerUp.tenderId, p.runnerUp.paymentId, p.runnerUp.score],
        evidence: p.evidence,
      })),
    );
  /** Every order of the four records: the window's order must never change a choice. */
  const orders = (xs: Rec[]): Rec[][] =>
    xs.length <= 1 ? [xs] : xs.flatMap((x, i) => orders(xs.filter((_, j) => j !== i)).map((r) => [x, ...r]));
  const summary = (window: Rec[]) => {
    const results = orders(window).map(run);
    for (const r of results) expect(r).toEqual(results[0]);
    return results[0]!.map(({ pair, runnerUp }) => ({ pair, runnerUp }));
  };

  it('breaks ties of score and closeness by the sales, then the payments, in stable order', () => {
    // Every pair scores the same and lies 30 s apart: sale 1 takes payment 3; each link's runner-up is
    // the best other pair by score, then stable order (sale 1's other payment; for sale 2's link too).
    const expected = [
      { pair: [1, 3, 'suggested'], runnerUp: [1, 4, 0.971] },
      { pair: [2, 4, 'suggested'], runnerUp: [1, 4, 0.971] },
    ];
    expect(summary(world([0, 0, 30_000, 30_000]))).toEqual(expected);
    // Times in fractions of a millisecond are not sorted as one number each (bestFirst): the same order.
    expect(summary(world([0, 0, 30_000.5, 30_000.5]))).toEqual(expected);
  });

  it('of equal scores links the closest pair first', () => {
    expect(summary(world([0, 0, 50_000, 10_000]))).toEqual([
      { pair: [1, 4, 'suggested'], runnerUp: [1, 3, 0.971] },
      { pair: [2, 3, 'suggested'], runnerUp: [1, 3, 0.971] },
    ]);
  });

  it('a sure link takes its sale and payment out of the next link’s rivals', () => {
    // Sale 2 is 25 minutes after sale 1: the crossed pairs score 0.686 and 0.688, so both straight pairs
    // are sure and the second has no rival left.
    expect(summary(world([0, 1_500_000, 10_000, 1_510_000]))).toEqual([
      { pair: [1, 3, 'auto'], runnerUp: [2, 3, 0.688] },
      { pair: [2, 4, 'auto'], runnerUp: null },
    ]);
  });
});
