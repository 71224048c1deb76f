import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { XlsxSheet, openWorkbook } from '../../../src-main/core/export/sheet-writer.ts';
import { readXlsx } from '../../support/read-xlsx.ts';

/*
 * Rows are committed faster than zlib compresses them; without backpressure the XML waits in memory
 * ahead of the zip (a million rows held ~0.5 GB). The writer waits once more than 4 MiB waits, so
 * what waits stays near that whatever the sheet's length. Rows of ~2 KB of text make a 40 MB sheet,
 * ten times the bound, at a cheap scale.
 */
const dir = mkdtempSync(path.join(os.tmpdir(), 'posrecon-backpressure-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('a long sheet streamed to the zip', () => {
  it('never has more than the bound (plus one batch of rows) waiting to be compressed, and loses no row', async () => {
    const file = path.join(dir, 'long.xlsx');
    const wb = openWorkbook(file, new Date('2026-11-01T00:00:00Z'));
    const sheet = new XlsxSheet(wb, {
      name: 'Long',
      columns: [
        { header: 'No', type: 'int', width: 8 },
        { header: 'Text', type: 'text', width: 40 },
      ],
    });
    const rows = 20_000;
    let most = 0;
    let text = '';
    for (let i = 0; i < rows; i++) {
      // Text that does not repeat, so zlib has real work (a repeated string compresses at memory speed).
      if (i % 100 === 0)
        text = Array.from({ length: 200 }, (_, k) => ((i * 7919 + k * 104729) % 1e9).toString(36)).join(' ');
      await sheet.add([i, `${i} ${text}`]);
      most = Math.max(most, sheet.backlog);
    }
    await sheet.end();
    await wb.commit();
    // 4 MiB bound + 500 rows of ~1.5–2 KB between looks.
    expect(most).toBeGreaterThan(0);
    expect(most).toBeLessThan(4 * 2 ** 20 + 500 * 2100);

    const read = readXlsx(file).Long!;
    expect(read.rows.length).toBe(rows + 1);
    expect(read.rows.at(-1)![0]![1]).toBe(rows - 1);
  });
});
