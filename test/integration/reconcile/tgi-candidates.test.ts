import Database from 'better-sqlite3';
import { rmSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadWhere } from '../../../src-main/core/reconcile/load-day.ts';
import { readReconcileSettings } from '../../../src-main/core/reconcile/reconcile-settings.ts';
import {
  bestTgiOriginal,
  poolsOf,
  storedCandidates,
  type Candidate,
} from '../../../src-main/core/reconcile/tgi-refund-original.ts';
import { sql } from '../../../src-main/core/store/sql.ts';
import { syncDemoWorld, type DemoWorld } from '../../support/reconcile-world.ts';

/*
 * The refund pass reads a TGI refund's candidates from the store in pieces (walks of the TGI payment
 * indexes, and the payments of sales the POS marked refunded for the amounts it wants). The referee:
 * every TGI payment a group holds, read plainly, with whether its sale was marked refunded, in memory.
 */

let w: DemoWorld;
beforeAll(async () => {
  w = await syncDemoWorld(11, 14, 120);
}, 120_000);
afterAll(() => rmSync(w.home, { recursive: true, force: true }));

describe("a TGI refund's original", () => {
  it('is the one read from every held TGI payment in memory, for every refund of the cache', () => {
    const db = new Database(w.dbFile, { readonly: true });
    try {
      const settings = readReconcileSettings(db);
      const all = db
        .prepare(
          `SELECT t.id, t.amount_minor AS amount, t.occurred_at AS at, t.connection_id,
              (SELECT value FROM transaction_refs r WHERE r.transaction_id = t.id AND r.kind = 'cid') AS cid,
              m.group_id, substr(g.key, 6) AS sale_key,
              EXISTS (SELECT 1 FROM recon_members x JOIN transactions s ON s.id = x.transaction_id
                       WHERE x.group_id = m.group_id AND x.role = 'sale' AND s.status = 'refunded') AS refunded
             FROM transactions t JOIN recon_members m ON m.transaction_id = t.id AND m.role = 'payment'
             JOIN recon_groups g ON g.id = m.group_id
            WHERE t.provider = 'tgi' AND t.kind = 'capture'`,
        )
        .all() as (Omit<Candidate, 'atMs' | 'refunded'> & { at: string; refunded: number })[];
      const referee = poolsOf(
        all.map(({ at, refunded, ...c }) => ({ ...c, atMs: Date.parse(at), refunded: refunded === 1 })),
      );
      const refunds = loadWhere(db, sql`t.kind = 'refund' AND t.provider = 'tgi'`);
      // The world has refunds whose sale the POS marked refunded: the kind the stored source reads apart.
      expect(all.filter((c) => c.refunded).length).toBeGreaterThan(0);
      expect(refunds.length).toBeGreaterThan(5);
      const stored = storedCandidates(db, refunds);
      const pick = (b: ReturnType<typeof bestTgiOriginal>) =>
        b && { id: b.c.id, score: b.score, auto: b.auto, note: b.note };
      let refundedPicks = 0;
      for (const r of refunds) {
        const want = pick(bestTgiOriginal(r, referee, settings, () => false));
        expect(pick(bestTgiOriginal(r, stored, settings, () => false))).toEqual(want);
        if (want?.note.includes('refunded')) refundedPicks++;
      }
      expect(refundedPicks).toBeGreaterThan(0);
    } finally {
      db.close();
    }
  });
});
