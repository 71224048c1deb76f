import Database from 'better-sqlite3';
import { rmSync } from 'node:fs';
import { DateTime } from 'luxon';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { OperationOutput } from '../../../src-main/core/api/contract.ts';
import { createCore, type Core } from '../../../src-main/core/core.ts';
import { datesBetween } from '../../../src-main/core/dashboard/period.ts';
import { startSandbox, type RunningSandbox } from '../../../src-main/core/sandbox/index.ts';
import { shopToday } from '../../../src-main/core/sync/engine.ts';
import { syncDemoWorld, type DemoWorld } from '../../support/reconcile-world.ts';

/*
 * Correct to the minor unit: for every complete business day, the Dashboard's SentryPOS figures
 * (count and amount per status, per network) equal what SentryPOS's own summary endpoint reports for
 * the same day, asked over real HTTP of the sandbox that served the sync. The shop's day is not
 * SentryPOS's (it groups by UTC day), so the summary is asked for the shop day's exact instants, which
 * its date parameters accept as ISO 8601.
 */
type Dashboard = OperationOutput<'dashboard:get'>;
interface Summary {
  summary: { totalAmountCents: number; totalTransactions: number };
  dailyBreakdown: { successfulTransactions: number }[];
  networkBreakdown: { network: string; amountCents: number; transactions: number }[];
}

const SEED = 23;
const DAYS = 14;
const ZONE = 'Europe/Oslo';
const today = shopToday(ZONE);
let w: DemoWorld;
let sb: RunningSandbox;
let core: Core;

beforeAll(async () => {
  w = await syncDemoWorld(SEED, DAYS, 40);
  // The same world the demo synced (worlds are generated from their options and reused from disk).
  sb = await startSandbox({ seed: SEED, days: DAYS, salesPerDay: 40, timeZone: ZONE, today });
  core = await createCore({ home: w.home, actor: 'test' });
}, 240_000);
afterAll(async () => {
  core?.close();
  await sb?.close();
  if (w) rmSync(w.home, { recursive: true, force: true });
});

async function dashboard(from: string, to: string): Promise<Dashboard> {
  const r = await core.dispatch('dashboard:get', { preset: 'custom', from, to });
  if (!r.ok) throw new Error(r.error.message);
  return r.value as Dashboard;
}

async function sentryPosSummary(day: string): Promise<Summary> {
  const start = DateTime.fromISO(day, { zone: ZONE }).startOf('day');
  const q = new URLSearchParams({
    startDate: start.toUTC().toISO() ?? '',
    endDate: start.plus({ days: 1 }).minus({ milliseconds: 1 }).toUTC().toISO() ?? '',
    groupBy: 'day',
  });
  const res = await fetch(`${sb.baseUrls.sentrypos}/public/api/v1/sales/summary?${q}`, {
    headers: { authorization: `Bearer ${sb.credentials.sentrypos?.apiKey}` },
  });
  expect(res.status).toBe(200);
  return (await res.json()) as Summary;
}

describe('the Dashboard against SentryPOS /sales/summary', () => {
  it('agrees on every complete day: count and amount per status, per network', async () => {
    // The world's first day may start before the first sync's history; yesterday is the last closed day.
    const days = datesBetween(
      DateTime.fromISO(today)
        .minus({ days: DAYS - 2 })
        .toISODate() ?? '',
      today,
    ).slice(0, -1);
    expect(days.length).toBe(DAYS - 2);
    let compared = 0;
    for (const day of days) {
      const [d, s] = [await dashboard(day, day), await sentryPosSummary(day)];
      const status = (name: string) =>
        d.pos.byStatus.find((x) => x.status === name) ?? { count: 0, amountMinor: 0 };
      const ctx = `on ${day}`;
      expect(
        d.pos.byStatus.reduce((a, x) => a + x.count, 0),
        ctx,
      ).toBe(s.summary.totalTransactions);
      expect(status('completed').count, ctx).toBe(
        s.dailyBreakdown.reduce((a, x) => a + x.successfulTransactions, 0),
      );
      expect(status('completed').amountMinor, ctx).toBe(s.summary.totalAmountCents);
      const theirs = Object.fromEntries(
        s.networkBreakdown.map((n) => [n.network, { count: n.transactions, completedMinor: n.amountCents }]),
      );
      const ours = Object.fromEntries(
        d.pos.byNetwork.map((n) => [n.network, { count: n.count, completedMinor: n.completedMinor }]),
      );
      expect(ours, ctx).toEqual(theirs);
      // The headline figures read the same rows: sold (completed + refunded) less refunds is completed.
      const revenue = d.current.revenue[0];
      expect(d.current.completed - (revenue?.refunds ?? 0), ctx).toBe(status('completed').count);
      expect((revenue?.grossMinor ?? 0) - (revenue?.refundsMinor ?? 0), ctx).toBe(
        status('completed').amountMinor,
      );
      expect(d.pos.disagreeing, ctx).toEqual([]);
      compared += s.summary.totalTransactions;
    }
    expect(compared).toBeGreaterThan(DAYS * 20);
  });

  it('says so on the Dashboard when a sync found SentryPOS disagreeing with the records it sent', async () => {
    // What the SentryPOS connector writes when a closed day's records do not add up to its summary.
    const day = DateTime.fromISO(today).minus({ days: 3 }).toISODate() ?? '';
    const detail = 'we hold 41 sales (NOK 9,120.00 completed); SentryPOS reports 42 (NOK 9,320.00)';
    const db = new Database(w.dbFile);
    try {
      db.prepare(
        `UPDATE day_completeness SET state = 'partial', detail = ?
          WHERE date = ? AND connection_id IN (SELECT id FROM connections WHERE provider = 'sentrypos')`,
      ).run(detail, day);
    } finally {
      db.close();
    }
    const d = await dashboard(DateTime.fromISO(today).minus({ days: 6 }).toISODate() ?? '', today);
    expect(d.pos.disagreeing).toEqual([{ connection: expect.any(String), date: day, detail }]);
  });
});
