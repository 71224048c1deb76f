import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CanonicalTransaction } from '../../../src-main/core/model/transaction.ts';
import { upsertTransactions } from '../../../src-main/core/store/mutations/upsert-transactions.ts';
import { callCore as call } from '../../support/core-call.ts';
import { expectFullRebuildEquals, withCore } from '../../support/reconcile-state.ts';
import { syncDemoWorld, type DemoWorld } from '../../support/reconcile-world.ts';
import { asDelivered, resync } from '../../support/resync.ts';
import { withDb, worldHomes } from '../../support/world-homes.ts';

/*
 * TGI documents no link from a refund to its payment, so the refund pass ranks the payments it could
 * refund (tgi-refund-original.ts). A refund is often held by a sale weeks before it, on a day a run
 * after a later sync does not rebuild. When the candidates change on the payment side (the POS marks
 * another sale refunded, a payment synced late arrives), the refund must go where a full rebuild puts
 * it, byte for byte; a refund a person linked stays where the person put it.
 */

let w: DemoWorld;
const homes = worldHomes('posrecon-refund-original-');
beforeAll(async () => {
  w = await syncDemoWorld(7, 14, 90);
}, 120_000);
afterAll(() => homes.removeAll(w.home));

const SYNCED_AT = '2026-12-02T03:00:00.000Z';

/** Where the cache holds a record now: its group's key, its role there and the evidence's note. */
function holderOf(home: string, id: number) {
  return withDb(home, (db) =>
    db
      .prepare(
        `SELECT g.key, m.role, (SELECT json_extract(e.value, '$.note') FROM json_each(g.evidence, '$.refunds') e
            WHERE json_extract(e.value, '$.refund') = m.transaction_id) AS note
           FROM recon_members m JOIN recon_groups g ON g.id = m.group_id WHERE m.transaction_id = ?`,
      )
      .get(id),
  ) as { key: string; role: string; note: string | null } | undefined;
}

/** The cid of a TGI record (its customer), which a refund's original must share. */
const CID = (id: string) =>
  `(SELECT value FROM transaction_refs WHERE transaction_id = ${id} AND kind = 'cid')`;

/**
 * A held TGI refund and a TGI payment of its whole amount, same connection and customer, before it,
 * whose sale (another than the holder, anchored two days or more before the refund's day) the POS has
 * not marked refunded: the POS row of that sale, and both groups' keys.
 */
function rivalSale(home: string) {
  const pick = withDb(home, (db) =>
    db
      .prepare(
        `SELECT t.id AS refund, s.id AS pos, g2.key AS rival, g.key AS holder FROM transactions t
           JOIN recon_members m ON m.transaction_id = t.id AND m.role = 'refund' JOIN recon_groups g ON g.id = m.group_id
           JOIN transactions p ON p.provider = 'tgi' AND p.kind = 'capture' AND p.amount_minor = -t.amount_minor
             AND p.occurred_at < t.occurred_at AND p.connection_id = t.connection_id AND ${CID('p.id')} = ${CID('t.id')}
           JOIN recon_members pm ON pm.transaction_id = p.id AND pm.role = 'payment'
           JOIN recon_groups g2 ON g2.id = pm.group_id AND g2.id <> g.id
           JOIN recon_members sm ON sm.group_id = g2.id AND sm.role = 'sale'
           JOIN transactions s ON s.id = sm.transaction_id AND s.status = 'completed'
          WHERE t.provider = 'tgi' AND t.kind = 'refund' AND g2.anchor_date < date(t.business_date, '-1 day')
            AND NOT EXISTS (SELECT 1 FROM recon_members x JOIN transactions xs ON xs.id = x.transaction_id
                             WHERE x.group_id = g2.id AND x.role = 'sale' AND xs.status = 'refunded')
          ORDER BY p.occurred_at DESC, t.id LIMIT 1`,
      )
      .get(),
  ) as { refund: number; pos: number; rival: string; holder: string } | undefined;
  expect(pick, 'a TGI refund with a rival payment of its whole amount').toBeDefined();
  return pick!;
}

async function runIncremental(home: string) {
  const report = await withCore(home, (core) => call(core, 'reconcile:run', { full: false }));
  expect(report.full).toBe(false);
}

/** The POS marks the rival's sale refunded, as its next sync delivers it; the incremental run follows. */
async function markRefunded(home: string, pos: number) {
  withDb(home, (db) =>
    expect(resync(db, [pos], (r) => ({ ...r, status: 'refunded' }), SYNCED_AT).updated).toBe(1),
  );
  await runIncremental(home);
}

describe('a TGI refund whose candidates change on the payment side', () => {
  it('the POS marks another sale refunded: the refund moves to it, as a full rebuild has it', async () => {
    const home = homes.copy(w.dbFile);
    const { refund, pos, rival, holder } = rivalSale(home);
    expect(holderOf(home, refund)?.key).toBe(holder);
    await markRefunded(home, pos);
    expect(holderOf(home, refund)).toMatchObject({ key: rival, role: 'refund' });
    expect(holderOf(home, refund)?.note).toContain('the POS marked the sale refunded');
    await expectFullRebuildEquals(home);
  });

  it('a payment synced after its refund arrives: the refund moves to it, as a full rebuild has it', async () => {
    const home = homes.copy(w.dbFile);
    // A refund of a whole payment's amount, placed on it, with another payment it could refund (a
    // larger one, same connection and customer, within the lookback) held by a sale two days or more
    // after the payment's day: with the payment not synced yet, the refund goes there, a day the
    // payment's arrival does not rebuild.
    const pick = withDb(home, (db) =>
      db
        .prepare(
          `SELECT t.id AS refund, p.id AS payment, g.key AS holder FROM transactions t
             JOIN recon_members m ON m.transaction_id = t.id AND m.role = 'refund' JOIN recon_groups g ON g.id = m.group_id
             JOIN json_each(g.evidence, '$.refunds') e ON json_extract(e.value, '$.refund') = t.id
             JOIN transactions p ON p.id = json_extract(e.value, '$.payment')
            WHERE t.provider = 'tgi' AND t.kind = 'refund' AND p.amount_minor = -t.amount_minor
              AND EXISTS (SELECT 1 FROM transactions q JOIN recon_members qm ON qm.transaction_id = q.id AND qm.role = 'payment'
                            JOIN recon_groups qg ON qg.id = qm.group_id
                           WHERE q.provider = 'tgi' AND q.kind = 'capture' AND q.connection_id = t.connection_id
                             AND q.amount_minor >= -t.amount_minor AND q.occurred_at < t.occurred_at AND q.id <> p.id
                             AND ${CID('q.id')} = ${CID('t.id')} AND qg.anchor_date > date(p.business_date, '+2 days'))
            ORDER BY t.business_date DESC, t.id LIMIT 1`,
        )
        .get(),
    ) as { refund: number; payment: number; holder: string } | undefined;
    expect(pick, 'a TGI refund placed on a payment with another candidate days later').toBeDefined();
    const { refund, payment, holder } = pick!;
    const late = withDb(home, (db) => {
      const [r] = asDelivered(db, [payment]);
      db.prepare('DELETE FROM transactions WHERE id = ?').run(payment);
      return r!;
    });
    await runIncremental(home);
    const meanwhile = holderOf(home, refund);
    expect(meanwhile?.key, 'the refund held elsewhere while its payment is missing').toBeDefined();
    expect(meanwhile?.key).not.toBe(holder);

    withDb(home, (db) => expect(upsertTransactions(db, [late], SYNCED_AT).inserted).toBe(1));
    await runIncremental(home);
    expect(holderOf(home, refund)).toMatchObject({ key: holder, role: 'refund' });
    await expectFullRebuildEquals(home);
  });

  it("a refund a person linked stays with the person's sale when another sale is marked refunded or a payment arrives", async () => {
    const home = homes.copy(w.dbFile);
    const { refund, pos, holder } = rivalSale(home);
    await withCore(home, async (core) => {
      const shown = await call(core, 'reconcile:explain', { key: holder });
      await call(core, 'reconcile:decide', {
        action: 'link',
        groupKey: holder,
        transactionId: refund,
        version: shown.version,
      });
    });
    const byPerson = { key: holder, role: 'refund', note: 'linked by a person' };
    expect(holderOf(home, refund)).toMatchObject(byPerson);
    await markRefunded(home, pos);
    expect(holderOf(home, refund)).toMatchObject(byPerson);
    await expectFullRebuildEquals(home);

    // A payment of the refund's whole amount, synced late, minutes before it.
    const late = withDb(home, (db) => {
      const [r] = asDelivered(db, [
        db
          .prepare(
            `SELECT id FROM transactions WHERE provider = 'tgi' AND kind = 'capture' AND amount_minor = -(SELECT amount_minor FROM transactions WHERE id = ?) AND connection_id = (SELECT connection_id FROM transactions WHERE id = ?) LIMIT 1`,
          )
          .pluck()
          .get(refund, refund) as number,
      ]);
      const [x] = asDelivered(db, [refund]);
      return {
        ...r!,
        externalId: `${r!.externalId}-late`,
        occurredAt: new Date(Date.parse(x!.occurredAt) - 120_000).toISOString(),
        businessDate: x!.businessDate,
      } as CanonicalTransaction;
    });
    withDb(home, (db) => expect(upsertTransactions(db, [late], SYNCED_AT).inserted).toBe(1));
    await runIncremental(home);
    expect(holderOf(home, refund)).toMatchObject(byPerson);
    await expectFullRebuildEquals(home);
  });
});
