import { describe, expect, it } from 'vitest';
import { datesBetween, resolvePeriod } from '../../../src-main/core/dashboard/period.ts';

// 23:30 UTC on 31 March is already 1 April in Oslo (UTC+2 in summer time): the shop's day counts.
const now = new Date('2026-03-31T23:30:00Z');
const oslo = (preset: Parameters<typeof resolvePeriod>[0]['preset'], from?: string, to?: string) =>
  resolvePeriod({ preset, from, to }, 'Europe/Oslo', now);

describe('resolvePeriod', () => {
  it('reads today in the shop zone, not UTC', () => {
    expect(oslo('today')).toMatchObject({
      from: '2026-04-01',
      to: '2026-04-01',
      days: 1,
      today: '2026-04-01',
    });
    expect(resolvePeriod({ preset: 'today' }, 'America/New_York', now).from).toBe('2026-03-31');
  });

  it('compares each preset with as many days just before it', () => {
    expect(oslo('yesterday')).toMatchObject({
      from: '2026-03-31',
      to: '2026-03-31',
      previousFrom: '2026-03-30',
      previousTo: '2026-03-30',
    });
    expect(oslo('last7')).toMatchObject({
      from: '2026-03-26',
      to: '2026-04-01',
      days: 7,
      previousFrom: '2026-03-19',
      previousTo: '2026-03-25',
    });
    expect(oslo('last30')).toMatchObject({ from: '2026-03-03', days: 30, previousTo: '2026-03-02' });
    expect(oslo('thisMonth')).toMatchObject({ from: '2026-04-01', to: '2026-04-01', days: 1 });
    // March has 31 days; the 31 days before it start in late January (February is short).
    expect(oslo('lastMonth')).toMatchObject({
      from: '2026-03-01',
      to: '2026-03-31',
      days: 31,
      previousFrom: '2026-01-29',
      previousTo: '2026-02-28',
    });
  });

  it('takes a custom range as given and refuses one that ends before it starts', () => {
    expect(oslo('custom', '2025-12-30', '2026-01-02')).toMatchObject({
      days: 4,
      previousFrom: '2025-12-26',
      previousTo: '2025-12-29',
    });
    expect(() => oslo('custom', '2026-01-02', '2026-01-01')).toThrow(/ends before/);
    expect(() => oslo('custom')).toThrow(/first and a last day/);
  });

  it('lists the dates of a range across a DST change and a year end', () => {
    expect(datesBetween('2026-03-28', '2026-03-30')).toEqual(['2026-03-28', '2026-03-29', '2026-03-30']);
    expect(datesBetween('2025-12-31', '2026-01-01')).toEqual(['2025-12-31', '2026-01-01']);
  });
});
