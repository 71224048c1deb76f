import Database from 'better-sqlite3';
import { beforeAll, describe, expect, it } from 'vitest';
import { movedByDayAndRate, movedMoney, movedMoneyTotals } from '../../../src-main/core/export/daily.ts';
import { countRows } from '../../../src-main/core/store/queries/transactions.ts';
import { all, sql } from '../../../src-main/core/store/sql.ts';
import { type DemoWorld, syncDemoWorld } from '../../support/reconcile-world.ts';

/*
 * app:info's record count and the exports' money-moved totals (Summary, the Payments sheet's count
 * and currencies, the Daily sheet's records without lines) are read from the rollups that triggers keep, not from the records. Each must equal
 * the count over the records: on a synced and reconciled demo (second views present), and after the
 * writes that move a record between rollup rows.
 */
const period = { from: '2000-01-01', to: '2100-12-31' };

function direct(db: Database.Database) {
  return all(
    db,
    sql`SELECT t.provider, t.kind, t.currency, count(*) AS n, sum(t.amount_minor) AS amountMinor
          FROM transactions t WHERE t.business_date BETWEEN ${period.from} AND ${period.to} AND ${movedMoney('t')}
         GROUP BY 1, 2, 3 ORDER BY 1, 2, 3`,
  );
}
/** The Daily sheet's groups as one query over every record and its lines (what it was before). */
function directDaily(db: Database.Database) {
  return all(
    db,
    sql`SELECT t.business_date AS date, t.provider, t.currency, l.vat_rate_bp AS rate,
               coalesce(l.category, '') = 'donation' AS donation,
               sum(coalesce(l.line_gross_minor, t.amount_minor)) AS gross, sum(l.vat_minor) AS vat,
               count(l.vat_minor) AS vatLines
          FROM transactions t LEFT JOIN transaction_lines l ON l.transaction_id = t.id
         WHERE t.business_date BETWEEN ${period.from} AND ${period.to} AND ${movedMoney('t')}
         GROUP BY 1, 2, 3, 4, 5`,
  );
}
const sorted = (rows: unknown[]) => rows.map((r) => JSON.stringify(r)).sort();
const count = (db: Database.Database) => db.prepare('SELECT count(*) FROM transactions').pluck().get();

describe('counts read from the rollups', () => {
  let w: DemoWorld;
  let db: Database.Database;
  beforeAll(async () => {
    w = await syncDemoWorld(11, 10, 30);
    db = new Database(w.dbFile);
  });

  it('equal the records on a synced, reconciled cache with second views', () => {
    expect(db.prepare('SELECT count(*) FROM recon_views').pluck().get()).toBeGreaterThan(0);
    expect(countRows(db).transactions).toBe(count(db));
    const totals = movedMoneyTotals(db, period);
    expect(totals.map((x) => x.provider)).toContain('sentrypos'); // the till's cash
    expect(totals).toEqual(direct(db));
    const daily = movedByDayAndRate(db, period);
    // Records with lines (the till's items, Vipps order lines) and without are both there.
    expect(daily.some((g) => g.vatLines > 0)).toBe(true);
    expect(daily.some((g) => g.rate === null)).toBe(true);
    expect(sorted(daily)).toEqual(sorted(directDaily(db)));
    // A single day, at the edge of a range read.
    const day = db.prepare('SELECT max(business_date) FROM transactions').pluck().get() as string;
    const one = { from: day, to: day };
    expect(movedMoneyTotals(db, one)).toEqual(
      all(
        db,
        sql`SELECT t.provider, t.kind, t.currency, count(*) AS n, sum(t.amount_minor) AS amountMinor
              FROM transactions t WHERE t.business_date = ${day} AND ${movedMoney('t')}
             GROUP BY 1, 2, 3 ORDER BY 1, 2, 3`,
      ),
    );
  });

  it('stay equal after records change status, amount, day and currency, are deleted, and stop being second views', () => {
    const ids = (q: string) => db.prepare(q).pluck().all() as number[];
    const captures = ids(
      `SELECT id FROM transactions WHERE kind = 'capture' AND status = 'completed' ORDER BY id LIMIT 4`,
    );
    db.prepare(`UPDATE transactions SET status = 'failed' WHERE id = ?`).run(captures[0]);
    db.prepare(`UPDATE transactions SET amount_minor = amount_minor + 1234 WHERE id = ?`).run(captures[1]);
    db.prepare(`UPDATE transactions SET business_date = '2001-01-01' WHERE id = ?`).run(captures[2]);
    db.prepare(`UPDATE transactions SET currency = 'SEK' WHERE id = ?`).run(captures[3]);
    const cash = ids(
      `SELECT id FROM transactions WHERE provider = 'sentrypos' AND upper(network) = 'CASH' LIMIT 1`,
    );
    db.prepare(`DELETE FROM transactions WHERE id = ?`).run(cash[0]);
    const view = ids(`SELECT transaction_id FROM recon_views v JOIN transactions t ON t.id = v.transaction_id
                       WHERE t.kind IN ('capture', 'refund') LIMIT 1`);
    db.prepare(`DELETE FROM recon_views WHERE transaction_id = ?`).run(view[0]);
    // A record gains its first line, and one loses its last.
    const plain = ids(`SELECT id FROM transactions t WHERE kind = 'capture' AND status = 'completed'
                        AND NOT EXISTS (SELECT 1 FROM transaction_lines l WHERE l.transaction_id = t.id) LIMIT 1`);
    db.prepare(
      `INSERT INTO transaction_lines (transaction_id, line_no, name, quantity, line_gross_minor, vat_rate_bp, vat_minor)
       SELECT id, 0, 'Coffee', 1, amount_minor, 1500, amount_minor * 15 / 115 FROM transactions WHERE id = ?`,
    ).run(plain[0]);
    const lined = ids(`SELECT transaction_id FROM transaction_lines GROUP BY 1 HAVING count(*) = 1 LIMIT 1`);
    db.prepare(`DELETE FROM transaction_lines WHERE transaction_id = ?`).run(lined[0]);

    expect(countRows(db).transactions).toBe(count(db));
    expect(movedMoneyTotals(db, period)).toEqual(direct(db));
    expect(sorted(movedByDayAndRate(db, period))).toEqual(sorted(directDaily(db)));
  });
});
