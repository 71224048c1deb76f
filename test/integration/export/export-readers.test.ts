import Database from 'better-sqlite3';
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_ACCOUNTS } from '../../../src-main/core/export/accounts.ts';
import { journal } from '../../../src-main/core/export/daily-journal-sheets.ts';
import { exportWorkbook } from '../../../src-main/core/export/export-workbook.ts';
import { readXlsx } from '../../support/read-xlsx.ts';
import { type DemoWorld, syncDemoWorld } from '../../support/reconcile-world.ts';

/*
 * The workbook checked by real spreadsheet readers: LibreOffice (headless, one sheet to CSV at a
 * time) and python3-openpyxl. Both are Debian packages that .ci/run installs; nothing skips here.
 */
const HOSTILE = '=HYPERLINK("http://x","y")';

function libreOfficeCsv(file: string, sheet: number, dir: string): string[][] {
  mkdirSync(dir, { recursive: true });
  // Token 9 false: raw values, not as shown; token 12: which sheet (1-based).
  const filter = `csv:Text - txt - csv (StarCalc):44,34,76,1,,0,false,true,false,false,false,${sheet}`;
  execFileSync(
    'soffice',
    [
      '--headless',
      `-env:UserInstallation=file://${dir}/profile`,
      '--convert-to',
      filter,
      '--outdir',
      dir,
      file,
    ],
    { stdio: 'pipe', timeout: 120_000 },
  );
  const csv = readdirSync(dir).find((f) => f.endsWith('.csv'))!;
  return parseCsv(readFileSync(path.join(dir, csv), 'utf8'));
}

/** RFC 4180 as LibreOffice writes it: quoted fields may hold commas, quotes (doubled) and newlines. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else field += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ',' || ch === '\n') {
      row.push(field);
      field = '';
      if (ch === '\n') {
        rows.push(row);
        row = [];
      }
    } else if (ch !== '\r') field += ch;
  }
  if (field || row.length) rows.push([...row, field]);
  return rows;
}

const minor = (major: number) => Math.round(major * 100);

describe('accountant export, read back by real readers', () => {
  let w: DemoWorld;
  let period: { from: string; to: string };
  const out = () => path.join(w.home, 'export.xlsx');

  beforeAll(async () => {
    w = await syncDemoWorld(5, 12, 30);
    const db = new Database(w.dbFile);
    // A customer whose name is a formula: it must stay text everywhere.
    db.prepare(
      `UPDATE transactions SET customer_name = ? WHERE id = (SELECT t.id FROM transactions t JOIN recon_members m
         ON m.transaction_id = t.id AND m.role = 'sale' ORDER BY t.id LIMIT 1)`,
    ).run(HOSTILE);
    period = db
      .prepare(`SELECT min(anchor_date) AS "from", max(anchor_date) AS "to" FROM recon_groups`)
      .get() as {
      from: string;
      to: string;
    };
    db.close();
    await exportWorkbook({ databaseFile: w.dbFile, period, format: 'xlsx', out: out() });
  }, 180_000);

  it('openpyxl reads dates as dates, amounts as numbers, the hostile name as text, totals as SUM', () => {
    const read = readXlsx(out());
    expect(Object.keys(read)).toEqual([
      'Summary',
      'Sales',
      'Payments',
      'Daily by tender and VAT',
      'Payouts',
      'Discrepancies',
      'Journal',
    ]);
    const sales = read.Sales!;
    expect(sales.frozen).toBe('A2');
    expect(sales.filter).toMatch(/^A1:M\d+$/);
    const data = sales.rows.slice(1).filter((r) => r[0]![0] === 'date');
    expect(data.length).toBeGreaterThan(100);
    for (const r of data) {
      expect(r[1]![0]).toBe('date');
      expect(r[5]![0]).toBe('number');
      expect(r[6]![0]).toBe('number');
    }
    const hostile = data.find((r) => String(r[3]![1]).includes('HYPERLINK'));
    expect(hostile?.[3]).toEqual(['text', `'${HOSTILE}`]);
    expect(String(read['Daily by tender and VAT']!.lastFormula)).toMatch(/^=SUM/);

    // The Sales sheet's money equals the cache's, to the minor unit.
    const db = new Database(w.dbFile, { readonly: true });
    const cache = db
      .prepare(
        `SELECT count(*) AS n, sum(sale_minor) AS s FROM recon_groups WHERE anchor_date BETWEEN ? AND ?`,
      )
      .get(period.from, period.to) as { n: number; s: number };
    db.close();
    expect(data.length).toBe(cache.n);
    expect(data.reduce((s, r) => s + minor(r[5]![1] as number), 0)).toBe(cache.s);

    // The Journal balances, read back: debits equal credits per voucher and in total.
    const sides = new Map<string, number>();
    for (const r of read.Journal!.rows.slice(1)) {
      if (r[0]![0] !== 'text' || r[0]![1] === 'Total') continue;
      const d = r[3]![0] === 'number' ? minor(r[3]![1] as number) : 0;
      const c = r[4]![0] === 'number' ? minor(r[4]![1] as number) : 0;
      sides.set(r[0]![1] as string, (sides.get(r[0]![1] as string) ?? 0) + d - c);
    }
    expect(sides.size).toBeGreaterThan(10);
    for (const [voucher, diff] of sides) expect({ voucher, diff }).toEqual({ voucher, diff: 0 });
  });

  it('LibreOffice reads the Sales sheet with the cache values and the hostile name as text', () => {
    const rows = libreOfficeCsv(out(), 2, path.join(w.home, 'lo-sales'));
    expect(rows[0]!.slice(0, 3)).toEqual(['Date', 'Time', 'Invoice']);
    const data = rows.slice(1).filter((r) => /^\d{4}-\d{2}-\d{2}$/.test(r[0]!));
    const db = new Database(w.dbFile, { readonly: true });
    const byInvoice = new Map(
      (
        db
          .prepare(`SELECT key, sale_minor FROM recon_groups WHERE anchor_date BETWEEN ? AND ?`)
          .all(period.from, period.to) as { key: string; sale_minor: number }[]
      ).map((g) => [g.key.split(':').at(-1)!, g.sale_minor]),
    );
    db.close();
    expect(data.length).toBe(byInvoice.size);
    for (const r of data) expect(minor(Number(r[5]))).toBe(byInvoice.get(r[2]!));
    const lines = readFileSync(
      path.join(
        w.home,
        'lo-sales',
        readdirSync(path.join(w.home, 'lo-sales')).find((f) => f.endsWith('.csv'))!,
      ),
      'utf8',
    );
    expect(lines).toContain(`"'=HYPERLINK(""http://x"",""y"")"`);
    expect(data.some((r) => r[3] === `'${HOSTILE}`)).toBe(true);
  }, 180_000);

  it('every voucher balances to the minor unit, on every seed', async () => {
    for (const seed of [5, 1, 2, 3]) {
      const world = seed === 5 ? w : await syncDemoWorld(seed, 6, 20);
      const db = new Database(world.dbFile, { readonly: true });
      const vouchers = journal(db, { from: '2000-01-01', to: '2100-12-31' }, DEFAULT_ACCOUNTS);
      db.close();
      expect(vouchers.length).toBeGreaterThan(0);
      for (const v of vouchers) {
        const debit = v.reduce((s, l) => s + l.debitMinor, 0);
        const credit = v.reduce((s, l) => s + l.creditMinor, 0);
        expect({ voucher: v[0]!.voucher, debit }).toEqual({ voucher: v[0]!.voucher, debit: credit });
        for (const l of v)
          expect(Number.isInteger(l.debitMinor) && Number.isInteger(l.creditMinor)).toBe(true);
      }
    }
  }, 300_000);

  it('CSV for nb-NO: BOM, semicolons, decimal commas, the hostile name neutralized', async () => {
    const file = path.join(w.home, 'sales.csv');
    await exportWorkbook({
      databaseFile: w.dbFile,
      period,
      format: 'csv',
      sheets: ['sales'],
      out: file,
      locale: 'nb-NO',
    });
    const text = readFileSync(file, 'utf8');
    expect(text.charCodeAt(0)).toBe(0xfeff);
    expect(text.split('\r\n')[0]).toMatch(/^\uFEFFDate;Time;Invoice;/);
    expect(text).toMatch(/;\d+,\d{1,2};/);
    expect(text).toContain(`"'=HYPERLINK(""http://x"",""y"")"`);
  });
});
