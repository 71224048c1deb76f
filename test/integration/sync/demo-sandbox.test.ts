import Database from 'better-sqlite3';
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { useTempHome } from '../../support/temp-home.ts';
import { cli } from '../../unit/cli/run-cli.ts';

const tempHome = useTempHome();

/** The real CLI in-process, on a clock the test moves. */
const cliAt = (now: Date, args: string[]) => cli(args, {}, now);

interface Report {
  provider: string;
  status: string;
  error: string | null;
  inserted: number;
  updated: number;
}

function counts(home: string): Record<string, number> {
  const db = new Database(path.join(home, 'posrecon.sqlite'), { readonly: true });
  try {
    const rows = db.prepare('SELECT kind, count(*) AS n FROM transactions GROUP BY kind').all() as {
      kind: string;
      n: number;
    }[];
    return Object.fromEntries(rows.map((r) => [r.kind, r.n]));
  } finally {
    db.close();
  }
}

describe('demo connections after `posrecon demo` has ended', () => {
  it('sync from the embedded sandbox; a later sync finds the sales, refunds and payouts since', async () => {
    const home = tempHome();
    const t0 = new Date('2026-11-18T10:00:30Z');
    const demo = await cliAt(t0, ['demo', '--home', home, '--json', '--days', '12', '--sales-per-day', '40']);
    expect(demo.code, demo.err + demo.out.slice(0, 500)).toBe(0);
    const before = counts(home);

    // The same minute: the same world, so nothing is new and nothing changed.
    const again = await cliAt(t0, ['sync', '--home', home, '--json']);
    expect(again.code, again.err).toBe(0);
    const same = (JSON.parse(again.out) as { reports: Report[] }).reports;
    expect(same.map((r) => [r.provider, r.status, r.inserted, r.updated])).toEqual(
      same.map((r) => [r.provider, 'ok', 0, 0]),
    );

    // Two days and a few hours on: the shop has traded since, and no sandbox was started by hand.
    const t1 = new Date(t0.getTime() + 2 * 86_400_000 + 5 * 3_600_000);
    const later = await cliAt(t1, ['sync', '--home', home, '--json']);
    expect(later.code, later.err).toBe(0);
    const reports = (JSON.parse(later.out) as { reports: Report[] }).reports;
    for (const r of reports) expect([r.provider, r.status, r.error]).toEqual([r.provider, 'ok', null]);
    expect(reports.find((r) => r.provider === 'sentrypos')?.inserted).toBeGreaterThan(40);
    const after = counts(home);
    expect(after.sale).toBeGreaterThan(before.sale ?? 0);
    expect(after.refund).toBeGreaterThan(before.refund ?? 0);
    expect(after.payout).toBeGreaterThan(before.payout ?? 0);
    // One world is kept on disk: the one served last.
    const worlds = readdirSync(path.join(home, 'demo-sandbox')).filter((f) => f.endsWith('.sqlite'));
    expect(worlds).toHaveLength(1);

    // The text a person reads: every connection ok, nothing about addresses or networks.
    const text = await cliAt(t1, ['sync', '--home', home]);
    expect(text.code, text.err).toBe(0);
    expect(text.out).not.toMatch(/127\.0\.0\.1|http:|ECONNREFUSED|fetch failed/);
    expect(text.out).toMatch(/^Demo SentryPOS \(sentrypos\): ok/m);
  });

  it('a separate `posrecon sync` process, on the real clock, syncs the demo with no sandbox running', async () => {
    const home = tempHome();
    const demo = await cli(['demo', '--home', home, '--json', '--days', '3', '--sales-per-day', '10']);
    expect(demo.code, demo.err).toBe(0);
    const r = spawnSync(process.execPath, ['src-main/cli/main.ts', 'sync', '--home', home, '--json'], {
      encoding: 'utf8',
      timeout: 120_000,
    });
    expect(r.status, r.stderr).toBe(0);
    const { reports } = JSON.parse(r.stdout) as { reports: Report[] };
    expect(reports).toHaveLength(5);
    for (const rep of reports)
      expect([rep.provider, rep.status, rep.error]).toEqual([rep.provider, 'ok', null]);
  });

  it('a connection test reaches the embedded sandbox too', async () => {
    const home = tempHome();
    const t0 = new Date('2026-11-18T10:00:30Z');
    const demo = await cliAt(t0, ['demo', '--home', home, '--json', '--days', '2', '--sales-per-day', '5']);
    expect(demo.code, demo.err).toBe(0);
    const test = await cliAt(t0, ['connections', 'test', 'Demo Vipps MobilePay', '--home', home, '--json']);
    expect(test.code, test.out + test.err).toBe(0);
    expect(JSON.parse(test.out)).toMatchObject({ ok: true });
  });

  it('a demo asked for more than 90 days syncs all of them from every provider', async () => {
    const home = tempHome();
    const t0 = new Date('2026-11-18T10:00:30Z');
    const demo = await cliAt(t0, ['demo', '--home', home, '--json', '--days', '120', '--sales-per-day', '3']);
    expect(demo.code, demo.err + demo.out.slice(0, 500)).toBe(0);
    const db = new Database(path.join(home, 'posrecon.sqlite'), { readonly: true });
    try {
      // Every provider that takes payments holds records from the demo's first weeks, not only from the
      // connectors' usual 90-day first window (older Vipps payments then had no sale to match).
      const first = db
        .prepare('SELECT provider, min(business_date) AS d FROM transactions GROUP BY provider ORDER BY 1')
        .all() as { provider: string; d: string }[];
      expect(first.length).toBe(5);
      for (const { provider, d } of first) expect(d < '2026-07-31', `${provider} starts ${d}`).toBe(true);
      const unmatchedOld = db
        .prepare(`SELECT count(*) FROM recon_groups WHERE state = 'unmatched' AND anchor_date < '2026-08-10'`)
        .pluck()
        .get() as number;
      const groupsOld = db
        .prepare(`SELECT count(*) FROM recon_groups WHERE anchor_date < '2026-08-10'`)
        .pluck()
        .get() as number;
      expect(groupsOld).toBeGreaterThan(0);
      expect(unmatchedOld).toBeLessThan(groupsOld / 5);
    } finally {
      db.close();
    }
  });
});
