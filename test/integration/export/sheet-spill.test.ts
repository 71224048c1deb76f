import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { XlsxSheet, openWorkbook } from '../../../src-main/core/export/sheet-writer.ts';
import { readXlsx } from '../../support/read-xlsx.ts';

/*
 * A sheet past Excel's 1,048,576 rows continues on a new sheet with the same header. The limit is
 * injected (10 rows a sheet) so the real writer's spill is read back by openpyxl at a cheap scale.
 */
describe('a sheet longer than a worksheet holds', () => {
  it('continues on "Name (2)", "Name (3)" with the header, its own totals and every row once', async () => {
    const file = path.join(mkdtempSync(path.join(os.tmpdir(), 'posrecon-spill-')), 'spill.xlsx');
    const wb = openWorkbook(file, new Date('2026-11-01T00:00:00Z'));
    const sheet = new XlsxSheet(
      wb,
      {
        name: 'Sales',
        columns: [
          { header: 'Invoice', type: 'text', width: 10 },
          { header: 'Amount', type: 'money', width: 10, total: true },
          { header: 'Currency', type: 'text', width: 8 },
        ],
        currencyColumn: 2,
        currencies: ['NOK'],
      },
      10,
    );
    for (let i = 1; i <= 17; i++) await sheet.add([`INV-${i}`, i * 100, 'NOK']);
    await sheet.end();
    await wb.commit();

    const read = readXlsx(file);
    expect(Object.keys(read)).toEqual(['Sales', 'Sales (2)', 'Sales (3)']);
    const invoices: string[] = [];
    let total = 0;
    for (const s of Object.values(read)) {
      expect(s.rows[0]!.map((c) => c[1])).toEqual(['Invoice', 'Amount', 'Currency']);
      expect(s.frozen).toBe('A2');
      // Header, data, a blank row and one totals row per currency fit in the 10 rows.
      expect(s.rows.length).toBeLessThanOrEqual(10);
      const data = s.rows.slice(1).filter((r) => String(r[0]![1]).startsWith('INV-'));
      invoices.push(...data.map((r) => String(r[0]![1])));
      const totals = s.rows.at(-1)!;
      expect(totals[0]![1]).toBe('Total');
      expect(totals[1]![1]).toBe(data.reduce((x, r) => x + (r[1]![1] as number), 0));
      total += totals[1]![1] as number;
    }
    expect(invoices).toEqual(Array.from({ length: 17 }, (_, i) => `INV-${i + 1}`));
    expect(total).toBe(153); // 100 + 200 + … + 1700 minor units, in NOK
  });
});
