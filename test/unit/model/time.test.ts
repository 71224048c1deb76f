import { describe, expect, it } from 'vitest';
import { businessDate, isTimeZone, parseInstant, toUtcIso } from '../../../src-main/core/model/time.ts';

describe('time', () => {
  it('parses the timestamp forms providers send', () => {
    expect(toUtcIso(parseInstant('2023-05-01T10:15:30.123456Z'))).toBe('2023-05-01T10:15:30.123Z');
    expect(toUtcIso(parseInstant('2023-05-01T12:15:30.824993+0200'))).toBe('2023-05-01T10:15:30.824Z');
    expect(toUtcIso(parseInstant('2023-05-01T12:15:30+02:00'))).toBe('2023-05-01T10:15:30.000Z');
    expect(toUtcIso(parseInstant('2023-05-01 12:15:30', 'Europe/Oslo'))).toBe('2023-05-01T10:15:30.000Z');
  });

  it('refuses zone-less or broken timestamps', () => {
    expect(() => parseInstant('2023-05-01T12:15:30')).toThrow(/no time zone/);
    expect(() => parseInstant('yesterday')).toThrow();
    expect(() => parseInstant('2023-13-01T00:00:00Z')).toThrow(/Not a timestamp/);
  });

  it("computes the business date in the shop's zone, not the machine's", () => {
    const justAfterMidnightOslo = parseInstant('2023-05-01T22:30:00Z');
    expect(businessDate(justAfterMidnightOslo, 'Europe/Oslo')).toBe('2023-05-02');
    expect(businessDate(justAfterMidnightOslo, 'UTC')).toBe('2023-05-01');
    expect(businessDate(justAfterMidnightOslo, 'America/New_York')).toBe('2023-05-01');
  });

  it('validates IANA zones', () => {
    expect(isTimeZone('Europe/Oslo')).toBe(true);
    expect(isTimeZone('UTC')).toBe(true);
    expect(isTimeZone('Mars/Olympus')).toBe(false);
    expect(isTimeZone('')).toBe(false);
    expect(isTimeZone(' Europe/Oslo')).toBe(false);
  });
});
