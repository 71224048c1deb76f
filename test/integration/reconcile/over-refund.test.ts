import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CanonicalTransaction } from '../../../src-main/core/model/transaction.ts';
import { upsertTransactions } from '../../../src-main/core/store/mutations/upsert-transactions.ts';
import { callCore as call } from '../../support/core-call.ts';
import { expectFullRebuildEquals, withCore } from '../../support/reconcile-state.ts';
import { syncDemoWorld, type DemoWorld } from '../../support/reconcile-world.ts';
import { asDelivered } from '../../support/resync.ts';
import { withDb, worldHomes } from '../../support/world-homes.ts';

/*
 * TGI refunds name no payment, so a refund of a common price scores alike against every payment of
 * that price whose sale the POS marked refunded. A payment must not take, on a rule's word alone,
 * refunds that add up to more than it took: they wait for a person, and a full rebuild agrees.
 */

let w: DemoWorld;
const homes = worldHomes('posrecon-over-refund-');
beforeAll(async () => {
  w = await syncDemoWorld(7, 14, 90);
}, 120_000);
afterAll(() => homes.removeAll(w.home));

const SYNCED_AT = '2026-12-02T03:00:00.000Z';

type Entry = { refund: number; payment: number; status: string; score: number; note: string; over?: boolean };

/** The group holding a record, its state, and its refund entries. */
function groupOf(home: string, id: number) {
  const g = withDb(home, (db) =>
    db
      .prepare(
        `SELECT g.key, g.state, json_extract(g.evidence, '$.refunds') AS refunds
           FROM recon_members m JOIN recon_groups g ON g.id = m.group_id WHERE m.transaction_id = ?`,
      )
      .get(id),
  ) as { key: string; state: string; refunds: string } | undefined;
  return g && { key: g.key, state: g.state, refunds: JSON.parse(g.refunds) as Entry[] };
}

/**
 * A TGI refund of a payment's whole amount, linked on its own, with no other TGI payment of the same
 * connection that a refund a minute later would rank above the payment: none of its amount between the
 * payment and the refund, and for a refund of all but one øre (`part`), none larger than that between
 * them and none of exactly that within the lookback.
 */
function soleWholeRefund(home: string, part = false) {
  const pick = withDb(home, (db) =>
    db
      .prepare(
        `SELECT t.id AS refund, p.id AS payment, p.amount_minor AS amount, g.key FROM transactions t
           JOIN recon_members m ON m.transaction_id = t.id AND m.role = 'refund' JOIN recon_groups g ON g.id = m.group_id
           JOIN json_each(g.evidence, '$.refunds') e ON json_extract(e.value, '$.refund') = t.id
           JOIN transactions p ON p.id = json_extract(e.value, '$.payment')
          WHERE t.provider = 'tgi' AND t.kind = 'refund' AND p.amount_minor = -t.amount_minor
            AND json_extract(e.value, '$.status') = 'auto' AND g.state = 'linked'
            AND json_array_length(g.evidence, '$.refunds') = 1
            AND NOT EXISTS (SELECT 1 FROM transactions q WHERE q.provider = 'tgi' AND q.kind = 'capture'
                  AND q.connection_id = t.connection_id AND q.id <> p.id AND q.amount_minor >= p.amount_minor - @part
                  AND q.occurred_at BETWEEN p.occurred_at AND strftime('%Y-%m-%dT%H:%M:%fZ', t.occurred_at, '+5 minutes'))
            AND NOT EXISTS (SELECT 1 FROM transactions q WHERE @part AND q.provider = 'tgi' AND q.kind = 'capture'
                  AND q.connection_id = t.connection_id AND q.amount_minor = p.amount_minor - 1
                  AND q.occurred_at BETWEEN strftime('%Y-%m-%dT%H:%M:%fZ', t.occurred_at, '-121 days')
                                        AND strftime('%Y-%m-%dT%H:%M:%fZ', t.occurred_at, '+5 minutes'))
          ORDER BY t.business_date DESC, t.id LIMIT 1`,
      )
      .get({ part: part ? 1 : 0 }),
  ) as { refund: number; payment: number; amount: number; key: string } | undefined;
  expect(pick, 'a TGI refund linked on its own to a payment of its whole amount').toBeDefined();
  return pick!;
}

/** A new TGI refund as its sync delivers it: `refund`'s copy a minute later, of `amount` if given. */
function refundAgain(home: string, refund: number, amount?: number): number {
  const again = withDb(home, (db) => {
    const [r] = asDelivered(db, [refund]);
    return {
      ...r!,
      externalId: `${r!.externalId}-again`,
      occurredAt: new Date(Date.parse(r!.occurredAt) + 60_000).toISOString(),
      amountMinor: amount ?? r!.amountMinor,
    } as CanonicalTransaction;
  });
  return withDb(home, (db) => {
    expect(upsertTransactions(db, [again], SYNCED_AT).inserted).toBe(1);
    return db
      .prepare("SELECT id FROM transactions WHERE provider = 'tgi' AND external_id = ?")
      .pluck()
      .get(again.externalId) as number;
  });
}

describe('refunds that add up to more than their payment took', () => {
  it('wait for a person, come back once a person rejects one, and agree with a full rebuild', async () => {
    const home = homes.copy(w.dbFile);
    const { refund, payment, key } = soleWholeRefund(home);

    const second = refundAgain(home, refund);
    await withCore(home, (core) => call(core, 'reconcile:run', { full: false }));

    const held = groupOf(home, second);
    expect(held?.key, 'the second refund has the same best original').toBe(key);
    expect(held?.state).toBe('review');
    expect(held?.refunds).toEqual([
      expect.objectContaining({ refund, payment, status: 'suggested', over: true }),
      expect.objectContaining({ refund: second, payment, status: 'suggested', over: true }),
    ]);
    const shown = await withCore(home, (core) => call(core, 'reconcile:explain', { key }));
    expect(shown.refunds.map((r) => r.note)).toEqual([
      expect.stringContaining(
        'together with the other refunds on this payment, more would be refunded than it took',
      ),
      expect.stringContaining(
        'together with the other refunds on this payment, more would be refunded than it took',
      ),
    ]);
    await expectFullRebuildEquals(home);

    // A person says the second refund is not this sale's: the first, alone on its payment, is linked again.
    await withCore(home, async (core) => {
      const now = await call(core, 'reconcile:explain', { key });
      await call(core, 'reconcile:decide', {
        action: 'reject',
        groupKey: key,
        transactionId: second,
        version: now.version,
      });
    });
    const after = groupOf(home, refund);
    expect(after?.key).toBe(key);
    expect(after?.refunds.find((e) => e.refund === refund)).toEqual(
      expect.objectContaining({ status: 'auto' }),
    );
    expect(after?.refunds.find((e) => e.refund === refund)).not.toHaveProperty('over');
    expect(after?.refunds.some((e) => e.refund === second)).toBe(false);
    expect(after?.state).toBe('linked');
    await expectFullRebuildEquals(home);

    // Undone, the two refunds wait for a person again.
    await withCore(home, (core) => call(core, 'reconcile:undo', {}));
    expect(groupOf(home, second)?.refunds.map((e) => [e.status, e.over])).toEqual([
      ['suggested', true],
      ['suggested', true],
    ]);
    await expectFullRebuildEquals(home);
  }, 120_000);

  it('a suggested part refund on top of a sure whole one does not hold the whole one back', async () => {
    const home = homes.copy(w.dbFile);
    const { refund, payment, amount, key } = soleWholeRefund(home, true);
    // All but one øre of the payment, a minute after its whole refund: a part refund, so a suggestion.
    const part = refundAgain(home, refund, -(amount - 1));
    await withCore(home, (core) => call(core, 'reconcile:run', { full: false }));
    const held = groupOf(home, part);
    expect(held?.key).toBe(key);
    expect(held?.refunds).toEqual([
      { refund, payment, status: 'auto', score: expect.any(Number), note: expect.any(String) },
      {
        refund: part,
        payment,
        status: 'suggested',
        score: expect.any(Number),
        note: 'refunds part of the amount',
      },
    ]);
    await expectFullRebuildEquals(home);
  }, 120_000);
});
