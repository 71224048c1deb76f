import { describe, expect, it } from 'vitest';
import { countDays } from '../../../src-main/core/sync/day-counts.ts';

describe('countDays', () => {
  it('counts each day once, in the state of its least complete stream', () => {
    const checks = [
      { date: '2026-11-01', state: 'complete' as const },
      { date: '2026-11-01', state: 'complete' as const },
      { date: '2026-11-02', state: 'complete' as const },
      { date: '2026-11-02', state: 'open' as const },
      { date: '2026-11-03', state: 'open' as const },
      { date: '2026-11-03', state: 'partial' as const },
    ];
    // Two streams (Vipps fees and funds) checking three days are three days, not six.
    expect(countDays(checks, '2026-11-01')).toEqual({ complete: 1, open: 1, partial: 1 });
  });

  it('leaves out days before the first synced record, and counts nothing before any record', () => {
    const checks = ['2026-09-02', '2026-10-02', '2026-10-03', '2026-12-01'].map((date) => ({
      date,
      state: 'complete' as const,
    }));
    expect(countDays(checks, '2026-10-03')).toEqual({ complete: 2, open: 0, partial: 0 });
    expect(countDays(checks, null)).toEqual({ complete: 0, open: 0, partial: 0 });
  });
});
