import { closeSync, openSync, renameSync, writeSync } from 'node:fs';
import type Database from 'better-sqlite3';

/**
 * Writes the ground truth (which records across providers belong to one sale, and which Vipps payout
 * settled them) as one JSON document, streamed row by row so a 1M-sale world never sits in memory.
 * Shape: {version, world, sales: [{saleNo, invoiceId, records: [{provider, dataset, role, key, payout}]}]}.
 */
export function dumpGroundTruth(db: Database.Database, path: string, world: object): void {
  const tmp = `${path}.tmp-${process.pid}`;
  const fd = openSync(tmp, 'w');
  let buf = '';
  const write = (s: string) => {
    buf += s;
    if (buf.length > 1 << 20) {
      writeSync(fd, buf);
      buf = '';
    }
  };
  try {
    write(`{"version":1,"world":${JSON.stringify(world)},"sales":[`);
    let current = -1;
    let first = true;
    const rows = db
      .prepare(
        'SELECT sale_no, invoice_id, provider, dataset, role, key, payout FROM truth ORDER BY sale_no, rowid',
      )
      .iterate() as IterableIterator<{
      sale_no: number;
      invoice_id: string;
      provider: string;
      dataset: string;
      role: string;
      key: string;
      payout: string | null;
    }>;
    for (const r of rows) {
      if (r.sale_no !== current) {
        write(
          `${current === -1 ? '' : ']},'}\n{"saleNo":${r.sale_no},"invoiceId":${JSON.stringify(r.invoice_id)},"records":[`,
        );
        current = r.sale_no;
        first = true;
      }
      write(
        `${first ? '' : ','}{"provider":"${r.provider}","dataset":"${r.dataset}","role":"${r.role}","key":${r.key},"payout":${r.payout ?? 'null'}}`,
      );
      first = false;
    }
    write(`${current === -1 ? '' : ']}'}]}\n`);
    writeSync(fd, buf);
  } finally {
    closeSync(fd);
  }
  renameSync(tmp, path);
}
