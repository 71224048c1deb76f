import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CanonicalTransaction } from '../../../src-main/core/model/transaction.ts';
import { upsertTransactions } from '../../../src-main/core/store/mutations/upsert-transactions.ts';
import { callCore as call } from '../../support/core-call.ts';
import { cli } from '../../unit/cli/run-cli.ts';
import { expectFullRebuildEquals, withCore } from '../../support/reconcile-state.ts';
import { syncDemoWorld, type DemoWorld } from '../../support/reconcile-world.ts';
import { asDelivered, resync } from '../../support/resync.ts';
import { withDb, worldHomes } from '../../support/world-homes.ts';

/*
 * A refund is often made weeks after its sale, so the group that holds it is anchored on a day an
 * incremental run after the refund's sync does not rebuild. When the refund is removed upstream or
 * delivered again changed (amount, status, the order it points at), that group must let it go (its
 * evidence, members, the Report view, its state and the Dashboard's figures of its day) and the
 * refund go where a full rebuild puts it, byte for byte.
 */

let w: DemoWorld;
const homes = worldHomes('posrecon-refchg-');
beforeAll(async () => {
  w = await syncDemoWorld(7, 14, 90);
}, 120_000);
afterAll(() => homes.removeAll(w.home));

const SYNCED_AT = '2026-12-02T03:00:00.000Z';
const copyOfWorld = () => homes.copy(w.dbFile);

interface Held {
  id: number;
  key: string;
  status: string;
  anchor: string;
  date: string;
}

/** Held by a sale anchored two days or more before the refund's own day: no day a run after its sync rebuilds. */
const FAR = `g.anchor_date < date(t.business_date, '-1 day')`;

/** The latest Sales API refund (Vipps) or refund (TGI) held by a sale, where `where` holds (FAR by default). */
function heldRefund(home: string, provider: 'vipps' | 'tgi', where = FAR): Held {
  return withDb(home, (db) => {
    const r = db
      .prepare(
        `SELECT t.id, g.key, json_extract(e.value, '$.status') AS status, g.anchor_date AS anchor, t.business_date AS date
           FROM transactions t JOIN recon_members m ON m.transaction_id = t.id AND m.role = 'refund'
           JOIN recon_groups g ON g.id = m.group_id
           JOIN json_each(g.evidence, '$.refunds') e ON json_extract(e.value, '$.refund') = t.id
          WHERE t.kind = 'refund' AND t.provider = ? AND t.external_id NOT LIKE 'funds:%'
            AND ${where}
          ORDER BY t.business_date DESC, t.id LIMIT 1`,
      )
      .get(provider) as Held | undefined;
    expect(r, `a ${provider} refund held where ${where}`).toBeDefined();
    return r!;
  });
}

/** Where the cache holds a record now: its group's key and its role there, and what the evidence says. */
function holderOf(home: string, id: number) {
  return withDb(home, (db) =>
    db
      .prepare(
        `SELECT g.key, g.state, m.role, (SELECT json_extract(e.value, '$.note') FROM json_each(g.evidence, '$.refunds') e
            WHERE json_extract(e.value, '$.refund') = m.transaction_id) AS note
           FROM recon_members m JOIN recon_groups g ON g.id = m.group_id WHERE m.transaction_id = ?`,
      )
      .get(id),
  ) as { key: string; state: string; role: string; note: string | null } | undefined;
}

/** Refund entries in groups' evidence that name no refund the group holds. */
function staleEntries(home: string): unknown[] {
  return withDb(home, (db) =>
    db
      .prepare(
        `SELECT g.key, json_extract(e.value, '$.refund') AS refund FROM recon_groups g, json_each(g.evidence, '$.refunds') e
          WHERE NOT EXISTS (SELECT 1 FROM recon_members m WHERE m.transaction_id = json_extract(e.value, '$.refund')
                              AND m.group_id = g.id AND m.role = 'refund')`,
      )
      .all(),
  );
}

/** The sync's upsert delivers these records again with `change`, and the incremental run follows. */
async function redeliver(
  home: string,
  ids: readonly number[],
  change: (r: CanonicalTransaction) => CanonicalTransaction,
) {
  withDb(home, (db) => expect(resync(db, ids, change, SYNCED_AT).updated).toBe(ids.length));
  return withCore(home, async (core) => {
    const phases: string[] = [];
    core.events.subscribe((name, payload) => {
      if (name === 'reconcile:progress') phases.push((payload as { phase: string }).phase);
    });
    const report = await call(core, 'reconcile:run', { full: false });
    expect(report.full).toBe(false);
    return { report, matchedDays: phases.includes('matching') };
  });
}

describe('a refund changed upstream', () => {
  it('removed: the sale that held it lets it go, its review included, as a full rebuild has it', async () => {
    const home = copyOfWorld();
    const vipps = heldRefund(home, 'vipps');
    // A suggested TGI refund: its sale waits for review only because of it.
    const tgi = heldRefund(home, 'tgi', `${FAR} AND json_extract(e.value, '$.status') = 'suggested'`);
    expect(tgi.status).toBe('suggested');
    withDb(home, (db) => {
      // The Sales API refund and its Report funds entry, as removing the connection's records would.
      const gone = db
        .prepare(
          `SELECT t.id FROM transactions t WHERE t.id IN (?, ?) OR t.id IN
             (SELECT m.transaction_id FROM recon_members m JOIN transactions v ON v.id = m.transaction_id
               WHERE m.role = 'view' AND v.kind = 'refund' AND m.group_id = (SELECT group_id FROM recon_members WHERE transaction_id = ?))`,
        )
        .pluck()
        .all(vipps.id, tgi.id, vipps.id) as number[];
      expect(gone.length).toBe(3);
      db.prepare('DELETE FROM transactions WHERE id IN (SELECT value FROM json_each(?))').run(
        JSON.stringify(gone),
      );
    });
    await withCore(home, (core) => call(core, 'reconcile:run', { full: false }));
    expect(staleEntries(home)).toEqual([]);
    expect(holderOf(home, tgi.id)).toBeUndefined();
    await expectFullRebuildEquals(home);
  });

  it('delivered again with another amount: its sale keeps it as a full rebuild does', async () => {
    const home = copyOfWorld();
    const ids = [heldRefund(home, 'vipps').id, heldRefund(home, 'tgi').id];
    const { matchedDays } = await redeliver(home, ids, (r) => ({
      ...r,
      amountMinor: Math.round(r.amountMinor / 2),
    }));
    expect(matchedDays).toBe(true);
    expect(staleEntries(home)).toEqual([]);
    await expectFullRebuildEquals(home);
  });

  it('delivered again with another status, by the re-match of changed records or by days', async () => {
    // A status alone moves no clock offset: the run re-matches what the refund reaches, where that is
    // near. A refund days after its sale, or a TGI refund (its original is searched again among four
    // months of payments), goes the days' way.
    const cases = [
      { provider: 'vipps', where: FAR, days: true },
      { provider: 'tgi', where: FAR, days: true },
      { provider: 'vipps', where: 'g.anchor_date = t.business_date', days: false },
    ] as const;
    for (const { provider, where, days } of cases) {
      const home = copyOfWorld();
      const r = heldRefund(home, provider, where);
      const { matchedDays } = await redeliver(home, [r.id], (x) => ({ ...x, status: 'pending' }));
      expect(matchedDays).toBe(days);
      expect(staleEntries(home)).toEqual([]);
      await expectFullRebuildEquals(home);
    }
  });

  it("delivered again pointing at another sale's payment: it moves there, after the sale's own later refund", async () => {
    const home = copyOfWorld();
    // A Vipps refund now carries the order reference of an older sale that holds a later refund.
    const later = heldRefund(home, 'vipps');
    const target = withDb(home, (db) =>
      db
        .prepare(
          `SELECT x.value AS ref, g.key FROM recon_groups g JOIN recon_members m ON m.group_id = g.id AND m.role = 'payment'
             JOIN transactions p ON p.id = m.transaction_id AND p.provider = 'vipps' AND p.external_id LIKE 'sales:%'
             JOIN transaction_refs x ON x.transaction_id = p.id AND x.kind = 'reference'
            WHERE g.key = ?`,
        )
        .get(later.key),
    ) as { ref: string; key: string };
    const moved = withDb(home, (db) =>
      db
        .prepare(
          `SELECT t.id FROM transactions t JOIN recon_members m ON m.transaction_id = t.id AND m.role = 'refund'
             JOIN recon_groups g ON g.id = m.group_id
            WHERE t.provider = 'vipps' AND t.kind = 'refund' AND t.external_id LIKE 'sales:%'
              AND t.business_date > date(?, '+1 day') AND t.business_date < ? AND g.key <> ?
            ORDER BY t.business_date, t.id LIMIT 1`,
        )
        .pluck()
        .get(later.anchor, later.date, later.key),
    ) as number | undefined;
    expect(moved, 'a Vipps refund between the sale and its later refund').toBeDefined();
    // A TGI refund now wants the whole amount of a payment of an older sale.
    const tgi = heldRefund(home, 'tgi', `${FAR} AND json_extract(e.value, '$.status') = 'auto'`);
    const payment = withDb(home, (db) =>
      db
        .prepare(
          `SELECT p.amount_minor AS amount, g.key FROM transactions p JOIN recon_members m ON m.transaction_id = p.id AND m.role = 'payment'
             JOIN recon_groups g ON g.id = m.group_id
            WHERE p.provider = 'tgi' AND p.kind = 'capture' AND g.key <> ? AND p.connection_id = (SELECT connection_id FROM transactions WHERE id = ?)
              AND (SELECT value FROM transaction_refs WHERE transaction_id = p.id AND kind = 'cid')
                = (SELECT value FROM transaction_refs WHERE transaction_id = ? AND kind = 'cid')
              AND p.business_date < date(?, '-1 day') AND g.state = 'linked'
              AND NOT EXISTS (SELECT 1 FROM recon_members x WHERE x.group_id = g.id AND x.role = 'refund')
            ORDER BY p.occurred_at DESC LIMIT 1`,
        )
        .get(tgi.key, tgi.id, tgi.id, tgi.date),
    ) as { amount: number; key: string };
    const { matchedDays } = await redeliver(home, [moved!, tgi.id], (r) =>
      r.provider === 'vipps'
        ? {
            ...r,
            references: r.references.map((x) => (x.kind === 'reference' ? { ...x, value: target.ref } : x)),
          }
        : { ...r, amountMinor: -payment.amount },
    );
    expect(matchedDays).toBe(true);
    expect(holderOf(home, moved!)?.key).toBe(later.key);
    expect(holderOf(home, tgi.id)?.key).not.toBe(tgi.key);
    expect(staleEntries(home)).toEqual([]);
    await expectFullRebuildEquals(home);
  });

  it('delivered again pointing at no payment: it becomes a refund with no original, its sale lets it go', async () => {
    const home = copyOfWorld();
    const vipps = heldRefund(home, 'vipps');
    const tgi = heldRefund(home, 'tgi');
    // An order reference no capture carries; more than any TGI payment could give back.
    await redeliver(home, [vipps.id, tgi.id], (r) =>
      r.provider === 'vipps'
        ? {
            ...r,
            references: r.references.map((x) =>
              x.kind === 'reference' ? { ...x, value: 'no-such-order' } : x,
            ),
          }
        : { ...r, amountMinor: -1_000_000_000 },
    );
    for (const id of [vipps.id, tgi.id]) expect(holderOf(home, id)).toBeUndefined();
    const orphans = withDb(home, (db) =>
      db
        .prepare(`SELECT transaction_ids FROM recon_discrepancies WHERE class = 'refund_without_original'`)
        .pluck()
        .all(),
    );
    expect(orphans).toEqual(expect.arrayContaining([`[${vipps.id}]`, `[${tgi.id}]`]));
    expect(staleEntries(home)).toEqual([]);
    await expectFullRebuildEquals(home);
  });

  it("a person's link of a refund to a sale survives its re-delivery and its removal and return", async () => {
    const home = copyOfWorld();
    // A person accepts a suggested refund: the decision ties the refund's stable key to the sale.
    const refund = heldRefund(home, 'tgi', `${FAR} AND json_extract(e.value, '$.status') = 'suggested'`);
    const sale = refund.key;
    await withCore(home, async (core) => {
      const shown = await call(core, 'reconcile:explain', { key: sale });
      await call(core, 'reconcile:decide', { action: 'accept', groupKey: sale, version: shown.version });
      // The person tied it to the sale, not to one payment: the contract says so with null, never a row 0.
      const after = await call(core, 'reconcile:explain', { key: sale });
      expect(after.refunds.find((r) => r.refundId === refund.id)).toMatchObject({
        paymentId: null,
        note: 'linked by a person',
      });
    });
    const text = await cli(['reconcile', 'explain', sale, '--home', home]);
    expect(text.code, text.err).toBe(0);
    expect(text.out).toContain(`Refund #${refund.id} of the sale: linked by a person`);
    expect(holderOf(home, refund.id)).toMatchObject({
      key: sale,
      role: 'refund',
      note: 'linked by a person',
    });

    // Half the amount: by the rule alone it would now refund part of another payment (see above).
    await redeliver(home, [refund.id], (r) => ({ ...r, amountMinor: Math.round(r.amountMinor / 2) }));
    expect(holderOf(home, refund.id)).toMatchObject({
      key: sale,
      role: 'refund',
      note: 'linked by a person',
    });
    expect(staleEntries(home)).toEqual([]);
    await expectFullRebuildEquals(home);

    // Removed upstream, then delivered again: a new row, the same stable key, the same person's link.
    const again = withDb(home, (db) => {
      const [r] = asDelivered(db, [refund.id]);
      db.prepare('DELETE FROM transactions WHERE id = ?').run(refund.id);
      return r!;
    });
    await withCore(home, (core) => call(core, 'reconcile:run', { full: false }));
    expect(staleEntries(home)).toEqual([]);
    await expectFullRebuildEquals(home);
    const id = withDb(home, (db) => {
      expect(upsertTransactions(db, [again], SYNCED_AT).inserted).toBe(1);
      return db.prepare('SELECT max(id) FROM transactions').pluck().get() as number;
    });
    await withCore(home, (core) => call(core, 'reconcile:run', { full: false }));
    expect(holderOf(home, id)).toMatchObject({ key: sale, role: 'refund', note: 'linked by a person' });
    await expectFullRebuildEquals(home);
  });
});
