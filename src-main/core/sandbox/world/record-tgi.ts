import type { Rng } from './prng.ts';
import { linkOf, type PaymentPlan, type SalePlan } from './sale-plan.ts';
import type { WorldWriter } from './writer.ts';

export const TGI_CIDS = ['OSL001', 'OSL002'] as const;

/** `YYYY-MM-DD HH:MM:SS` in UTC with no zone marker, as TGI stores it. */
export function tgiDate(ms: number): string {
  return new Date(ms).toISOString().slice(0, 19).replace('T', ' ');
}

export function tgiTid(rng: Rng): string {
  const abc = 'ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789';
  let out = '';
  for (let i = 0; i < 8; i++) out += abc.charAt(rng.int(0, abc.length - 1));
  return out;
}

/** Only the documented fields: nothing on TGI's page points a refund at its original (the truth does). */
export interface TgiRecord {
  tid: string;
  cid: string;
  total: number;
  subtotal: number;
  tax: number;
  date: string;
  status: 'complete' | 'pending' | 'declined' | 'refund';
}

export function insertTgi(w: WorldWriter, rec: TgiRecord): void {
  // Fixed key order, so a record reads the same however it was built.
  const { tid, cid, total, subtotal, tax, date, status } = rec;
  const json = { tid, cid, total, subtotal, tax, date, status };
  w.tgi({ tid, cid, day: date.slice(0, 10), status }, json);
}

/** TGI amounts are integer cents; refunds are separate records with a negative total. */
export function writeTgi(w: WorldWriter, rng: Rng, sale: SalePlan, p: PaymentPlan): void {
  const cid = TGI_CIDS[sale.saleNo % 2] ?? 'OSL001';
  const total = p.amount + p.tip;
  const base = { cid, tax: p.vat, subtotal: total - p.vat };
  const add = (rec: TgiRecord, role: string) => {
    insertTgi(w, rec);
    w.truth(linkOf(sale, p), 'tgi', 'transactions', role, { tid: rec.tid });
  };
  if (p.failedFirst) {
    add(
      { ...base, tid: tgiTid(rng), total, date: tgiDate(p.providerTimeMs - 90_000), status: 'declined' },
      'failed-attempt',
    );
  }
  const main: TgiRecord = {
    ...base,
    tid: tgiTid(rng),
    total,
    date: tgiDate(p.providerTimeMs),
    status: p.pending ? 'pending' : 'complete',
  };
  add(main, 'payment');
  if (p.duplicate) add(main, 'duplicate-notification');
  if (p.duplicateChargeDelayMs > 0) {
    const date = tgiDate(p.providerTimeMs + p.duplicateChargeDelayMs);
    add({ ...main, tid: tgiTid(rng), date, status: 'complete' }, 'duplicate-charge');
  }
  if (p.refund) {
    const tax = Math.round((p.vat * p.refund.amount) / Math.max(total, 1));
    add(
      {
        tid: tgiTid(rng),
        cid,
        total: -p.refund.amount,
        subtotal: -(p.refund.amount - tax),
        tax: -tax,
        date: tgiDate(p.refund.timeMs),
        status: 'refund',
      },
      'refund',
    );
  }
}
