import Database from 'better-sqlite3';
import { rmSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EventBus } from '../../../src-main/core/api/event-bus.ts';
import { AppError } from '../../../src-main/core/model/app-error.ts';
import { runReconcile } from '../../../src-main/core/reconcile/engine.ts';
import { ReconcileService } from '../../../src-main/core/reconcile/reconcile-service.ts';
import { rollupMismatches } from '../../support/dashboard-oracle.ts';
import { syncDemoWorld, type DemoWorld } from '../../support/reconcile-world.ts';

/*
 * The referee of a decision's local re-match (grow.ts, rematch.ts): on a shop busy enough that the
 * same amounts recur within minutes, so candidate pairs chain through most of a day, random decisions
 * of every kind (accept, reject, link, unlink, and undo of each), each followed by a full rebuild of a
 * copy of the cache with the same decisions. Groups (state, method, score, version, evidence with its
 * runners-up), members, discrepancies and the Dashboard's reconciliation rollups must be the same, and
 * the rollups must equal the oracle's GROUP BY.
 */
const DECISIONS = 48;
const REVIEW = `SELECT key FROM recon_groups WHERE state = 'review' ORDER BY key`;
const ROLLUPS = ['dash_tender_days', 'dash_vat_days', 'dash_group_days', 'dash_explained_days'];

let w: DemoWorld;
beforeAll(async () => {
  w = await syncDemoWorld(33, 2, 2000);
}, 240_000);
afterAll(() => rmSync(w.home, { recursive: true, force: true }));

/** Everything a re-match writes, by stable keys (a rebuild may give a group another row id). */
function dump(db: Database.Database) {
  const rows = (q: string) =>
    db
      .prepare(q)
      .raw()
      .all()
      .map((r) => JSON.stringify(r));
  return {
    groups:
      rows(`SELECT key, anchor_date, state, method, score, providers, currency, sale_minor, paid_minor, version, evidence
                    FROM recon_groups ORDER BY key`),
    members:
      rows(`SELECT m.transaction_id, g.key, m.role FROM recon_members m JOIN recon_groups g ON g.id = m.group_id
                    ORDER BY m.transaction_id`),
    discrepancies:
      rows(`SELECT d.class, d.business_date, d.provider, d.currency, d.amount_minor, d.transaction_ids, d.detail, g.key
                           FROM recon_discrepancies d LEFT JOIN recon_groups g ON g.id = d.group_id ORDER BY 1, 2, 6, 8`),
    ...Object.fromEntries(ROLLUPS.map((t) => [t, rows(`SELECT * FROM ${t} ORDER BY 1, 2, 3, 4`)])),
  };
}

/** A small deterministic generator, so a failure can be replayed. */
function random(seed: number) {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

describe('decisions in a dense shop', () => {
  it('each random decision (accept, reject, link, unlink, undo) ends where a full rebuild of a copy ends', async () => {
    const db = new Database(w.dbFile);
    const service = new ReconcileService({ db, events: new EventBus(), actor: 'test', syncing: () => [] });
    const rnd = random(5);
    const pick = <T>(xs: readonly T[]) => xs[Math.floor(rnd() * xs.length)];
    const keys = (q: string) => db.prepare(q).pluck().all() as string[];
    const version = (key: string) =>
      db.prepare('SELECT version FROM recon_groups WHERE key = ?').pluck().get(key) as string;
    // A suggested payment and the sale of its runner-up: a person's link gives it to the rival sale,
    // and the pass changes around both.
    const rivalLink = db.prepare(
      `SELECT o.key, json_extract(p.value, '$.payment') AS payment
         FROM recon_groups g, json_each(g.evidence, '$.pairs') p
         JOIN recon_members m ON m.transaction_id = json_extract(p.value, '$.runnerUp.tender')
         JOIN recon_groups o ON o.id = m.group_id
        WHERE g.state = 'review' AND json_extract(p.value, '$.status') = 'suggested' AND o.id <> g.id ORDER BY 1, 2`,
    );
    const counts = { accept: 0, reject: 0, link: 0, unlink: 0, undo: 0, local: 0 };
    try {
      for (let i = 0; i < DECISIONS; i++) {
        const roll = rnd();
        try {
          if (roll < 0.25) {
            const key = pick(keys(REVIEW));
            if (key === undefined) continue;
            await service.decide({ action: 'accept', groupKey: key, version: version(key) });
            counts.accept++;
          } else if (roll < 0.45) {
            const key = pick(keys(REVIEW));
            if (key === undefined) continue;
            await service.decide({ action: 'reject', groupKey: key, version: version(key) });
            counts.reject++;
          } else if (roll < 0.65) {
            const chosen = pick(rivalLink.all() as { key: string; payment: number }[]);
            if (chosen === undefined) continue;
            const { key, payment } = chosen;
            await service.decide({
              action: 'link',
              groupKey: key,
              version: version(key),
              transactionId: payment,
            });
            counts.link++;
          } else if (roll < 0.8) {
            const key = pick(
              keys(
                `SELECT key FROM recon_groups WHERE method = 'score' AND providers NOT LIKE '%tgi%' ORDER BY key`,
              ),
            )!;
            const ev = JSON.parse(
              db.prepare('SELECT evidence FROM recon_groups WHERE key = ?').pluck().get(key) as string,
            ) as { pairs: { payment: number; how: string }[] };
            const payment = pick(ev.pairs.filter((p) => p.how === 'score'))?.payment;
            if (payment === undefined) continue;
            await service.decide({
              action: 'unlink',
              groupKey: key,
              version: version(key),
              transactionId: payment,
            });
            counts.unlink++;
          } else {
            await service.undo(null);
            counts.undo++;
          }
        } catch (err) {
          // A link to a payment another person's link holds is refused, as it should be: nothing changed.
          if (err instanceof AppError && ['LINK_CONFLICT', 'NOTHING_TO_UNDO'].includes(err.code)) continue;
          throw err;
        }
        if (service.lastRematch) counts.local++;
        expect(rollupMismatches(db, ROLLUPS)).toEqual([]);
        const file = path.join(w.home, `rebuild-${i}.sqlite`);
        db.exec(`VACUUM INTO '${file}'`);
        const copy = new Database(file);
        try {
          copy.pragma('foreign_keys = ON');
          await runReconcile(copy, { full: true, now: new Date() });
          const [mine, full] = [dump(db), dump(copy)];
          for (const part of Object.keys(full) as (keyof typeof full)[])
            expect(mine[part], `${part} after decision ${i + 1}`).toEqual(full[part]);
        } finally {
          copy.close();
          rmSync(file, { force: true });
        }
      }
    } finally {
      db.close();
    }
    // Every kind of decision was made, and many were answered by the local re-match: links and unlinks
    // are of the other providers' payments, since a TGI payment changing hands changes which refunds
    // may be its, a day rebuild's work (the busy shop in reconcile.test.ts covers that path).
    expect(Math.min(counts.accept, counts.reject, counts.link, counts.unlink, counts.undo)).toBeGreaterThan(
      0,
    );
    expect(counts.local).toBeGreaterThan(DECISIONS / 3);
  }, 600_000);
});
