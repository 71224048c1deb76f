// The shared date-window helpers TGI and SensePass page with (src-main/core/providers/shared).
import { describe, expect, it } from 'vitest';
import type { RecordOutcome } from '../../../../src-main/core/providers/connector.ts';
import { readThrough, writeThrough } from '../../../../src-main/core/providers/shared/bookmark.ts';
import {
  dayChunks,
  lastClosedUtcDay,
  lastUtcDayOfShopDay,
  startDate,
  zoneDayStartUtc,
} from '../../../../src-main/core/providers/shared/days.ts';
import { RunDedupe } from '../../../../src-main/core/providers/shared/records.ts';
import {
  pageWindowStably,
  syncByDateWindows,
  type WindowPage,
} from '../../../../src-main/core/providers/shared/stable-window.ts';

const window = { since: null, lookbackDays: 3, today: '2024-03-20' };

describe('date windows and bookmarks', () => {
  it('starts at --since, else the bookmark minus the lookback, else the history', () => {
    expect(startDate({ ...window, since: '2024-01-01' }, '2024-03-10', 90)).toBe('2024-01-01');
    expect(startDate(window, '2024-03-10', 90)).toBe('2024-03-07');
    expect(startDate(window, null, 90)).toBe('2023-12-21');
  });

  it('reads and writes {"through"}; never moves it backwards; ignores a bookmark it cannot read', () => {
    expect(readThrough('{"through":"2024-03-10"}')).toBe('2024-03-10');
    expect(readThrough('garbage')).toBeNull();
    expect(readThrough('{"through":"2024-02-30"}')).toBeNull();
    expect(writeThrough('2024-03-01', '2024-03-10')).toBe('{"through":"2024-03-10"}');
    expect(writeThrough('2024-03-12', '2024-03-10')).toBe('{"through":"2024-03-12"}');
  });

  it('knows which UTC day is over from the shop date alone, east and west of UTC', () => {
    expect(lastClosedUtcDay('2024-03-20', 'Europe/Oslo')).toBe('2024-03-18');
    expect(lastClosedUtcDay('2024-03-20', 'America/New_York')).toBe('2024-03-19');
    expect(lastClosedUtcDay('2024-03-20', 'UTC')).toBe('2024-03-19');
    // No UTC day after the one in which the shop's today ends is fetched or reported as open.
    expect(lastUtcDayOfShopDay('2024-03-20', 'Europe/Oslo')).toBe('2024-03-20');
    expect(lastUtcDayOfShopDay('2024-03-20', 'America/New_York')).toBe('2024-03-21');
    expect(lastUtcDayOfShopDay('2024-03-20', 'UTC')).toBe('2024-03-20');
    expect(lastUtcDayOfShopDay('2024-03-20', 'Pacific/Kiritimati')).toBe('2024-03-20');
    expect(zoneDayStartUtc('2024-03-20', 'Asia/Jerusalem')).toBe('2024-03-19T22:00:00Z');
    expect(dayChunks('2024-03-01', '2024-03-08', 3)).toEqual([
      { from: '2024-03-01', to: '2024-03-03' },
      { from: '2024-03-04', to: '2024-03-06' },
      { from: '2024-03-07', to: '2024-03-08' },
    ]);
  });
});

describe('stable window paging', () => {
  const page = (records: number, total: number | null, last: boolean): WindowPage<string> => ({
    page: `${records}/${total}`,
    records: Array.from({ length: records }),
    total,
    last,
  });

  it('reads a window again when its count moved while paging, then finishes', async () => {
    let reads = 0;
    const steps = [];
    for await (const s of pageWindowStably(async function* () {
      reads++;
      yield page(2, reads === 1 ? 4 : 5, false);
      yield page(reads === 1 ? 2 : 3, 5, true);
    })) {
      steps.push(s);
    }
    expect(reads).toBe(2);
    expect(steps.map((s) => [s.windowDone, s.complete])).toEqual([
      [false, false],
      [false, false],
      [false, false],
      [true, true],
    ]);
  });

  it('gives up after the attempts and holds the bookmark for the rest of the run', async () => {
    const days: string[] = [];
    const pages = syncByDateWindows({
      stream: 'transactions',
      bookmark: null,
      window: { since: '2024-03-01', lookbackDays: 0, today: '2024-03-05' },
      historyDays: 90,
      windowDays: 2,
      lastClosed: '2024-03-04',
      endDate: '2024-03-05',
      async *pagesOf(w) {
        days.push(w.from);
        yield {
          page: { outcomes: [], bookmark: null },
          records: [1],
          total: w.from === '2024-03-03' ? 2 : 1,
          last: true,
        };
      },
    });
    const bookmarks = [];
    const states: string[] = [];
    for await (const p of pages) {
      bookmarks.push(p.bookmark);
      for (const c of p.completeness ?? []) states.push(`${c.date} ${c.state}`);
    }
    expect(states).toEqual([
      '2024-03-01 complete',
      '2024-03-02 complete',
      '2024-03-03 partial',
      '2024-03-04 partial',
      '2024-03-05 open',
    ]);
    expect(days).toEqual(['2024-03-01', '2024-03-03', '2024-03-03', '2024-03-03', '2024-03-05']);
    expect(bookmarks).toEqual(['{"through":"2024-03-02"}', null, null, null, null]);
  });

  it('de-duplicates by external id within a run', () => {
    const o = (id: string | null): RecordOutcome => ({ ok: false, raw: {}, error: 'x', externalId: id });
    const d = new RunDedupe();
    expect(d.keep([o('a'), o('b'), o('a'), o(null)]).length).toBe(3);
    expect(d.keep([o('b'), o(null)]).length).toBe(1);
  });
});
