import { describe, expect, it } from 'vitest';
import { counted } from '../../../src-main/core/model/counted.ts';

describe('counted', () => {
  it('says one thing in the singular, and none or many in the plural, with thousands grouped', () => {
    expect(counted(1, 'sale still pending', 'sales still pending')).toBe('1 sale still pending');
    expect(counted(0, 'cash sale', 'cash sales')).toBe('0 cash sales');
    expect(counted(2, 'cash sale', 'cash sales')).toBe('2 cash sales');
    expect(counted(12_345, 'cash sale', 'cash sales')).toBe('12,345 cash sales');
  });
});
