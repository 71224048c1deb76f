import { describe, expect, it } from 'vitest';
import type { RollupRow } from '../../../src-main/core/dashboard/dashboard-queries.ts';
import { disagreeingDays, posTotals } from '../../../src-main/core/dashboard/pos-check.ts';

const row = (o: Partial<RollupRow>): RollupRow => ({
  date: '2026-11-03',
  kind: 'sale',
  status: 'completed',
  currency: 'NOK',
  network: 'VISA',
  n: 1,
  amount: 100,
  ...o,
});

describe('posTotals: the POS in its own summary terms', () => {
  it('counts every attempt per status and network, and only completed money per network', () => {
    const t = posTotals([
      row({ n: 3, amount: 3000 }),
      row({ date: '2026-11-04', n: 2, amount: 1500 }),
      row({ status: 'failed', n: 4, amount: 999 }),
      row({ status: 'refunded', network: 'MASTERCARD', n: 1, amount: 700 }),
      row({ status: 'pending', network: 'MASTERCARD', n: 1, amount: 50 }),
      // Payouts share the rollups but are not the POS's.
      row({ kind: 'payout', status: 'completed', network: '', n: 9, amount: 99_999 }),
    ]);
    expect(t.byStatus).toEqual([
      { status: 'completed', currency: 'NOK', count: 5, amountMinor: 4500 },
      { status: 'failed', currency: 'NOK', count: 4, amountMinor: 999 },
      { status: 'refunded', currency: 'NOK', count: 1, amountMinor: 700 },
      { status: 'pending', currency: 'NOK', count: 1, amountMinor: 50 },
    ]);
    expect(t.byNetwork).toEqual([
      { network: 'VISA', currency: 'NOK', count: 9, completedMinor: 4500 },
      { network: 'MASTERCARD', currency: 'NOK', count: 2, completedMinor: 0 },
    ]);
  });

  it('keeps currencies apart and gives empty lists for no sales', () => {
    const t = posTotals([row({ currency: 'EUR', amount: 5 }), row({ amount: 7 })]);
    expect(t.byStatus.map((s) => `${s.currency} ${s.amountMinor}`).sort()).toEqual(['EUR 5', 'NOK 7']);
    expect(posTotals([])).toEqual({ byStatus: [], byNetwork: [] });
  });
});

describe('disagreeingDays', () => {
  it("lists the POS connections' partial days with what the check found, and nothing else", () => {
    const day = (
      date: string,
      state: 'complete' | 'open' | 'partial' | 'unchecked',
      detail: string | null,
    ) => ({
      date,
      state,
      detail,
    });
    const found = disagreeingDays(
      [
        {
          connectionId: 'a',
          name: 'Till',
          provider: 'sentrypos',
          days: [
            day('2026-11-02', 'complete', 'ok'),
            day('2026-11-03', 'partial', 'we hold 3; SentryPOS reports 4'),
          ],
        },
        {
          connectionId: 'b',
          name: 'Vipps',
          provider: 'vipps',
          days: [day('2026-11-03', 'partial', 'short')],
        },
        {
          connectionId: 'c',
          name: 'Till 2',
          provider: 'sentrypos',
          days: [day('2026-11-04', 'partial', null)],
        },
      ],
      'sentrypos',
    );
    expect(found).toEqual([
      { connection: 'Till', date: '2026-11-03', detail: 'we hold 3; SentryPOS reports 4' },
      { connection: 'Till 2', date: '2026-11-04', detail: '' },
    ]);
  });
});
