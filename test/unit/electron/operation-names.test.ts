import { describe, expect, it } from 'vitest';
import { operations } from '../../../src-main/core/api/contract.ts';
import { OPERATION_NAMES } from '../../../src-main/core/api/operation-names.ts';

describe('OPERATION_NAMES', () => {
  it('equals the contract operations, in order', () => {
    expect([...OPERATION_NAMES]).toEqual(Object.keys(operations));
  });
});
