import { describe, expect, it } from 'vitest';
import { whyLost } from '../../../src-main/core/reconcile/explain.ts';
import type { FieldName, FieldScore } from '../../../src-main/core/reconcile/score.ts';

const fields = (time: number, note = 'close'): Record<FieldName, FieldScore> => ({
  amount: { score: 1, note: 'equal', detail: {} },
  time: { score: time, note, detail: {} },
  reference: { score: null, note: 'no reference', detail: {} },
  method: { score: 0.8, note: 'card', detail: {} },
  customer: { score: null, note: 'no customer', detail: {} },
});

describe('why a runner-up lost, in words', () => {
  it('names the field it fell furthest behind on', () => {
    expect(whyLost(fields(1), fields(0.2, '3 h after the sale'), 0.3)).toBe(
      'It lost on time: 3 h after the sale.',
    );
  });

  it('calls a tie a tie', () => {
    expect(whyLost(fields(1), fields(1), 0)).toBe('It scored the same: a person has to choose.');
  });

  // A rival held by another suggestion can score higher: matching took it first for another pair, and
  // only a sure link takes a record out of contention. "It scored the same" said otherwise.
  it('says a runner-up that scored higher is held by another suggestion', () => {
    expect(whyLost(fields(0.88), fields(1), -0.04)).toBe(
      'It scored higher, but another suggestion holds it: a person has to choose.',
    );
  });
});
