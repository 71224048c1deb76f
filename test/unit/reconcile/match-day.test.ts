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
