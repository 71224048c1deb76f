import Database from 'better-sqlite3';
import { rmSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { OperationOutput } from '../../../src-main/core/api/contract.ts';
import { createCore } from '../../../src-main/core/core.ts';
import { datesBetween } from '../../../src-main/core/dashboard/period.ts';
import { shopToday } from '../../../src-main/core/sync/engine.ts';
import { syncDemoWorld, type DemoWorld } from '../../support/reconcile-world.ts';
import { cli } from '../../unit/cli/run-cli.ts';

/*
 * The Dashboard against the obvious, slow SQL over the same synced demo cache: every POS figure to
 * the minor unit, counted once, whatever rollup, index or reconciliation join the fast path reads.
 */
type Dashboard = OperationOutput<'dashboard:get'>;
let w: DemoWorld;
let db: Database.Database;
let d: Dashboard;
const today = shopToday('Europe/Oslo');
const [from, to] = [datesBetween('2000-01-01', today).at(-10) ?? '', today];

beforeAll(async () => {
  w = await syncDemoWorld(11, 20, 40);
  const core = await createCore({ home: w.home, actor: 'test' });
  try {
    const r = await core.dispatch('dashboard:get', { preset: 'custom', from, to });
    if (!r.ok) throw new Error(r.error.message);
    d = r.value as Dashboard;
  } finally {
    core.close();
  }
  db = new Database(w.dbFile, { readonly: true });
}, 180_000);
afterAll(() => {
  db?.close();
  if (w) rmSync(w.home, { recursive: true, force: true });
});

const one = <T>(query: string, ...params: unknown[]) => db.prepare(query).get(...params) as T;
const SOLD = `t.provider = 'sentrypos' AND t.status IN ('completed', 'refunded')`;

function naivePos(a: string, b: string) {
  return one<{ gross: number; tenders: number; failed: number; refunds: number; refundsMinor: number }>(
    `SELECT sum(CASE WHEN status IN ('completed', 'refunded') THEN amount_minor ELSE 0 END) AS gross,
            sum(status IN ('completed', 'refunded')) AS tenders, sum(status = 'failed') AS failed,
            sum(status = 'refunded') AS refunds,
            sum(CASE WHEN status = 'refunded' THEN amount_minor ELSE 0 END) AS refundsMinor
       FROM transactions t WHERE provider = 'sentrypos' AND business_date BETWEEN ? AND ?`,
    a,
    b,
  );
}

/** A POS sale is an invoice: its tenders count once, per day. */
const naiveSales = (a: string, b: string) =>
  one<{ n: number }>(
    `SELECT sum(n) AS n FROM (SELECT count(DISTINCT r.value) AS n FROM transactions t
       JOIN transaction_refs r ON r.transaction_id = t.id AND r.kind = 'invoiceId'
      WHERE ${SOLD} AND t.business_date BETWEEN ? AND ? GROUP BY t.business_date)`,
    a,
    b,
  ).n;

describe('dashboard:get on a synced demo cache', () => {
  it('counts POS revenue once per sale, to the minor unit, in both periods', () => {
    expect(d.period).toMatchObject({ from, to, days: 10, today });
    for (const [figures, a, b] of [
      [d.current, from, to],
      [d.previous, d.period.previousFrom, d.period.previousTo],
    ] as const) {
      const n = naivePos(a, b);
      const [nok] = figures.revenue;
      expect(figures.revenue).toHaveLength(1);
      expect(nok).toMatchObject({
        currency: 'NOK',
        grossMinor: n.gross,
        sales: naiveSales(a, b),
        refunds: n.refunds,
        refundsMinor: n.refundsMinor,
      });
      expect(nok?.averageMinor).toBe(Math.round(n.gross / (nok?.sales ?? 1)));
      expect(figures).toMatchObject({
        completed: n.tenders,
        failed: n.failed,
        attempted: n.tenders + n.failed,
      });
      expect(figures.successRate).toBeCloseTo(n.tenders / (n.tenders + n.failed), 12);
    }
  });

  it("never adds the providers' captures of the same money to revenue", () => {
    const captures = one<{ s: number }>(
      `SELECT sum(amount_minor) AS s FROM transactions WHERE kind = 'capture' AND currency = 'NOK'
         AND business_date BETWEEN ? AND ?`,
      from,
      to,
    ).s;
    expect(captures).toBeGreaterThan(0);
    expect(d.current.revenue[0]?.grossMinor).toBe(naivePos(from, to).gross);
  });

  it('splits each day exactly: by provider, by network and by hour add up to the gross', () => {
    expect(d.daily.map((x) => x.date)).toEqual(datesBetween(from, to));
    for (const day of d.daily) {
      const stacked = Object.values(day.byProvider).reduce((s, v) => s + v, 0);
      expect(stacked).toBe(day.grossMinor);
      expect(day.grossMinor).toBe(naivePos(day.date, day.date).gross ?? 0);
      expect(day.previousGrossMinor).toBe(naivePos(day.previousDate, day.previousDate).gross ?? 0);
    }
    const gross = d.current.revenue[0]?.grossMinor ?? 0;
    expect(d.byNetwork.reduce((s, x) => s + x.amountMinor, 0)).toBe(gross);
    expect(d.byNetwork.reduce((s, x) => s + x.share, 0)).toBeCloseTo(1, 9);
    expect(d.byHour).toHaveLength(24);
    expect(d.byHour.reduce((s, x) => s + x.amountMinor, 0)).toBe(gross);
    expect(d.byHour.reduce((s, x) => s + x.failed, 0)).toBe(d.current.failed);
    // Every connected payment provider is a series, even one with no money in the period.
    expect(d.providers.map((p) => p.id)).toEqual(
      expect.arrayContaining(['vipps', 'tgi', 'sensepass', 'cents']),
    );
  });

  it('reads the hour on the shop clock', () => {
    const naive = db
      .prepare(
        `SELECT occurred_at AS at, amount_minor AS amount FROM transactions t WHERE ${SOLD} AND t.business_date BETWEEN ? AND ?`,
      )
      .all(from, to) as { at: string; amount: number }[];
    const hour = new Intl.DateTimeFormat('en-GB', {
      hour: 'numeric',
      hourCycle: 'h23',
      timeZone: 'Europe/Oslo',
    });
    const byHour = new Array<number>(24).fill(0);
    for (const r of naive) byHour[Number(hour.format(new Date(r.at)))]! += r.amount;
    expect(d.byHour.map((h) => h.amountMinor)).toEqual(byHour);
  });

  it('ranks days, counts failed payments and those paid after all, and fees once', () => {
    expect(d.bestDays.length).toBeGreaterThan(0);
    const sorted = [...d.daily].filter((x) => x.sales > 0).sort((a, b) => b.grossMinor - a.grossMinor);
    expect(d.bestDays[0]?.grossMinor).toBe(sorted[0]?.grossMinor);
    expect(d.worstDays.every((x) => x.date !== today && x.sales > 0)).toBe(true);
    const failed = one<{ n: number; retried: number }>(
      `SELECT count(*) AS n, sum(EXISTS (SELECT 1 FROM transaction_refs r JOIN transaction_refs r2
              ON r2.kind = 'invoiceId' AND r2.value = r.value JOIN transactions s ON s.id = r2.transaction_id
             WHERE r.transaction_id = t.id AND r.kind = 'invoiceId' AND s.status IN ('completed', 'refunded'))) AS retried
         FROM transactions t WHERE provider = 'sentrypos' AND status = 'failed' AND business_date BETWEEN ? AND ?`,
      from,
      to,
    );
    expect(d.failed).toMatchObject({ count: failed.n, retried: failed.retried });
    expect(d.failed.byNetwork.reduce((s, x) => s + x.count, 0)).toBe(failed.n);
    const fees = one<{ s: number | null }>(
      `SELECT -sum(amount_minor) AS s FROM transactions t WHERE kind = 'fee' AND amount_minor < 0
         AND business_date BETWEEN ? AND ? AND NOT EXISTS (SELECT 1 FROM recon_views v WHERE v.transaction_id = t.id)`,
      from,
      to,
    ).s;
    expect(d.current.fees.find((f) => f.currency === 'NOK')?.amountMinor ?? 0).toBe(fees ?? 0);
  });

  it('shows reconciliation health and completeness for every connection and day', () => {
    expect(d.reconciliation.reconciled).toBe(true);
    expect(d.reconciliation.sales).toBeGreaterThan(0);
    expect(d.completeness.map((c) => c.provider).sort()).toEqual([
      'cents',
      'sensepass',
      'sentrypos',
      'tgi',
      'vipps',
    ]);
    for (const c of d.completeness) expect(c.days.map((x) => x.date)).toEqual(datesBetween(from, to));
  });

  it('`posrecon report --json` prints the same figures as the Dashboard', async () => {
    const r = await cli(['report', '--home', w.home, '--json', '--from', from, '--to', to]);
    expect(r.code, r.err).toBe(0);
    expect(JSON.parse(r.out)).toEqual(d);
  });

  it('`posrecon report` prints the figures in words, and refuses half a range', async () => {
    const r = await cli(['report', '--home', w.home, '--from', from, '--to', to]);
    expect(r.code, r.err).toBe(0);
    expect(r.out).toContain('Popular payment networks');
    expect(r.out).toMatch(/Failed payments: \d+, of which/);
    const half = await cli(['report', '--home', w.home, '--from', from]);
    expect(half.code).toBe(2);
    expect(half.err).toContain('Give both --from and --to');
  });
});
