import Database from 'better-sqlite3';
import { rmSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runReconcile } from '../../../src-main/core/reconcile/engine.ts';
import { RollupMoves } from '../../../src-main/core/reconcile/rollup-moves.ts';
import type { GroupRecord } from '../../../src-main/core/reconcile/write-groups.ts';
import { refreshReconRollups } from '../../../src-main/core/store/mutations/recon-rollups.ts';
import { rollupMismatches } from '../../support/dashboard-oracle.ts';
import { syncDemoWorld, type DemoWorld } from '../../support/reconcile-world.ts';

let w: DemoWorld;
beforeAll(async () => {
  w = await syncDemoWorld(5, 14, 90);
}, 120_000);
afterAll(() => {
  if (w) rmSync(w.home, { recursive: true, force: true });
});

describe('an incremental run', () => {
  it("rebuilds the rollups of a sale's day when a late refund joins it for review, however far back", async () => {
    const db = new Database(w.dbFile);
    try {
      db.pragma('foreign_keys = ON');
      // A refund linked for review to a sale anchored 3 or more days before the refund's own day, in a
      // group whose payments are all sure: the refund alone makes it 'review'.
      const late = db
        .prepare(
          `SELECT m.transaction_id AS refund, g.id AS groupId, g.anchor_date AS anchor, t.business_date AS day
             FROM recon_members m JOIN recon_groups g ON g.id = m.group_id JOIN transactions t ON t.id = m.transaction_id
            WHERE m.role = 'refund' AND g.state = 'review' AND t.business_date > date(g.anchor_date, '+2 days')
              AND EXISTS (SELECT 1 FROM json_each(g.evidence, '$.refunds') e
                           WHERE e.value ->> '$.refund' = m.transaction_id AND e.value ->> '$.status' = 'suggested')
              AND NOT EXISTS (SELECT 1 FROM json_each(g.evidence, '$.pairs') p WHERE p.value ->> '$.status' = 'suggested')
            ORDER BY m.transaction_id LIMIT 1`,
        )
        .get() as { refund: number; groupId: number; anchor: string; day: string } | undefined;
      expect(late).toBeDefined();
      const { refund, groupId, anchor, day } = late!;
      // As the cache stood before the refund was synced: the sale linked, its rollups counting it so.
      db.prepare('DELETE FROM recon_members WHERE transaction_id = ?').run(refund);
      db.prepare(
        "UPDATE recon_groups SET state = 'linked', evidence = json_set(evidence, '$.refunds', json('[]')) WHERE id = ?",
      ).run(groupId);
      refreshReconRollups(db, null);
      db.exec('DELETE FROM recon_dirty_days');
      // The sync that brings the refund marks its day.
      db.prepare('INSERT INTO recon_dirty_days (date) VALUES (?)').run(day);

      const report = await runReconcile(db);
      expect(report.full).toBe(false);
      expect(report.refundsLinked).toBeGreaterThan(0);
      const state = db.prepare('SELECT state, anchor_date FROM recon_groups WHERE id = ?').get(groupId);
      // The sale's day lies outside the days the run matched (the refund's day and its neighbours).
      expect(state).toEqual({ state: 'review', anchor_date: anchor });
      expect(rollupMismatches(db)).toEqual([]);
    } finally {
      db.close();
    }
  });
});

describe("a run's rollup moves (rollup-moves.ts)", () => {
  it('rebuild the days of a replaced group whose record changed since the last run, not move them by its share', () => {
    const db = new Database(w.dbFile);
    try {
      db.pragma('foreign_keys = ON');
      // A sold sale whose payment has VAT lines: its VAT counts on its anchor day.
      const g = db
        .prepare(
          `SELECT g.*, p.id AS payment FROM recon_groups g
             JOIN recon_members pm ON pm.group_id = g.id AND pm.role = 'payment'
             JOIN transactions p ON p.id = pm.transaction_id
            WHERE g.state = 'linked' AND EXISTS (SELECT 1 FROM transaction_lines l WHERE l.transaction_id = p.id AND l.vat_minor <> 0)
            ORDER BY g.id LIMIT 1`,
        )
        .get() as GroupRecord & { payment: number };
      expect(g).toBeDefined();
      expect(rollupMismatches(db)).toEqual([]);
      // A sync changed the payment's lines since the last run (its fingerprint says so): the share
      // read now is not the one the rollups hold.
      db.prepare('UPDATE transaction_lines SET vat_minor = vat_minor + 100 WHERE transaction_id = ?').run(
        g.payment,
      );
      db.prepare("UPDATE transactions SET fingerprint = 'changed' WHERE id = ?").run(g.payment);
      const moves = new RollupMoves(db, []);
      moves.replacing([{ old: g, next: null }]);
      db.prepare('DELETE FROM recon_groups WHERE id = ?').run(g.id);
      moves.apply();
      expect([...moves.days]).toContain(g.anchor_date);
      refreshReconRollups(db, [...moves.days]);
      expect(rollupMismatches(db)).toEqual([]);
    } finally {
      db.close();
    }
  });
});
