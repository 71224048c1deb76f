import { describe, expect, it } from 'vitest';
import {
  formatBusinessDate,
  formatShopTime,
  localeFromEnv,
} from '../../../src-main/core/model/display-time.ts';

describe('times as a person reads them', () => {
  it('a business date is written as the locale writes dates, and never moves a day', () => {
    expect(formatBusinessDate('2026-11-01', 'nb-NO')).toBe('1.11.2026');
    expect(formatBusinessDate('2026-11-01', 'en-US')).toBe('11/1/2026');
    expect(formatBusinessDate('2026-11-01', 'en-GB')).toBe('01/11/2026');
    // Whatever the machine's zone: the date is already the shop's day.
    expect(formatBusinessDate('2026-03-29', 'nb-NO')).toBe('29.3.2026');
    expect(formatBusinessDate('not a date', 'nb-NO')).toBe('not a date');
  });

  it('an instant is shown in the shop’s zone, named, not in UTC or the machine’s zone', () => {
    const iso = '2026-12-01T13:46:13.669Z';
    expect(formatShopTime(iso, 'Europe/Oslo', 'nb-NO')).toBe('1.12.2026, 14:46 (Europe/Oslo)');
    expect(formatShopTime(iso, 'Asia/Jerusalem', 'en-US')).toBe('12/1/2026, 3:46 PM (Asia/Jerusalem)');
    // Across midnight in the shop's zone: its day, not UTC's.
    expect(formatShopTime('2026-11-30T23:30:00Z', 'Europe/Oslo', 'en-GB')).toBe(
      '01/12/2026, 00:30 (Europe/Oslo)',
    );
  });

  it('the reader’s locale comes from LC_ALL, LC_TIME or LANG; C and unknown tags leave the default', () => {
    expect(localeFromEnv({ LANG: 'nb_NO.UTF-8' })).toBe('nb-NO');
    expect(localeFromEnv({ LANG: 'en_US.UTF-8', LC_TIME: 'de_DE.UTF-8' })).toBe('de-DE');
    expect(localeFromEnv({ LC_ALL: 'fr_FR@euro', LANG: 'nb_NO' })).toBe('fr-FR');
    expect(localeFromEnv({ LANG: 'C.UTF-8' })).toBeUndefined();
    expect(localeFromEnv({ LANG: 'POSIX' })).toBeUndefined();
    expect(localeFromEnv({})).toBeUndefined();
  });
});
