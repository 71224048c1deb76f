import Database from 'better-sqlite3';
import { rmSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadByIds, loadDay, type Rec } from '../../../src-main/core/reconcile/load-day.ts';
import { SENSEPASS_OWN_REFERENCES } from '../../../src-main/core/providers/sensepass/normalize.ts';
import { syncDemoWorld, type DemoWorld } from '../../support/reconcile-world.ts';

/*
 * The oracle: the loader's SELECT as it was before it read rows raw, asked the twin lookup only of the
 * rows that can have a twin, and skipped the holding group on full runs. Every part is a plain
 * correlated subquery per record, as the field docs in load-day.ts describe them.
 */
const ORACLE = `SELECT t.id, t.provider, t.connection_id, t.external_id, t.kind, t.amount_minor, t.currency, t.status,
    t.provider_status, t.occurred_at, t.business_date, t.customer_name, t.customer_phone, t.method, t.network,
    t.fingerprint,
    CASE t.provider
      WHEN 'sentrypos' THEN (SELECT value FROM transaction_refs r WHERE r.transaction_id = t.id AND r.kind = 'invoiceId')
      WHEN 'vipps' THEN (SELECT value FROM transaction_refs r WHERE r.transaction_id = t.id AND r.kind = 'reference')
      WHEN 'cents' THEN (SELECT value FROM transaction_refs r WHERE r.transaction_id = t.id AND r.kind = 'order_id')
      WHEN 'sensepass' THEN (SELECT group_concat(value, char(31)) FROM transaction_refs r WHERE r.transaction_id = t.id
        AND r.kind NOT IN (${SENSEPASS_OWN_REFERENCES.map((k) => `'${k}'`).join(', ')}))
    END AS refs,
    CASE t.provider
      WHEN 'vipps' THEN (SELECT value FROM transaction_refs r WHERE r.transaction_id = t.id AND r.kind = 'pspReference')
      WHEN 'cents' THEN (SELECT value FROM transaction_refs r WHERE r.transaction_id = t.id AND r.kind = 'reconciliation_id')
      WHEN 'tgi' THEN (SELECT value FROM transaction_refs r WHERE r.transaction_id = t.id AND r.kind = 'cid')
    END AS link,
    CASE WHEN t.provider = 'cents' THEN (SELECT line_gross_minor FROM transaction_lines l
      WHERE l.transaction_id = t.id AND l.category = 'order') END AS order_minor,
    CASE WHEN t.provider = 'vipps' AND t.external_id LIKE 'sales:%' THEN (SELECT sum(line_gross_minor)
      FROM transaction_lines l WHERE l.transaction_id = t.id AND upper(l.category) = 'TIPS') END AS tip_minor,
    CASE WHEN t.provider = 'vipps' AND t.external_id NOT LIKE 'sales:%' THEN (
      SELECT t2.id FROM transaction_refs r2 CROSS JOIN transactions t2 ON t2.id = r2.transaction_id
       WHERE r2.value = (SELECT value FROM transaction_refs r WHERE r.transaction_id = t.id AND r.kind = 'pspReference')
         AND r2.kind = 'pspReference' AND t2.connection_id = t.connection_id AND t2.kind = t.kind AND t2.id <> t.id
         AND (CASE WHEN t.kind IN ('capture', 'refund') THEN t2.external_id LIKE 'sales:%'
                   WHEN t.external_id LIKE 'fees:%' AND t.provider_status = 'fees-retained'
                     THEN t2.external_id LIKE 'funds:%' AND t2.provider_status = 'fees-retained'
                   ELSE 0 END)
       ORDER BY t2.id LIMIT 1)
    END AS twin_id, g.anchor_date AS held_by, g.key AS held_key, m.role AS held_role
  FROM transactions t LEFT JOIN recon_members m ON m.transaction_id = t.id
    LEFT JOIN recon_groups g ON g.id = m.group_id`;

function oracle(db: Database.Database, where: string, ...params: unknown[]): Rec[] {
  const rows = db.prepare(`${ORACLE} WHERE ${where} ORDER BY t.id`).all(...params) as Record<
    string,
    unknown
  >[];
  return rows.map(
    (r) =>
      ({
        id: r.id,
        provider: r.provider,
        connectionId: r.connection_id,
        externalId: r.external_id,
        kind: r.kind,
        amount: r.amount_minor,
        currency: r.currency,
        status: r.status,
        providerStatus: r.provider_status,
        atMs: Date.parse(r.occurred_at as string),
        date: r.business_date,
        customerName: r.customer_name,
        customerPhone: r.customer_phone,
        method: r.method,
        network: r.network,
        fingerprint: r.fingerprint,
        refs: r.refs ? (r.refs as string).split('\u001f').filter((s) => s.length > 0) : [],
        link: r.link,
        orderMinor: r.order_minor,
        tipMinor: r.tip_minor ?? 0,
        twinId: r.twin_id,
        heldBy: r.held_by,
        heldKey: r.held_key,
        heldRole: r.held_role,
      }) as Rec,
  );
}

let w: DemoWorld;
let db: Database.Database;
beforeAll(async () => {
  // A demo world synced through the real sandbox and reconciled by the demo's own run.
  w = await syncDemoWorld(3, 10, 80);
  db = new Database(w.dbFile, { readonly: true });
}, 120_000);
afterAll(() => {
  db?.close();
  if (w) rmSync(w.home, { recursive: true, force: true });
});

describe('loadDay', () => {
  it('reads every day exactly as the per-record subqueries do, with and without the holding group', () => {
    const days = db
      .prepare('SELECT DISTINCT business_date FROM transactions ORDER BY 1')
      .pluck()
      .all() as string[];
    const all: Rec[] = [];
    for (const d of days) {
      const expected = oracle(db, 't.business_date = ?', d);
      expect(loadDay(db, d)).toEqual(expected);
      // A full run's read: the same records, nothing about the groups that held them.
      expect(loadDay(db, d, { held: false })).toEqual(
        expected.map((r) => ({ ...r, heldBy: null, heldKey: null, heldRole: null })),
      );
      all.push(...expected);
    }
    // The world holds every part the loader puts together, so each comparison above meant something.
    const vippsReport = all.filter((r) => r.provider === 'vipps' && !r.externalId.startsWith('sales:'));
    expect(vippsReport.filter((r) => r.kind === 'capture' && r.twinId !== null).length).toBeGreaterThan(0);
    expect(vippsReport.filter((r) => r.kind === 'refund' && r.twinId !== null).length).toBeGreaterThan(0);
    expect(vippsReport.filter((r) => r.kind === 'fee' && r.twinId !== null).length).toBeGreaterThan(0);
    expect(all.filter((r) => r.provider === 'cents' && r.orderMinor !== null).length).toBeGreaterThan(0);
    expect(all.filter((r) => r.provider === 'vipps' && r.tipMinor > 0).length).toBeGreaterThan(0);
    expect(all.filter((r) => r.provider === 'sensepass' && r.refs.length > 0).length).toBeGreaterThan(0);
    expect(all.filter((r) => r.link !== null).length).toBeGreaterThan(0);
    expect(all.filter((r) => r.heldKey !== null).length).toBeGreaterThan(0);
  });

  it('reads records by id across days as the subqueries do', () => {
    const ids = db
      .prepare("SELECT id FROM transactions WHERE kind IN ('refund', 'fee') OR id % 7 = 0 ORDER BY id")
      .pluck()
      .all() as number[];
    expect(ids.length).toBeGreaterThan(100);
    expect(loadByIds(db, ids)).toEqual(
      oracle(db, 't.id IN (SELECT value FROM json_each(?))', JSON.stringify(ids)),
    );
  });
});
