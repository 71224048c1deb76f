import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { operations } from '../../../src-main/core/api/contract.ts';
import { RECON_STATES } from '../../../src-main/core/model/recon-state.ts';
import { listTransactions } from '../../../src-main/core/search/list-transactions.ts';
import { searchTransactions } from '../../../src-main/core/search/search-transactions.ts';
import { extrasQuery, linesQuery } from '../../../src-main/core/search/summaries.ts';
import { getTransactionDetail } from '../../../src-main/core/search/transaction-detail.ts';
import type { Sql } from '../../../src-main/core/store/sql.ts';
import { type DemoWorld, syncDemoWorld } from '../../support/reconcile-world.ts';

/**
 * The words and reconciliation state of listed records, read from a demo world synced from the sandbox
 * over HTTP and reconciled by the real CLI: every provider, every kind of record.
 */
let w: DemoWorld;
let db: Database.Database;

beforeAll(async () => {
  w = await syncDemoWorld(21, 10, 25);
  db = new Database(w.dbFile, { readonly: true });
}, 180_000);
afterAll(() => db?.close());

const search = (input: object) =>
  searchTransactions(db, operations['transactions:search'].input.parse({ limit: 200, ...input }));

/** One record of each provider, kind and provider status, the way the list shows it. */
function eachSort() {
  const ids = db
    .prepare(
      `SELECT min(id) AS id FROM transactions
        GROUP BY provider, kind, provider_status, substr(external_id, 1, instr(external_id, ':'))`,
    )
    .all() as { id: number }[];
  return ids.map(({ id }) => getTransactionDetail(db, id));
}

describe('records in a shop manager’s words', () => {
  it('describes every sort of record by what it is, never by its raw id or a wire field name', () => {
    const records = eachSort();
    expect(new Set(records.map((r) => r.provider))).toEqual(
      new Set(['sentrypos', 'vipps', 'tgi', 'sensepass', 'cents']),
    );
    for (const r of records) {
      const where = `${r.provider} ${r.kind} ${r.providerStatus}: “${r.description}”`;
      expect(r.description.trim(), where).not.toBe('');
      expect(r.description, where).not.toContain(r.externalId);
      expect(r.description, where).not.toMatch(
        /SHOPPING_BASKET|VARIABLE_AMOUNT|MPOS|ledger:|pspReference|WALLET|STRIPE\b|pay_[0-9a-f]{6}/,
      );
    }
  });

  it('names products and how a sale was paid, borrowing a POS sale’s products from the payment it was linked to', () => {
    const row = db
      .prepare(
        `SELECT s.id, group_concat(l.name, '|') AS names FROM transactions s
           JOIN recon_members m ON m.transaction_id = s.id AND m.role = 'sale'
           JOIN recon_members p ON p.group_id = m.group_id AND p.role = 'payment'
           JOIN transactions v ON v.id = p.transaction_id AND v.provider = 'vipps'
           JOIN transaction_lines l ON l.transaction_id = v.id
          WHERE s.provider = 'sentrypos' AND s.network = 'VIPPS' GROUP BY s.id, v.id LIMIT 1`,
      )
      .get() as { id: number; names: string };
    const sale = getTransactionDetail(db, row.id);
    expect(sale.description).toContain(row.names.split('|')[0]);
    expect(sale.description).toMatch(/· Vipps$/);
    expect(sale.paidWith).toBe('Vipps');
  });

  it('labels every reference in plain words, keeping the provider’s own field name', () => {
    for (const r of eachSort()) {
      for (const ref of r.references) {
        expect(ref.label, `${r.provider} ${ref.kind}`).not.toBe(ref.kind);
        expect(ref.label).toMatch(/^[A-Z][a-z]/);
      }
    }
    const vipps = eachSort().find((r) => r.references.some((x) => x.kind === 'pspReference'))!;
    expect(vipps.references.find((x) => x.kind === 'pspReference')?.label).toBe('Vipps reference');
  });

  it('gives payouts the bank as their direction, refunds and fees money out, whatever their sign', () => {
    const byKind = (kind: string) => search({ kinds: [kind] }).items;
    expect(byKind('payout').every((t) => t.direction === 'bank' && t.amountMinor < 0)).toBe(true);
    const fees = byKind('fee');
    expect(fees.some((t) => t.amountMinor > 0)).toBe(true); // capture fees, positive in the fees ledger
    expect(fees.every((t) => t.direction === 'out')).toBe(true);
    expect(byKind('refund').every((t) => t.direction === 'out')).toBe(true);
    expect(byKind('sale').every((t) => t.direction === 'in')).toBe(true);
  });
});

describe('reconciliation state of each listed record', () => {
  it('is the state of the group it belongs to, for every page the list and the search read', () => {
    const expected = new Map(
      (
        db
          .prepare(
            `SELECT m.transaction_id AS id, g.state, m.role FROM recon_members m JOIN recon_groups g ON g.id = m.group_id`,
          )
          .all() as { id: number; state: string; role: string }[]
      ).map((r) => [
        r.id,
        r.role === 'attempt' || r.role === 'pre-transaction'
          ? 'explained'
          : r.role === 'duplicate'
            ? 'review'
            : r.state,
      ]),
    );
    let cursor: string | null = null;
    let seen = 0;
    const states = new Set<string>();
    do {
      const page = listTransactions(db, 500, cursor);
      for (const t of page.items) {
        states.add(t.reconState);
        const want = expected.get(t.id);
        if (want) expect(t.reconState, `${t.provider} ${t.kind} ${t.id}`).toBe(want);
        else expect(t.reconState).not.toBe('explained');
      }
      seen += page.items.length;
      cursor = page.nextCursor;
    } while (cursor);
    expect(seen).toBe((db.prepare('SELECT count(*) AS n FROM transactions').get() as { n: number }).n);
    expect([...states].every((s) => (RECON_STATES as readonly string[]).includes(s))).toBe(true);
    expect(states).toContain('linked');
  });

  it('says unmatched for a payment no sale was found for, and linked for a payout equal to what it settles', () => {
    const lonely = db
      .prepare(
        `SELECT j.value AS id FROM recon_discrepancies d, json_each(d.transaction_ids) j
          WHERE d.class = 'payment_without_sale' LIMIT 1`,
      )
      .get() as { id: number } | undefined;
    if (lonely) expect(getTransactionDetail(db, lonely.id).reconState).toBe('unmatched');
    const payout = db
      .prepare('SELECT transaction_id AS id, difference_minor AS d FROM recon_payouts LIMIT 1')
      .get() as { id: number; d: number };
    expect(getTransactionDetail(db, payout.id).reconState).toBe(payout.d === 0 ? 'linked' : 'review');
  });

  it('reads a page’s words with primary-key look-ups only, never a scan of a table', () => {
    const ids = search({}).items.map((t) => t.id);
    const explain = (q: Sql) =>
      (db.prepare(`EXPLAIN QUERY PLAN ${q.text}`).all(...q.values) as { detail: string }[]).map(
        (r) => r.detail,
      );
    const steps = [...explain(extrasQuery(ids)), ...explain(linesQuery(ids))];
    expect(steps).toContain('SEARCH t USING INTEGER PRIMARY KEY (rowid=?)');
    // Only the page's ids (json_each) are walked; every table is searched by key.
    for (const step of steps) expect(step).not.toMatch(/^SCAN (?!(j|json_each) VIRTUAL TABLE)/);
  });
});
