import { describe, expect, it } from 'vitest';
import { dayFromFields } from '../../../src-main/core/providers/shared/record-day.ts';
import { plainReason } from '../../../src-main/core/sync/quarantine-reason.ts';

describe('plainReason', () => {
  it('names each missing or mistyped field, with the value the provider sent', () => {
    const error =
      'Record does not match the expected shape: ✖ Invalid input: expected string, received undefined\n  → at pspReference\n✖ Invalid input: expected number, received string\n  → at amount';
    expect(plainReason('Vipps MobilePay', error, { amount: '12,5O kr' })).toBe(
      'Vipps MobilePay sent this record incomplete or garbled: "pspReference" is missing; "amount" should be a number but is "12,5O kr".',
    );
  });

  it('keeps a conversion failure and any other check in a sentence of its own', () => {
    expect(
      plainReason('LFL TGI', 'Record could not be normalized: Timestamp has no time zone: "x"', {}),
    ).toBe('LFL TGI sent a value posrecon cannot convert: Timestamp has no time zone: "x"');
    expect(plainReason('Cents', 'unknown kind "gift"', {})).toBe(
      'Cents sent a record posrecon cannot store: unknown kind "gift"',
    );
  });
});

describe('dayFromFields', () => {
  it('takes a bare date as given, and the first readable field', () => {
    expect(
      dayFromFields(
        { ledgerDate: '2024-03-12', time: '2024-03-13T01:00:00Z' },
        ['ledgerDate', 'time'],
        'UTC',
      ),
    ).toBe('2024-03-12');
    expect(
      dayFromFields({ ledgerDate: 20240312, time: '2024-03-13T01:00:00Z' }, ['ledgerDate', 'time'], 'UTC'),
    ).toBe('2024-03-13');
  });

  it('an instant gives the earlier of its UTC day and its shop day', () => {
    // 23:30 UTC on the 12th is the 13th in Oslo; the 12th is read (UTC-day providers hold it there).
    expect(dayFromFields({ at: '2024-03-12T23:30:00Z' }, ['at'], 'Europe/Oslo')).toBe('2024-03-12');
    // 03:00 UTC on the 13th is the 12th in New York.
    expect(dayFromFields({ at: '2024-03-13T03:00:00Z' }, ['at'], 'America/New_York')).toBe('2024-03-12');
  });

  it('a timestamp without zone is moved a day earlier; nothing readable gives null', () => {
    expect(dayFromFields({ date: '2024-03-12 00:10:00' }, ['date'], 'UTC')).toBe('2024-03-11');
    expect(dayFromFields({ date: 'yesterday' }, ['date'], 'UTC')).toBeNull();
    expect(dayFromFields(null, ['date'], 'UTC')).toBeNull();
  });
});
