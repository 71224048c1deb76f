import Database from 'better-sqlite3';
import { rmSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { applyRollupShares, rollupShare } from '../../../src-main/core/store/mutations/recon-rollups.ts';
import { rollupMismatches } from '../../support/dashboard-oracle.ts';
import { syncDemoWorld, type DemoWorld } from '../../support/reconcile-world.ts';

/*
 * A decision re-matches some sales and moves the reconciliation rollups by their share (after less
 * before) instead of rebuilding their days. Here the sales' groups are changed by hand, in every way a
 * re-match can change them and down to nothing, and each time the rollups must equal the oracle's
 * GROUP BY: a row that comes to zeros while its sales still stand stays, one whose sales are gone goes.
 */
const RECON = ['dash_tender_days', 'dash_vat_days', 'dash_group_days', 'dash_explained_days'];

let w: DemoWorld;
beforeAll(async () => {
  w = await syncDemoWorld(3, 6, 30);
}, 120_000);
afterAll(() => rmSync(w.home, { recursive: true, force: true }));

describe("a decision moves the Dashboard's reconciliation rollups by its sales' share", () => {
  it('as a GROUP BY over the groups would, when states, providers and members change, and when rows come to zeros or go', () => {
    const db = new Database(w.dbFile);
    try {
      const one = <T>(q: string, ...p: unknown[]) =>
        db
          .prepare(q)
          .pluck()
          .get(...p) as T;
      // A day with cash sales, failed attempts or young pending sales, so its explained row counts something.
      const day = one<string>(
        'SELECT anchor_date FROM dash_explained_days WHERE cash + attempts + pending > 0 ORDER BY anchor_date LIMIT 1',
      );
      const keys = db
        .prepare('SELECT key FROM recon_groups WHERE anchor_date = ? ORDER BY key')
        .pluck()
        .all(day) as string[];
      expect(keys.length).toBeGreaterThan(4);
      const ofDay = `(SELECT id FROM recon_groups WHERE anchor_date = '${day}')`;
      const change = (edit: () => void) => {
        db.transaction(() => {
          const before = rollupShare(db, keys);
          edit();
          applyRollupShares(db, before, rollupShare(db, keys));
        })();
        expect(rollupMismatches(db, RECON)).toEqual([]);
      };
      const explained = () => db.prepare('SELECT * FROM dash_explained_days WHERE anchor_date = ?').all(day);

      // States and providers change, and a payment (with its lines) moves to another sale.
      change(() => {
        db.prepare("UPDATE recon_groups SET state = 'review' WHERE key = ?").run(keys[0]);
        db.prepare("UPDATE recon_groups SET providers = 'tgi+vipps' WHERE key = ?").run(keys[1]);
        db.prepare(
          `UPDATE recon_members SET group_id = (SELECT id FROM recon_groups WHERE key = ?)
            WHERE role = 'payment' AND group_id = (SELECT g.id FROM recon_groups g JOIN recon_members m ON m.group_id = g.id
              AND m.role = 'payment' WHERE g.anchor_date = ? AND g.key <> ? ORDER BY g.key LIMIT 1)`,
        ).run(keys[2], day, keys[2]);
      });

      // The day's sales stand but count nothing explained: no attempts, no cash tenders, none pending.
      change(() => {
        db.prepare(`DELETE FROM recon_members WHERE role = 'attempt' AND group_id IN ${ofDay}`).run();
        db.prepare(
          `DELETE FROM recon_members WHERE role = 'sale' AND group_id IN ${ofDay}
             AND transaction_id IN (SELECT id FROM transactions WHERE upper(network) = 'CASH')`,
        ).run();
        db.prepare(`UPDATE recon_groups SET state = 'linked' WHERE id IN ${ofDay}`).run();
      });
      expect(explained()).toEqual([{ anchor_date: day, cash: 0, attempts: 0, pending: 0 }]);

      // Their payments are gone: the VAT of the day's sales comes to nothing and its row goes.
      change(() =>
        db.prepare(`DELETE FROM recon_members WHERE role = 'payment' AND group_id IN ${ofDay}`).run(),
      );

      // The sales are gone: every row of the day goes.
      change(() => db.prepare(`DELETE FROM recon_groups WHERE id IN ${ofDay}`).run());
      expect(explained()).toEqual([]);
      expect(one<number>('SELECT count(*) FROM dash_group_days WHERE anchor_date = ?', day)).toBe(0);
    } finally {
      db.close();
    }
  });
});
