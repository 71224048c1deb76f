import { formatUtcMicros, formatUtcSeconds } from './calendar.ts';
import { minorToFloat } from './money.ts';
import { Rng } from './prng.ts';
import { SENSEPASS_STATUS_NAMES } from './record-sensepass.ts';
import { insertTgi, tgiDate, tgiTid, type TgiRecord } from './record-tgi.ts';
import { ledgerEntry } from './vipps-ledger.ts';
import type { World, WorldChange } from './world.ts';
import type { TruthLink, WorldWriter } from './writer.ts';

export type MutableProvider = 'sentrypos' | 'tgi' | 'sensepass' | 'cents';

export interface LateRefundTarget {
  provider: 'vipps' | 'tgi' | 'sensepass' | 'cents';
  /** Vipps capture pspReference, TGI tid, SensePass TransactionNumber, or Cents id. */
  id: string;
  /** Refund amount in minor units of the record's currency; default: a partial refund (half). */
  amountMinor?: number;
}

const STATUS_SQL: Record<MutableProvider, string> = {
  sentrypos: "UPDATE sentrypos_sales SET status = ?, json = json_set(json, '$.status', ?) WHERE id = ?",
  tgi: "UPDATE tgi SET status = ?, json = json_set(json, '$.status', ?) WHERE tid = ?",
  sensepass:
    "UPDATE sensepass SET status = ?, json = json_set(json, '$.status', ?, '$.statusName', ?) WHERE number = ?",
  cents:
    "UPDATE cents SET json = json_set(json, '$.transaction_status', ?, '$.updated_date', ?) WHERE id = ?",
};

export function applyStatus(
  w: WorldWriter,
  provider: MutableProvider,
  id: string,
  status: string | number,
  nowMs: number,
): boolean {
  const args =
    provider === 'sensepass'
      ? [status, status, SENSEPASS_STATUS_NAMES[Number(status)] ?? 'Unknown', id]
      : provider === 'cents'
        ? [status, new Date(nowMs).toISOString(), id]
        : [status, status, id];
  return w.database.prepare(STATUS_SQL[provider]).run(...args).changes > 0;
}

/** The truth link of the record a late refund refunds: same sale and part, its tags plus the refund's. */
function truthOf(world: World, provider: string, key: object): TruthLink {
  const row = world.get<{ sale_no: number; invoice_id: string; part: number | null; tags: string }>(
    'SELECT sale_no, invoice_id, part, tags FROM truth WHERE provider = ? AND key = ? LIMIT 1',
    provider,
    JSON.stringify(key),
  );
  if (!row) return { saleNo: 0, invoiceId: '', part: null, tags: ['refund', 'late-refund'] };
  const tags = JSON.parse(row.tags) as string[];
  for (const t of ['refund', 'late-refund']) if (!tags.includes(t)) tags.push(t);
  return { saleNo: row.sale_no, invoiceId: row.invoice_id, part: row.part, tags };
}

type Json = Record<string, unknown>;

function lateVipps(
  w: WorldWriter,
  world: World,
  t: LateRefundTarget,
  rng: Rng,
  nowMs: number,
): WorldChange | null {
  const row = world.get<{ ledger_date: string; json: string }>(
    'SELECT ledger_date, json FROM vipps_sales WHERE psp_reference = ? AND json LIKE \'%"entryType":"capture"%\'',
    t.id,
  );
  if (!row) return null;
  const capture = JSON.parse(row.json) as Json & { lines: Json[]; amounts: { gross: number } };
  const last = capture.lines[capture.lines.length - 1];
  const neg = (k: string, l: Json) => -Number(l[k]);
  const lines = last
    ? [
        {
          ...last,
          quantity: neg('quantity', last),
          discountTotal: neg('discountTotal', last),
          lineTotalGross: neg('lineTotalGross', last),
          lineTotalNet: neg('lineTotalNet', last),
          vatAmount: neg('vatAmount', last),
        },
      ]
    : [];
  const gross = last
    ? -Number(last.lineTotalGross)
    : -(t.amountMinor ?? Math.round(capture.amounts.gross / 2));
  const amounts = last
    ? { gross, net: Number(lines[0]?.lineTotalNet), vat: Number(lines[0]?.vatAmount) }
    : { gross };
  const psp = rng.digits(10);
  const reference = String(capture.reference);
  const entry = {
    ...capture,
    entryType: 'refund',
    time: formatUtcSeconds(nowMs),
    pspReference: psp,
    amounts,
    lines,
  };
  const sale = truthOf(world, 'vipps', { pspReference: t.id, entryType: 'capture' });
  // The Sales API files the late refund under the capture's old ledger date; the funds ledger books
  // it today, where the money moves, so its balances keep chaining.
  w.vippsSales(row.ledger_date, reference, psp, entry);
  w.truth(sale, 'vipps', 'sales', 'late-refund', {
    pspReference: psp,
    reference,
    entryType: 'refund',
  });
  const today = world.options.today;
  const funds = ledgerEntry(world.ledgerState, 'funds', {
    psp,
    time: formatUtcMicros(nowMs, 0),
    ledgerDate: today,
    entryType: 'refund',
    reference,
    currency: String(capture.currency),
    amount: gross,
  });
  w.vippsReport('funds', today, psp, funds);
  w.truth(sale, 'vipps', 'funds', 'late-refund', {
    pspReference: psp,
    entryType: 'refund',
  });
  return { kind: 'late-refund', provider: 'vipps', id: t.id, detail: { sales: entry, funds } };
}

/** Applies a late refund the way each provider shows one (see LateRefundTarget). */
export function applyLateRefund(w: WorldWriter, world: World, t: LateRefundTarget): WorldChange | null {
  const rng = new Rng(world.options.seed, `late:${t.provider}:${t.id}`);
  const nowMs = world.options.nowMs;
  if (t.provider === 'vipps') return lateVipps(w, world, t, rng, nowMs);
  if (t.provider === 'tgi') {
    const row = world.get<{ json: string }>('SELECT json FROM tgi WHERE tid = ? ORDER BY seq LIMIT 1', t.id);
    if (!row) return null;
    const orig = JSON.parse(row.json) as TgiRecord;
    const total = t.amountMinor ?? Math.round(orig.total / 2);
    const tax = Math.round((orig.tax * total) / Math.max(orig.total, 1));
    // Dated on the original's day: it appears inside pages a client has already fetched.
    const rec: TgiRecord = {
      tid: tgiTid(rng),
      cid: orig.cid,
      total: -total,
      subtotal: -(total - tax),
      tax: -tax,
      date: tgiDate(Date.parse(`${orig.date.replace(' ', 'T')}Z`) + 60_000),
      status: 'refund',
    };
    insertTgi(w, rec);
    const sale = truthOf(world, 'tgi', { tid: t.id });
    w.truth(sale, 'tgi', 'transactions', 'late-refund', { tid: rec.tid });
    return { kind: 'late-refund', provider: 'tgi', id: t.id, detail: rec };
  }
  if (t.provider === 'sensepass') {
    const row = world.get<{ amount_minor: number; currency: string }>(
      'SELECT amount_minor, currency FROM sensepass WHERE number = ?',
      t.id,
    );
    if (!row) return null;
    const refunded = Math.min(t.amountMinor ?? Math.round(row.amount_minor / 2), row.amount_minor);
    const status = refunded >= row.amount_minor ? 11 : 13;
    applyStatus(w, 'sensepass', t.id, status, nowMs);
    w.database
      .prepare("UPDATE sensepass SET json = json_set(json, '$.balance', ?) WHERE number = ?")
      .run(minorToFloat(row.amount_minor - refunded, row.currency), t.id);
    return { kind: 'late-refund', provider: 'sensepass', id: t.id, detail: { status, refunded } };
  }
  const row = world.get<{ json: string }>('SELECT json FROM cents WHERE id = ?', t.id);
  if (!row) return null;
  const rec = JSON.parse(row.json) as { order_amount: number; currency: string };
  const refunded = t.amountMinor !== undefined ? minorToFloat(t.amountMinor, rec.currency) : rec.order_amount;
  applyStatus(w, 'cents', t.id, 'refunded', nowMs);
  w.database
    .prepare("UPDATE cents SET json = json_set(json, '$.refunded_amount', ?) WHERE id = ?")
    .run(refunded, t.id);
  return { kind: 'late-refund', provider: 'cents', id: t.id, detail: { refunded_amount: refunded } };
}
