import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  FAULT_KINDS,
  startSandbox,
  type DatasetId,
  type RunningSandbox,
} from '../../../src-main/core/sandbox/index.ts';
import * as raw from './raw-clients.ts';
import { TEST_WORLDS_DIR } from '../../unit/sandbox/test-worlds-dir.ts';

let sb: RunningSandbox;
const dataDir = TEST_WORLDS_DIR;
const expected = (d: DatasetId) => [...sb.world.records(d)].map((r) => JSON.stringify(r));
const got = (rows: unknown[]) => rows.map((r) => JSON.stringify(r));

beforeAll(async () => {
  sb = await startSandbox({
    seed: 3,
    days: 6,
    salesPerDay: 60,
    today: '2026-03-29',
    speedUp: 1000,
    dataDir,
  });
});
afterAll(() => sb.close());

describe("a client following each provider's documented paging retrieves exactly the world", () => {
  it('SentryPOS: splitting the date range until hasMore is false', async () => {
    const first = sb.world.calendar.startOf(sb.world.options.firstDay) - 86_400_000;
    const rows = await raw.sentryPosAll(sb, first, sb.world.options.nowMs + 86_400_000);
    expect(got(rows).sort()).toEqual(expected('sentrypos:sales').sort());
    expect(rows.length).toBeGreaterThan(200);
  });

  it('Vipps Report: the feed and the date endpoint both give every funds and fees entry', async () => {
    const token = await raw.vippsToken(sb);
    for (const topic of ['funds', 'fees'] as const) {
      const feed = await raw.vippsReportFeed(sb, token, topic);
      expect(got(feed)).toEqual(expected(`vipps:${topic}`));
      const byDate: unknown[] = [];
      const cal = sb.world.calendar;
      for (
        let d = cal.addDays(sb.world.options.firstDay, -1);
        d <= sb.world.options.today;
        d = cal.addDays(d, 1)
      ) {
        const r = await raw.vippsReportDate(sb, token, topic, d);
        expect(r.tryLater).toBe(d === sb.world.options.today);
        byDate.push(...r.items);
      }
      expect(got(byDate)).toEqual(expected(`vipps:${topic}`));
    }
  });

  it('Vipps Sales API: feed and dates', async () => {
    const token = await raw.vippsToken(sb);
    expect(got(await raw.vippsSales(sb, token, ''))).toEqual(expected('vipps:sales'));
    const byDate: unknown[] = [];
    const cal = sb.world.calendar;
    for (
      let d = cal.addDays(sb.world.options.firstDay, -1);
      d <= sb.world.options.today;
      d = cal.addDays(d, 1)
    ) {
      byDate.push(...(await raw.vippsSales(sb, token, `/dates/${d}`)));
    }
    expect(got(byDate)).toEqual(expected('vipps:sales'));
  });

  it('TGI: following the relative nextUrl', async () => {
    expect(got(await raw.tgiAll(sb))).toEqual(expected('tgi:transactions'));
  });

  it('SensePass: offset paging', async () => {
    const rows = await raw.sensePassAll(sb, '2020-01-01T00:00:00Z', '2030-01-01T00:00:00Z');
    expect(got(rows)).toEqual(expected('sensepass:transactions'));
  });

  it('Cents: last_key until empty', async () => {
    const token = await raw.centsIdToken(sb);
    expect(got(await raw.centsAll(sb, token, 17))).toEqual(expected('cents:transactions'));
  });
});

describe('the same clients, retrying, still retrieve exactly the world when every fault fires once per endpoint', () => {
  let faulty: RunningSandbox;
  beforeAll(async () => {
    faulty = await startSandbox({
      seed: 3,
      days: 6,
      salesPerDay: 60,
      today: '2026-03-29',
      speedUp: 1000,
      dataDir,
    });
    // Every kind but `mutate`, which changes the world under the client (tested in faults.test.ts).
    faulty.faults.configure({
      rules: FAULT_KINDS.filter((k) => k !== 'mutate').map((kind, i) => ({
        kind,
        nth: [i + 2],
        stallMs: 2000,
      })),
    });
  });
  afterAll(() => faulty.close());
  const want = (d: DatasetId) => [...faulty.world.records(d)].map((r) => JSON.stringify(r));

  it('all five providers', async () => {
    const s = faulty;
    const first = s.world.calendar.startOf(s.world.options.firstDay) - 86_400_000;
    expect(got(await raw.sentryPosAll(s, first, s.world.options.nowMs + 86_400_000)).sort()).toEqual(
      want('sentrypos:sales').sort(),
    );
    const token = await raw.vippsToken(s);
    // Small pages, so every endpoint is asked often enough for all nine faults to come round.
    expect(got(await raw.vippsReportFeed(s, token, 'funds', 10))).toEqual(want('vipps:funds'));
    expect(got(await raw.vippsSales(s, token, '', 10))).toEqual(want('vipps:sales'));
    expect(got(await raw.tgiAll(s, '/transactions?limit=10'))).toEqual(want('tgi:transactions'));
    expect(got(await raw.sensePassAll(s, '2020-01-01T00:00:00Z', '2030-01-01T00:00:00Z', 10))).toEqual(
      want('sensepass:transactions'),
    );
    expect(got(await raw.centsAll(s, await raw.centsIdToken(s), 10))).toEqual(want('cents:transactions'));
    const fired = new Set(s.faults.log.map((f) => `${f.provider}:${f.kind}`));
    for (const p of ['sentrypos', 'vipps', 'tgi', 'sensepass', 'cents'])
      expect([...fired].filter((f) => f.startsWith(p)).length).toBe(9);
  });
});
