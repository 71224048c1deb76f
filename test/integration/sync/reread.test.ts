import Database from 'better-sqlite3';
import { rmSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { databaseFile } from '../../../src-main/core/home.ts';
import { forgetReread, scheduleReread } from '../../../src-main/core/sync/reread.ts';
import { callCore as call } from '../../support/core-call.ts';
import { expectFullRebuildEquals, withCore } from '../../support/reconcile-state.ts';
import { syncDemoWorld, type DemoWorld } from '../../support/reconcile-world.ts';
import { cli } from '../../unit/cli/run-cli.ts';

/*
 * A shop that synced before setting its zone or currency (the defaults are Oslo and NOK): the change
 * notes every synced stream to read its history again, the next sync (the cron job's `posrecon sync`)
 * rewrites the records whose day or currency changed, and reconciliation follows them.
 */
let w: DemoWorld;
beforeAll(async () => {
  w = await syncDemoWorld(3, 14, 60);
}, 300_000);
afterAll(() => rmSync(w.home, { recursive: true, force: true }));

const withDb = <T>(fn: (db: Database.Database) => T): T => {
  const db = new Database(databaseFile(w.home));
  try {
    return fn(db);
  } finally {
    db.close();
  }
};
const notes = () =>
  withDb((db) =>
    db.prepare('SELECT connection_id, stream, since, time_zone, currency FROM sync_reread').all(),
  ) as {
    stream: string;
    since: string;
    time_zone: string;
    currency: string;
  }[];
const dayOf = (id: number) =>
  withDb((db) =>
    db.prepare('SELECT business_date AS day, currency FROM transactions WHERE id = ?').get(id),
  ) as {
    day: string;
    currency: string;
  };

describe("the shop's zone or currency changed after a sync", () => {
  it('notes nothing for a change of name, or for a zone that is not one', async () => {
    await withCore(w.home, async (core) => {
      await call(core, 'settings:set', { shopName: 'Fjordkaffe' });
      const bad = await core.dispatch('settings:set', { timeZone: 'Mars/Olympus' });
      expect(bad.ok).toBe(false);
    });
    expect(notes()).toEqual([]);
  });

  it('a new zone: every synced stream reads its history again, records move to their new day, matching follows', async () => {
    // Records of an Oslo evening: that day in Oslo, the small hours of the next one in Tokyo.
    const [tgi, sale] = withDb((db) =>
      ['tgi', 'sentrypos'].map(
        (p) =>
          db
            .prepare(
              `SELECT id, business_date AS day FROM transactions WHERE provider = ? AND kind IN ('capture', 'sale')
                 AND time(occurred_at) BETWEEN '15:30' AND '20:30' ORDER BY occurred_at LIMIT 1`,
            )
            .get(p) as { id: number; day: string },
      ),
    );
    expect(tgi && sale).toBeTruthy();
    const first = withDb((db) =>
      db.prepare('SELECT min(business_date) FROM transactions').pluck().get(),
    ) as string;
    const streams = withDb((db) => db.prepare('SELECT count(*) FROM sync_state').pluck().get()) as number;

    await withCore(w.home, (core) => call(core, 'settings:set', { timeZone: 'Asia/Tokyo' }));
    const noted = notes();
    expect(noted).toHaveLength(streams);
    // From the cache's first day (the day before it, for records the new zone moves back).
    const before = new Date(Date.parse(`${first}T00:00:00Z`) - 86_400_000).toISOString().slice(0, 10);
    expect(noted.map((n) => n.since).sort()[0]).toBe(before);
    expect(new Set(noted.map((n) => `${n.time_zone} ${n.currency}`))).toEqual(new Set(['Asia/Tokyo NOK']));

    const r = await cli(['sync', '--all', '--home', w.home]);
    expect(r.code, r.err).toBe(0);
    const next = (day: string) =>
      new Date(Date.parse(`${day}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10);
    expect(dayOf(tgi!.id).day).toBe(next(tgi!.day));
    expect(dayOf(sale!.id).day).toBe(next(sale!.day));
    expect(notes()).toEqual([]);
    // The sale's group moved with it, and the incremental runs after the sync left what a full run gives.
    const anchor = withDb((db) =>
      db
        .prepare(
          `SELECT g.anchor_date FROM recon_groups g JOIN recon_members m ON m.group_id = g.id
            WHERE m.transaction_id = ? AND m.role = 'sale'`,
        )
        .pluck()
        .get(sale!.id),
    );
    expect(anchor).toBe(next(sale!.day));
    await expectFullRebuildEquals(w.home);
  }, 300_000);

  it('a new currency: the sales and payments that carry none (SentryPOS, TGI) are stored in it after the next sync', async () => {
    const [sale, tgi, vipps] = withDb((db) =>
      ['sentrypos', 'tgi', 'vipps'].map(
        (p) => db.prepare('SELECT id FROM transactions WHERE provider = ? LIMIT 1').pluck().get(p) as number,
      ),
    );
    await withCore(w.home, (core) => call(core, 'settings:set', { currency: 'SEK' }));
    expect(notes().length).toBeGreaterThan(0);
    const r = await cli(['sync', '--all', '--home', w.home]);
    expect(r.code, r.err).toBe(0);
    expect(dayOf(sale!).currency).toBe('SEK');
    expect(dayOf(tgi!).currency).toBe('SEK');
    // A provider that sends its currency keeps it.
    expect(dayOf(vipps!).currency).toBe('NOK');
    expect(notes()).toEqual([]);
  }, 300_000);

  it('a note stays when the run read with other settings than it names (a change made meanwhile)', () => {
    withDb((db) => {
      expect(scheduleReread(db, { timeZone: 'Europe/Paris', currency: 'EUR' })).toBeGreaterThan(0);
      const [one] = db.prepare('SELECT connection_id AS connectionId, stream FROM sync_reread').all() as {
        connectionId: string;
        stream: string;
      }[];
      const scope = { provider: 'x', ...one! };
      forgetReread(db, scope, { shopTimeZone: 'America/New_York', shopCurrency: 'SEK' });
      const left = () =>
        db
          .prepare('SELECT count(*) FROM sync_reread WHERE connection_id = ? AND stream = ?')
          .pluck()
          .get(one!.connectionId, one!.stream);
      expect(left()).toBe(1);
      forgetReread(db, scope, { shopTimeZone: 'Europe/Paris', shopCurrency: 'EUR' });
      expect(left()).toBe(0);
    });
  });
});
