import { execFileSync } from 'node:child_process';
import path from 'node:path';

/** A cell as openpyxl (a real reader, not ExcelJS) reads it: its Python type and value. */
export type XlsxCell = [type: string, value: string | number | null];
export type XlsxRead = Record<
  string,
  { rows: XlsxCell[][]; frozen: string | null; filter: string | null; lastFormula: unknown }
>;

/** Every sheet of a workbook read by python3-openpyxl (test/support/read-xlsx.py). */
export function readXlsx(file: string): XlsxRead {
  const script = path.join(import.meta.dirname, 'read-xlsx.py');
  return JSON.parse(
    execFileSync('/usr/bin/python3', [script, file], { maxBuffer: 256 << 20 }).toString(),
  ) as XlsxRead;
}
