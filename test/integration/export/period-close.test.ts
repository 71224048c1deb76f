import Database from 'better-sqlite3';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Core, createCore } from '../../../src-main/core/core.ts';
import { exportsDir } from '../../../src-main/core/export/export-api.ts';
import type { CanonicalTransaction } from '../../../src-main/core/model/transaction.ts';
import { upsertTransactions } from '../../../src-main/core/store/mutations/upsert-transactions.ts';
import { shopToday } from '../../../src-main/core/sync/engine.ts';
import { type XlsxRead, readXlsx } from '../../support/read-xlsx.ts';
import { type DemoWorld, syncDemoWorld } from '../../support/reconcile-world.ts';
import { asDelivered } from '../../support/resync.ts';
import { cli } from '../../unit/cli/run-cli.ts';

/*
 * Period close on a real demo cache (SQLite file, worker thread, workbook read back by openpyxl):
 * close a week, change a closed day upstream (an amount re-synced, a late payment), and check the
 * closed week re-exports as booked while the next week books the difference once.
 */
type Entry = {
  id: number;
  fileName: string;
  asBookedIn: number | null;
  closes: boolean;
  postCloseAdjustments: number;
};
type Period = { id: number; from: string; to: string; exportId: number; reopenedAt: string | null };

const addDays = (d: string, n: number) =>
  new Date(Date.parse(`${d}T00:00:00Z`) + n * 86_400_000).toISOString().slice(0, 10);
const minor = (major: number) => Math.round(major * 100);

describe('closing a period', () => {
  let w: DemoWorld;
  let core: Core;
  const today = shopToday('Europe/Oslo');
  const p1 = { from: addDays(today, -14), to: addDays(today, -8) };
  const p2 = { from: addDays(today, -7), to: addDays(today, -1) };
  let closed1: Period;
  let booked1: XlsxRead;
  let changedDay: string;
  let delta: number;

  const call = async <T>(op: string, input: unknown) => {
    const r = await core.dispatch(op, input);
    if (!r.ok) throw Object.assign(new Error(r.error.message), { code: r.error.code });
    return r.value as T;
  };
  const refused = async (op: string, input: unknown) => {
    const r = await core.dispatch(op, input);
    expect(r.ok).toBe(false);
    return (r as { error: { code: string; message: string } }).error;
  };
  const read = (e: Entry) => readXlsx(path.join(exportsDir(w.home), e.fileName));
  /** Every sheet's cells; a re-export's Summary ends with a note of its own (3 rows), left out. */
  const values = (r: XlsxRead, reExport = false) =>
    Object.fromEntries(
      Object.entries(r).map(([name, s]) => [
        name,
        name === 'Summary' && reExport ? s.rows.slice(0, -3) : s.rows,
      ]),
    );

  beforeAll(async () => {
    w = await syncDemoWorld(13, 16, 14);
    core = await createCore({ home: w.home, actor: 'test' });
  }, 240_000);
  afterAll(() => core?.close());

  it('closes a week with its workbook and freezes decisions on its days', async () => {
    const r = await call<{ period: Period; export: Entry }>('export:close', p1);
    closed1 = r.period;
    expect(r.period).toMatchObject({ from: p1.from, to: p1.to, closedBy: 'test', reopenedAt: null });
    expect(r.export).toMatchObject({ closes: true, asBookedIn: null, id: r.period.exportId });
    booked1 = read(r.export);
    expect(Object.keys(booked1)).toContain('Journal');

    // A linked payment on a closed day cannot be unlinked: the accountant booked that link.
    const db = core.store.db;
    const linked = db
      .prepare(
        `SELECT g.key, m.transaction_id AS id FROM recon_groups g JOIN recon_members m ON m.group_id = g.id
          WHERE m.role = 'payment' AND g.anchor_date BETWEEN ? AND ? LIMIT 1`,
      )
      .get(p1.from, p1.to) as { key: string; id: number };
    const e = await refused('reconcile:decide', {
      groupKey: linked.key,
      action: 'unlink',
      transactionId: linked.id,
    });
    expect(e.code).toBe('PERIOD_CLOSED');
    expect(e.message).toContain(`${p1.from} to ${p1.to} are closed`);
    const audit = db.prepare(`SELECT action, subject FROM audit_log WHERE action = 'export:close'`).all();
    expect(audit).toEqual([{ action: 'export:close', subject: `${p1.from}..${p1.to}` }]);
  });

  it('refuses a bad close: overlapping, out of order, not over yet', async () => {
    expect((await refused('export:close', p1)).code).toBe('PERIOD_CLOSED');
    expect(
      (await refused('export:close', { from: addDays(p1.from, -7), to: addDays(p1.from, -1) })).message,
    ).toContain('closed in order');
    expect((await refused('export:close', { from: p2.from, to: today })).message).toContain('not over yet');
    // A period that takes in some closed days and some open ones has no single truth to export.
    expect((await refused('export:xlsx', { from: p1.to, to: p2.to })).code).toBe('PERIOD_CLOSED');
    expect((await refused('export:reopen', { id: closed1.id, reason: '' })).code).toBe('BAD_INPUT');
  });

  it('an upstream change on a closed day: the closed week re-exports as booked, the next books the difference', async () => {
    const db = core.store.db;
    // A TGI card capture on a closed day is re-synced with a higher amount; a late SensePass payment
    // arrives for that day. (Neither carries order lines, which the canonical form below leaves out.)
    const row = db
      .prepare(
        `SELECT * FROM transactions t WHERE provider = 'tgi' AND kind = 'capture' AND status = 'completed'
           AND business_date BETWEEN ? AND ? AND NOT EXISTS (SELECT 1 FROM transaction_lines l WHERE l.transaction_id = t.id)
         ORDER BY id LIMIT 1`,
      )
      .get(p1.from, p1.to) as Record<string, string | number | null>;
    changedDay = row.business_date as string;
    delta = 5000;
    // A record as its provider delivers it again (lines are none: both rows are picked without any).
    const canonical = (r: Record<string, string | number | null>, o: Partial<CanonicalTransaction>) =>
      ({ ...asDelivered(db, [r.id as number])[0]!, ...o }) as CanonicalTransaction;
    const other = db
      .prepare(
        `SELECT * FROM transactions t WHERE provider = 'sensepass' AND kind = 'capture' AND status = 'completed'
           AND NOT EXISTS (SELECT 1 FROM transaction_lines l WHERE l.transaction_id = t.id) LIMIT 1`,
      )
      .get() as Record<string, string | number | null>;
    const late = canonical(other, {
      externalId: `late-${other.external_id}`,
      businessDate: changedDay,
      amountMinor: 12_300,
      references: [],
    });
    const counts = upsertTransactions(db, [
      canonical(row, { amountMinor: (row.amount_minor as number) + delta }),
      late,
    ]);
    expect(counts).toMatchObject({ inserted: 1, updated: 1 });
    await core.reconcile.run(false);

    const again = await call<Entry>('export:xlsx', p1);
    expect(again).toMatchObject({ asBookedIn: closed1.id, closes: false });
    const reread = read(again);
    expect(values(reread, true)).toEqual(values(booked1));
    expect(reread.Summary!.rows.at(-2)![0]![1]).toContain('This period is closed');

    const next = await call<Entry>('export:xlsx', p2);
    expect(next.asBookedIn).toBeNull();
    expect(next.postCloseAdjustments).toBeGreaterThan(0);
    const book = read(next);
    const adj = book['Post-close adjustments']!.rows.slice(1).filter((r) => r[0]![0] === 'date');
    const changed = adj.filter((r) => r[1]![1] === `${changedDay}T00:00:00`);
    // Booked on the next period's first day; the Vipps and TGI takings of the closed day moved.
    for (const r of changed) expect(r[0]).toEqual(['date', `${p2.from}T00:00:00`]);
    const byTender: Record<string, number> = {};
    for (const r of changed)
      byTender[r[3]![1] as string] = (byTender[r[3]![1] as string] ?? 0) + minor(r[7]![1] as number);
    expect(byTender).toEqual({ TGI: delta, SensePass: 12_300 });
    const words = changed.map((r) => String(r[11]![1])).join(' ');
    expect(words).toContain(
      `${row.external_id}: amount NOK ${((row.amount_minor as number) / 100).toFixed(2)} → NOK`,
    );
    expect(words).toContain(`late-${other.external_id} arrived late`);
    // The Journal books it once, balanced, dated the first day of the next period.
    const lines = book.Journal!.rows.slice(1).filter((r) => String(r[0]![1]).startsWith('A-'));
    expect(lines.length).toBeGreaterThan(0);
    const sides = new Map<string, number>();
    for (const l of lines) {
      expect(l[1]).toEqual(['date', `${p2.from}T00:00:00`]);
      const d = l[3]![0] === 'number' ? minor(l[3]![1] as number) : 0;
      const c = l[4]![0] === 'number' ? minor(l[4]![1] as number) : 0;
      sides.set(l[0]![1] as string, (sides.get(l[0]![1] as string) ?? 0) + d - c);
    }
    for (const [voucher, diff] of sides) expect({ voucher, diff }).toEqual({ voucher, diff: 0 });
  });

  it('once the next week is closed, its adjustments are booked and not shown again', async () => {
    const r = await call<{ period: Period; export: Entry }>('export:close', p2);
    expect(r.export.postCloseAdjustments).toBeGreaterThan(0);
    const later = await call<Entry>('export:xlsx', { from: today, to: today });
    expect(later.postCloseAdjustments).toBe(0);

    // Reopening goes from the latest, with a reason, audited; decisions on its days thaw.
    expect(
      (await refused('export:reopen', { id: closed1.id, reason: 'a typo in week one' })).message,
    ).toContain(`Reopen ${p2.from} to ${p2.to} first`);
    const reopened = await call<Period & { reopenReason: string }>('export:reopen', {
      id: r.period.id,
      reason: 'the bank statement came late',
    });
    expect(reopened).toMatchObject({ reopenedBy: 'test', reopenReason: 'the bank statement came late' });
    expect(
      (await call<{ periods: Period[] }>('export:periods', {})).periods.map((p) => p.reopenedAt === null),
    ).toEqual([false, true]);
    const rows = core.store.db
      .prepare(`SELECT count(*) AS n FROM closed_period_rows WHERE period_id = ?`)
      .get(r.period.id) as { n: number };
    expect(rows.n).toBe(0);
    // The reopened week is live again: it shows the adjustments to week one once more.
    expect((await call<Entry>('export:xlsx', p2)).postCloseAdjustments).toBeGreaterThan(0);
  });

  it('the CLI closes with --close, lists, and reopens with a reason', async () => {
    const out = path.join(w.home, 'week.xlsx');
    const early = { from: addDays(today, -28), to: addDays(today, -22) };
    let r = await cli([
      'export',
      '--home',
      w.home,
      '--from',
      early.from,
      '--to',
      early.to,
      '--close',
      '--out',
      out,
    ]);
    expect(r.code).toBe(2);
    expect(r.err).toContain('closed in order');
    r = await cli([
      'export',
      '--home',
      w.home,
      '--from',
      p2.from,
      '--to',
      p2.to,
      '--close',
      '--format',
      'csv',
    ]);
    expect(r.code).toBe(2);
    r = await cli(['export', '--home', w.home, '--from', p2.from, '--to', p2.to, '--close', '--out', out]);
    expect(r.code).toBe(0);
    expect(r.out).toContain(`Closed the books for ${p2.from} to ${p2.to}`);
    r = await cli(['reopen', '--home', w.home, '--list']);
    expect(r.out.split('\n').filter((l) => l.startsWith(`${p2.from} to ${p2.to}: closed`))).toHaveLength(2);
    r = await cli(['reopen', '--home', w.home, '--from', p2.from, '--to', p2.to, '--reason', ' ']);
    expect(r.code).toBe(2);
    expect(r.err).toContain('Say why');
    r = await cli([
      'reopen',
      '--home',
      w.home,
      '--from',
      p2.from,
      '--to',
      p2.to,
      '--reason',
      'wrong VAT rate',
    ]);
    expect(r.code).toBe(0);
    expect(r.out).toContain(`Reopened ${p2.from} to ${p2.to}`);
  }, 120_000);

  it('a booked row changed outside posrecon is caught on re-export, not passed on', async () => {
    const db = new Database(w.dbFile);
    db.prepare(
      `UPDATE closed_period_rows SET body = (SELECT body FROM closed_period_rows WHERE period_id = ? AND sheet = 'journal' LIMIT 1)
                 WHERE period_id = ? AND sheet = 'daily'`,
    ).run(closed1.id, closed1.id);
    db.close();
    const e = await refused('export:xlsx', p1);
    expect(e).toMatchObject({ code: 'BOOKED_ROWS_CHANGED' });
    expect(e.message).toContain('do not match their hash');
  });
});
