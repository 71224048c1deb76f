import { stringify, type Stringifier } from 'csv-stringify';
import { createWriteStream, type WriteStream } from 'node:fs';
import { once } from 'node:events';
import { type CsvLocale, major, safeText } from './cells.ts';
import type { Cell, SheetSpec } from './sheet-writer.ts';

/**
 * One sheet as CSV: UTF-8 with a BOM (so Excel does not guess a code page), the locale's delimiter
 * and decimal mark, text neutralized like the workbook's. Amounts are written with the decimal mark
 * and no grouping, which every spreadsheet in that locale reads as a number. No totals row: a CSV is
 * data to import, and a totals line would be imported as one more sale.
 */
export class CsvSheet {
  readonly #spec: SheetSpec;
  readonly #locale: CsvLocale;
  readonly #out: WriteStream;
  readonly #csv: Stringifier;
  rowsWritten = 0;

  constructor(file: string, spec: SheetSpec, locale: CsvLocale) {
    this.#spec = spec;
    this.#locale = locale;
    this.#out = createWriteStream(file);
    this.#csv = stringify({ delimiter: locale.delimiter, bom: true, record_delimiter: 'windows' });
    this.#csv.pipe(this.#out);
    this.#csv.write(spec.columns.map((c) => safeText(c.header)));
  }

  #number(n: number): string {
    const s = String(n);
    return this.#locale.decimal === '.' ? s : s.replace('.', this.#locale.decimal);
  }

  async add(values: readonly Cell[]): Promise<void> {
    const cc = this.#spec.currencyColumn;
    const currency = cc === undefined ? null : (values[cc] as string | null);
    const out = this.#spec.columns.map((c, i) => {
      const v = values[i] ?? null;
      if (v === null) return '';
      if (v instanceof Date) {
        const iso = v.toISOString();
        return c.type === 'date' ? iso.slice(0, 10) : `${iso.slice(0, 10)} ${iso.slice(11, 19)}`;
      }
      if (typeof v === 'number') return this.#number(c.type === 'money' && currency ? major(v, currency) : v);
      return safeText(v);
    });
    this.rowsWritten += 1;
    if (!this.#csv.write(out)) await once(this.#csv, 'drain');
  }

  async end(): Promise<void> {
    this.#csv.end();
    await once(this.#out, 'close');
  }
}
