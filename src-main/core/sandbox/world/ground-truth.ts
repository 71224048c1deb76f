import { closeSync, openSync, renameSync, writeSync } from 'node:fs';
import type Database from 'better-sqlite3';
import { VIPPS_IDS } from './record-vipps.ts';

export const GROUND_TRUTH_VERSION = 2;

/**
 * Writes the ground truth (which records across providers belong to one sale, and which Vipps payout
 * settled them) as one JSON document, streamed row by row so a 1M-sale world never sits in memory.
 *
 * Shape (version 2):
 * ```
 * {version: 2, world,
 *  sales: [{saleNo, invoiceId, records: [{provider, dataset, role, key, payout, part, tags}]}],
 *  payouts: [{pspReference, ledgerId, ledgerDate, fromLedgerDate, amount, settles: [{dataset, key}]}]}
 * ```
 * - `key` names the record as its provider does: sentrypos `{id}`, tgi `{tid}`, sensepass
 *   `{TransactionNumber}`, cents `{id}`, vipps sales `{pspReference, reference, entryType}`, vipps
 *   funds/fees `{pspReference, entryType}`.
 * - `part` is the 0-based index of the payment within the sale (the SentryPOS row of payment i has part
 *   i too); null where no payment applies.
 * - `tags` are the payment's imperfection classes (TRUTH_TAGS in imperfections.ts).
 * - `payout` is `{ledgerId, ledgerDate, pspReference}` of the payout-scheduled entry that settled a
 *   Vipps record, or null (cash, or not yet paid out). `payouts` lists every payout-scheduled entry:
 *   its signed `amount` (negative: money leaving the ledger), the ledger dates it covers
 *   (`fromLedgerDate`..`ledgerDate`; several on a Monday) and every truth record it settled.
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
    write(`{"version":${GROUND_TRUTH_VERSION},"world":${JSON.stringify(world)},"sales":[`);
    writeSales(db, write);
    write(',\n"payouts":[');
    writePayouts(db, write);
    write(']}\n');
    writeSync(fd, buf);
  } finally {
    closeSync(fd);
  }
  renameSync(tmp, path);
}

function writeSales(db: Database.Database, write: (s: string) => void): void {
  let current = -1;
  let first = true;
  const rows = db
    .prepare(
      'SELECT sale_no, invoice_id, provider, dataset, role, key, payout, part, tags FROM truth ORDER BY sale_no, rowid',
    )
    .iterate() as IterableIterator<{
    sale_no: number;
    invoice_id: string;
    provider: string;
    dataset: string;
    role: string;
    key: string;
    payout: string | null;
    part: number | null;
    tags: string;
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
      `${first ? '' : ','}{"provider":"${r.provider}","dataset":"${r.dataset}","role":"${r.role}","key":${r.key},"payout":${r.payout ?? 'null'},"part":${r.part ?? 'null'},"tags":${r.tags}}`,
    );
    first = false;
  }
  write(`${current === -1 ? '' : ']}'}]`);
}

function writePayouts(db: Database.Database, write: (s: string) => void): void {
  const payouts = db
    .prepare(
      `SELECT seq, ledger_date AS date, psp_reference AS psp, json_extract(json, '$.amount') AS amount
       FROM vipps_report WHERE topic = 'funds' AND json_extract(json, '$.entryType') = 'payout-scheduled'
       ORDER BY seq`,
    )
    .all() as { seq: number; date: string; psp: string; amount: number }[];
  const firstDate = db.prepare(
    "SELECT min(ledger_date) AS d FROM vipps_report WHERE topic = 'funds' AND seq > ? AND seq < ?",
  );
  // One sorted pass over the settled records; the payout JSON sorts by ledger date, as payouts do.
  const settled = db
    .prepare('SELECT payout, dataset, key FROM truth WHERE payout IS NOT NULL ORDER BY payout, rowid')
    .iterate() as IterableIterator<{ payout: string; dataset: string; key: string }>;
  let next = settled.next();
  let prevSeq = 0;
  payouts.forEach((p, i) => {
    const from = (firstDate.get(prevSeq, p.seq) as { d: string | null }).d ?? p.date;
    prevSeq = p.seq;
    write(
      `${i ? ',' : ''}\n{"pspReference":${JSON.stringify(p.psp)},"ledgerId":"${VIPPS_IDS.ledgerId}","ledgerDate":${JSON.stringify(p.date)},"fromLedgerDate":${JSON.stringify(from)},"amount":${p.amount},"settles":[`,
    );
    let first = true;
    while (!next.done) {
      const r = next.value;
      const psp = (JSON.parse(r.payout) as { pspReference: string }).pspReference;
      if (psp !== p.psp) break;
      write(`${first ? '' : ','}{"dataset":"${r.dataset}","key":${r.key}}`);
      first = false;
      next = settled.next();
    }
    write(']}');
  });
}
