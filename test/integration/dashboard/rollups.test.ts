import Database from 'better-sqlite3';
import { DateTime } from 'luxon';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createCore } from '../../../src-main/core/core.ts';
import { hours } from '../../../src-main/core/dashboard/breakdowns.ts';
import { getDashboard } from '../../../src-main/core/dashboard/dashboard.ts';
import { quarterHours } from '../../../src-main/core/dashboard/dashboard-queries.ts';
import { MIGRATIONS } from '../../../src-main/core/store/migrations/index.ts';
import { openStore } from '../../../src-main/core/store/open-store.ts';
import { markViews, notCounted } from '../../support/direct-totals.ts';
import { bulkInsert, generateTransactions } from '../../support/seed-transactions.ts';
import { TRIGGER_KEPT, rollupMismatches } from '../../support/dashboard-oracle.ts';
import { demoCli, syncDemoWorld } from '../../support/reconcile-world.ts';
import { callCore } from '../../support/core-call.ts';

/*
 * The Dashboard's rollups (migration 0012) against plain GROUP BYs over the base tables, after every
 * kind of write: a sync and the reconcile run after it, a decision and its undo, upstream changes
 * written as a re-sync writes them (checked before the run for the trigger-kept rollups, after it for
 * all), and a real second sync. Two shops (seeds), so one world's shape cannot hide a missed day.
 */
const homes: string[] = [];
afterAll(() => {
  for (const h of homes) rmSync(h, { recursive: true, force: true });
});

const call = callCore;

function check(file: string, tables?: string[]): void {
  const db = new Database(file, { readonly: true });
  try {
    expect(rollupMismatches(db, tables)).toEqual([]);
  } finally {
    db.close();
  }
}

/** Upstream changes to records of several days, as a re-sync writes them (what the change log records). */
function changeUpstream(file: string): void {
  const db = new Database(file);
  try {
    const one = (q: string) => db.prepare(q).pluck().get() as number;
    const linkedSale =
      one(`SELECT m.transaction_id FROM recon_groups g JOIN recon_members m ON m.group_id = g.id
      AND m.role = 'sale' WHERE g.state = 'linked' AND g.providers <> '' ORDER BY g.id LIMIT 1 OFFSET 20`);
    db.prepare(
      `UPDATE transactions SET status = 'refunded', amount_minor = amount_minor + 1234 WHERE id = ?`,
    ).run(linkedSale);
    const failed = one(
      `SELECT id FROM transactions WHERE kind = 'sale' AND status = 'failed' ORDER BY id LIMIT 1`,
    );
    db.prepare(`UPDATE transactions SET status = 'completed', network = 'VISA' WHERE id = ?`).run(failed);
    // A payment a day later on the provider's clock, and a sale an hour later on the till's.
    const payment =
      one(`SELECT m.transaction_id FROM recon_members m JOIN transactions t ON t.id = m.transaction_id
      WHERE m.role = 'payment' AND t.provider = 'tgi' ORDER BY t.id LIMIT 1 OFFSET 5`);
    db.prepare(
      `UPDATE transactions SET business_date = date(business_date, '+1 day'),
         occurred_at = strftime('%Y-%m-%dT%H:%M:%fZ', occurred_at, '+1 day') WHERE id = ?`,
    ).run(payment);
    const sale = one(`SELECT id FROM transactions WHERE kind = 'sale' ORDER BY id LIMIT 1 OFFSET 40`);
    db.prepare(
      `UPDATE transactions SET occurred_at = strftime('%Y-%m-%dT%H:%M:%fZ', occurred_at, '+1 hour') WHERE id = ?`,
    ).run(sale);
    // A Vipps Sales API capture that has a Report twin (a second view) gone, and a fee that took money.
    const viewed = one(`SELECT primary_id FROM recon_views ORDER BY transaction_id LIMIT 1 OFFSET 3`);
    db.prepare('DELETE FROM transactions WHERE id = ?').run(viewed);
    db.prepare(
      `DELETE FROM transactions WHERE id = (SELECT id FROM transactions WHERE kind = 'fee' AND amount_minor < 0 LIMIT 1)`,
    ).run();
  } finally {
    db.close();
  }
}

describe.each([
  [5, 10, 40],
  [23, 9, 35],
])('Dashboard rollups of the demo shop seed %i', (seed, days, salesPerDay) => {
  it('equal a GROUP BY over the base tables after a sync, a decision, an undo, upstream changes and a re-sync', async () => {
    const w = await syncDemoWorld(seed, days, salesPerDay);
    homes.push(w.home);
    check(w.dbFile);

    const core = await createCore({ home: w.home, actor: 'test' });
    try {
      const db = core.store.db;
      const lone = db
        .prepare(
          `SELECT g.key, m.transaction_id AS id FROM recon_groups g JOIN recon_members m ON m.group_id = g.id
             AND m.role = 'payment' JOIN transactions t ON t.id = m.transaction_id AND t.provider = 'tgi'
           WHERE g.state = 'linked' ORDER BY g.id LIMIT 1`,
        )
        .get() as { key: string; id: number };
      const shown = await call(core, 'reconcile:explain', { key: lone.key });
      await call(core, 'reconcile:decide', {
        action: 'unlink',
        groupKey: lone.key,
        version: shown.version,
        transactionId: lone.id,
      });
      check(w.dbFile);
      await call(core, 'reconcile:undo', {});
      check(w.dbFile);
      const review = await call(core, 'reconcile:list', { state: 'review', limit: 50 });
      const item = review.items[0];
      if (item) {
        const s = await call(core, 'reconcile:explain', { key: item.key });
        await call(core, 'reconcile:decide', { action: 'accept', groupKey: item.key, version: s.version });
        check(w.dbFile);
      }
    } finally {
      core.close();
    }

    changeUpstream(w.dbFile);
    check(w.dbFile, TRIGGER_KEPT);
    const after = await createCore({ home: w.home, actor: 'test' });
    try {
      const report = await call(after, 'reconcile:run', { full: false });
      expect(report.full).toBe(false);
    } finally {
      after.close();
    }
    check(w.dbFile);

    const again = await demoCli(w.home, seed, days, salesPerDay);
    expect(again.code, again.err).toBe(0);
    check(w.dbFile);
  }, 240_000);
});

describe('migration 0012 on a cache of the schema before it', () => {
  it('fills every rollup from the records and an earlier reconcile run, without a re-sync', async () => {
    const home = mkdtempSync(path.join(os.tmpdir(), 'posrecon-dash-upgrade-'));
    homes.push(home);
    const file = path.join(home, 'posrecon.sqlite');
    const old = await openStore(file, { migrations: MIGRATIONS.slice(0, 11) });
    bulkInsert(old.db, generateTransactions({ count: 4000, seed: 3 }));
    markViews(old.db, "provider = 'vipps' AND id % 3 = 0");
    // Each POS sale its own group, paid by the capture after it (which gets the sale's lines, as a
    // Vipps Sales API payment carries them) when there is one: what a run leaves.
    old.db.exec(`CREATE TEMP TABLE paid AS
        SELECT t.id AS sale, (SELECT x.id FROM transactions x WHERE x.id = t.id + 1 AND x.kind = 'capture') AS payment
          FROM transactions t WHERE t.kind = 'sale';
      INSERT INTO transaction_lines (transaction_id, line_no, name, quantity, unit, unit_price_gross_minor,
          unit_price_net_minor, line_gross_minor, line_net_minor, discount_minor, vat_rate_bp, vat_minor, category)
        SELECT paid.payment, line_no, name, quantity, unit, unit_price_gross_minor, unit_price_net_minor,
               line_gross_minor, line_net_minor, discount_minor, vat_rate_bp, vat_minor, category
          FROM paid JOIN transaction_lines l ON l.transaction_id = paid.sale WHERE paid.payment IS NOT NULL;
      INSERT INTO recon_groups (key, anchor_date, state, method, providers, currency, sale_minor, paid_minor, version)
        SELECT 'sale:' || t.id, t.business_date, iif(p.id IS NULL, 'unmatched', 'linked'), iif(p.id IS NULL, 'none', 'key'),
               coalesce(p.provider, ''), t.currency, t.amount_minor, coalesce(p.amount_minor, 0), 'v'
          FROM paid JOIN transactions t ON t.id = paid.sale LEFT JOIN transactions p ON p.id = paid.payment;
      INSERT INTO recon_members (transaction_id, group_id, role)
        SELECT CAST(substr(key, 6) AS INTEGER), id, 'sale' FROM recon_groups;
      INSERT INTO recon_members (transaction_id, group_id, role)
        SELECT paid.payment, g.id, 'payment' FROM paid JOIN recon_groups g ON g.key = 'sale:' || paid.sale
         WHERE paid.payment IS NOT NULL;`);
    const groups = old.db.prepare('SELECT count(*) FROM recon_groups').pluck().get() as number;
    expect(groups).toBeGreaterThan(100);
    old.close();

    const store = await openStore(file);
    try {
      expect(store.db.prepare('SELECT count(*) FROM dash_group_days').pluck().get()).toBeGreaterThan(0);
      expect(store.db.prepare('SELECT count(*) FROM dash_vat_days').pluck().get()).toBeGreaterThan(0);
      expect(rollupMismatches(store.db)).toEqual([]);
      // Whole months (read from the month rollups) and edge days give the revenue the records do.
      for (const [from, to] of [
        ['2025-11-01', '2026-02-28'],
        ['2025-11-17', '2026-01-09'],
      ] as const) {
        const d = getDashboard(
          store.db,
          { preset: 'custom', from, to },
          { timeZone: 'Europe/Oslo', currency: 'NOK' },
        );
        const gross = store.db
          .prepare(
            `SELECT currency, sum(amount_minor) AS g FROM transactions t WHERE kind = 'sale'
               AND status IN ('completed', 'refunded') AND business_date BETWEEN ? AND ? AND NOT ${notCounted('t')}
             GROUP BY 1`,
          )
          .all(from, to) as { currency: string; g: number }[];
        expect(d.current.revenue.map((r) => [r.currency, r.grossMinor]).sort()).toEqual(
          gross.map((r) => [r.currency, r.g]).sort(),
        );
        expect(d.daily.reduce((sum, x) => sum + x.grossMinor, 0)).toBe(
          gross.find((r) => r.currency === d.currency)?.g,
        );
      }
    } finally {
      store.close();
    }
  });
});

describe('sales by hour of the shop clock, from month and day rollups', () => {
  it.each(['Europe/Oslo', 'America/New_York', 'Australia/Lord_Howe', 'Asia/Kolkata'])(
    'equals each sale’s own hour in %s, across months whose clocks change',
    async (zone) => {
      const home = mkdtempSync(path.join(os.tmpdir(), 'posrecon-dash-hours-'));
      homes.push(home);
      const store = await openStore(path.join(home, 'posrecon.sqlite'));
      try {
        const db = store.db;
        bulkInsert(db, generateTransactions({ count: 3000, seed: 9, days: 420 }));
        // Each record's business day in this zone, as a sync in a shop with this zone writes it.
        const update = db.prepare('UPDATE transactions SET business_date = ? WHERE id = ?');
        const sales = db
          .prepare(`SELECT id, occurred_at AS at, status, currency, amount_minor AS amount FROM transactions`)
          .all() as { id: number; at: string; status: string; currency: string; amount: number }[];
        db.transaction(() => {
          for (const s of sales) update.run(DateTime.fromISO(s.at).setZone(zone).toISODate(), s.id);
        })();
        const sold = db
          .prepare(
            `SELECT occurred_at AS at, business_date AS date, status, currency, amount_minor AS amount
               FROM transactions WHERE kind = 'sale' AND status IN ('completed', 'refunded', 'failed')`,
          )
          .all() as { at: string; date: string; status: string; currency: string; amount: number }[];
        const [first, last] = [
          sold.map((s) => s.date).sort()[0]!,
          sold
            .map((s) => s.date)
            .sort()
            .at(-1)!,
        ];
        for (const [from, to] of [
          [first, last],
          ['2025-03-10', '2026-01-20'],
          ['2025-10-01', '2025-10-31'],
        ] as const) {
          const want = Array.from({ length: 24 }, (_, hour) => ({
            hour,
            count: 0,
            amountMinor: 0,
            failed: 0,
          }));
          for (const s of sold) {
            if (s.date < from || s.date > to) continue;
            const slot = want[DateTime.fromISO(s.at).setZone(zone).hour]!;
            if (s.status === 'failed') slot.failed++;
            else if (s.currency === 'NOK') {
              slot.count++;
              slot.amountMinor += s.amount;
            }
          }
          expect(hours(quarterHours(db, from, to, zone), zone, 'NOK'), `${from}..${to}`).toEqual(want);
        }
        expect(rollupMismatches(db, TRIGGER_KEPT)).toEqual([]);
      } finally {
        store.close();
      }
    },
  );
});
