import { describe, expect, it } from 'vitest';
import { splitDateRange } from '../../../src-main/core/search/search-transactions.ts';

describe('splitDateRange: whole months for the month rollup, edge days for the day rollup', () => {
  it.each([
    [
      '2025-06-15',
      '2025-08-10',
      ['2025-07', '2025-07'],
      [
        ['2025-06-15', '2025-06-30'],
        ['2025-08-01', '2025-08-10'],
      ],
    ],
    ['2025-06-01', '2025-06-30', ['2025-06', '2025-06'], []],
    ['2024-02-01', '2024-02-29', ['2024-02', '2024-02'], []],
    ['2025-12-05', '2026-01-31', ['2026-01', '2026-01'], [['2025-12-05', '2025-12-31']]],
    ['2025-06-15', '2025-06-20', null, [['2025-06-15', '2025-06-20']]],
    ['2025-06-15', undefined, ['2025-07', null], [['2025-06-15', '2025-06-30']]],
    [undefined, '2025-06-20', [null, '2025-05'], [['2025-06-01', '2025-06-20']]],
    [undefined, undefined, [null, null], []],
  ])('%s .. %s', (from, to, months, days) => {
    expect(splitDateRange(from, to)).toEqual({ months, days });
  });
});
