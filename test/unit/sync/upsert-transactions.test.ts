import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { addConnection } from '../../../src-main/core/store/mutations/connections.ts';
import {
  upsertTransactions,
  upsertWithinTransaction,
} from '../../../src-main/core/store/mutations/upsert-transactions.ts';
import { openStore } from '../../../src-main/core/store/open-store.ts';
import { useTempHome } from '../../support/temp-home.ts';
import { canonical } from './fake-connector.ts';

const tempHome = useTempHome();

async function setup() {
  const store = await openStore(path.join(tempHome(), 'posrecon.sqlite'));
  const conn = addConnection(store.db, { provider: 'tgi', name: 'Shop TGI', config: {} }, 'test');
  const totalChanges = () => (store.db.prepare('SELECT total_changes() AS n').get() as { n: number }).n;
  return { store, db: store.db, id: conn.id, totalChanges };
}

describe('upsertTransactions', () => {
  it('inserts once and leaves an identical re-delivery completely untouched', async () => {
    const { db, id, totalChanges, store } = await setup();
    const page = [canonical(id, 'a'), canonical(id, 'b'), canonical(id, 'c')];
    expect(upsertTransactions(db, page, '2024-03-01T12:00:00.000Z')).toEqual({
      inserted: 3,
      updated: 0,
      unchanged: 0,
      changes: 0,
    });
    const before = totalChanges();
    // Same content, references in another order and duplicated: still the same record.
    const again = page.map((r) => ({ ...r, references: [...r.references, ...r.references].reverse() }));
    expect(upsertTransactions(db, again, '2024-03-02T12:00:00.000Z')).toEqual({
      inserted: 0,
      updated: 0,
      unchanged: 3,
      changes: 0,
    });
    expect(totalChanges()).toBe(before);
    expect(db.prepare('SELECT DISTINCT updated_at FROM transactions').pluck().all()).toEqual([
      '2024-03-01T12:00:00.000Z',
    ]);
    expect(db.prepare('SELECT count(*) FROM transaction_refs').pluck().get()).toBe(3);
    expect(db.prepare('SELECT count(*) FROM transaction_lines').pluck().get()).toBe(3);
    store.close();
  });

  it('logs every changed field with before and after, then updates the record and its children', async () => {
    const { db, id, store } = await setup();
    upsertTransactions(db, [canonical(id, 'a')], '2024-03-01T12:00:00.000Z');
    const changed = canonical(id, 'a', {
      status: 'partially_refunded',
      providerStatus: 'refund',
      amountMinor: 10_00,
      businessDate: '2024-03-02',
      references: [
        { kind: 'tid', value: 'T-a' },
        { kind: 'invoiceId', value: 'INV-9' },
      ],
      raw: { id: 'a', total: 1000, refunded: 250 },
    });
    changed.lines = [{ ...changed.lines[0]!, quantity: 2, lineGrossMinor: 20_00 }];
    expect(upsertTransactions(db, [changed], '2024-03-05T08:00:00.000Z')).toMatchObject({
      updated: 1,
      changes: 7,
    });
    const log = db
      .prepare('SELECT field, before, after, changed_at, external_id FROM change_log ORDER BY id')
      .all() as { field: string; before: string; after: string }[];
    const byField = Object.fromEntries(log.map((l) => [l.field, [l.before, l.after]]));
    expect(byField).toMatchObject({
      amountMinor: ['1250', '1000'],
      status: ['completed', 'partially_refunded'],
      providerStatus: ['complete', 'refund'],
      businessDate: ['2024-03-01', '2024-03-02'],
    });
    expect(JSON.parse(byField.references![1]!)).toEqual(expect.arrayContaining([['invoiceId', 'INV-9']]));
    expect(byField.lines![0]).toContain('1250');
    expect(byField.lines![1]).toContain('2000');
    expect(JSON.parse(byField.raw![1]!)).toEqual({ id: 'a', total: 1000, refunded: 250 });
    expect(db.prepare('SELECT amount_minor, status, updated_at FROM transactions').get()).toEqual({
      amount_minor: 10_00,
      status: 'partially_refunded',
      updated_at: '2024-03-05T08:00:00.000Z',
    });
    expect(db.prepare('SELECT value FROM transaction_refs ORDER BY value').pluck().all()).toEqual([
      'INV-9',
      'T-a',
    ]);
    expect(db.prepare('SELECT quantity, line_gross_minor FROM transaction_lines').get()).toEqual({
      quantity: 2,
      line_gross_minor: 20_00,
    });
    // Delivering the new state again is a no-op: nothing more in the log.
    expect(upsertTransactions(db, [changed])).toMatchObject({ unchanged: 1, changes: 0 });
    expect(db.prepare('SELECT count(*) FROM change_log').pluck().get()).toBe(7);
    store.close();
  });

  it('keys on provider, connection and external id: the same id elsewhere is another record', async () => {
    const { db, id, store } = await setup();
    const other = addConnection(db, { provider: 'tgi', name: 'Second shop', config: {} }, 'test');
    upsertTransactions(db, [
      canonical(id, 'x'),
      canonical(other.id, 'x'),
      canonical(id, 'x', { provider: 'cents' }),
    ]);
    expect(db.prepare('SELECT count(*) FROM transactions').pluck().get()).toBe(3);
    store.close();
  });

  it('rolls a failing page back as a whole', async () => {
    const { db, id, store } = await setup();
    const bad = canonical(id, 'bad', { kind: 'nonsense' as never });
    expect(() => upsertTransactions(db, [canonical(id, 'ok'), bad])).toThrow(/CHECK constraint/);
    expect(db.prepare('SELECT count(*) FROM transactions').pluck().get()).toBe(0);
    store.close();
  });

  it("within the caller's transaction: refuses to run without one, and rolls back with it", async () => {
    const { db, id, store } = await setup();
    expect(() => upsertWithinTransaction(db, [canonical(id, 'a')], 'now')).toThrow(/open transaction/);
    const bad = canonical(id, 'bad', { kind: 'nonsense' as never });
    const audited = db.prepare('SELECT count(*) FROM audit_log').pluck().get();
    const page = db.transaction(() => {
      upsertWithinTransaction(db, [canonical(id, 'ok')], '2024-03-01T12:00:00.000Z');
      db.prepare("INSERT INTO audit_log (at, actor, action) VALUES ('x', 'sync', 'bookmark')").run();
      upsertWithinTransaction(db, [canonical(id, 'ok2'), bad], '2024-03-01T12:00:00.000Z');
    });
    expect(page).toThrow(/CHECK constraint/);
    expect(db.prepare('SELECT count(*) FROM transactions').pluck().get()).toBe(0);
    expect(db.prepare('SELECT count(*) FROM transaction_refs').pluck().get()).toBe(0);
    expect(db.prepare('SELECT count(*) FROM audit_log').pluck().get()).toBe(audited);
    expect(db.inTransaction).toBe(false);
    store.close();
  });
});
