import type { Database } from 'better-sqlite3';
import { formatDay, formatMoney, providerName } from '../reconcile/describe.ts';
import { type ClosedPeriod, closedPeriods } from '../store/queries/closed-periods.ts';
import { all, get, sql } from '../store/sql.ts';
import type { AccountMapping } from './accounts.ts';
import { dateCell } from './cells.ts';
import { TENDERS, listSheet, payoutFacts } from './daily-journal-sheets.ts';
import { type DailyRow, dailyByTenderAndVat, tenderOf } from './daily.ts';
import {
  type JournalLine,
  type PayoutFacts,
  TENDER_NAMES,
  payoutVoucher,
  revenueVouchers,
} from './journal.ts';
import type { ExportPeriod } from './period.ts';
import type { SheetSource } from './sheets.ts';

/**
 * What a closed period booked, kept as data beside its rows (closed_periods.figures): the Daily rows
 * and payouts its Journal was made from, and the adjustments it booked for earlier closed periods.
 * Small (days × tenders × rates), and all that is needed to tell what changed since.
 */
export interface BookedFigures {
  /** The mapping's default VAT rate at close: later figures are recomputed at it, so a settings change is not mistaken for an upstream one. */
  defaultVatRateBp: number;
  daily: DailyRow[];
  payouts: PayoutFacts[];
  adjustments: PostClose;
  /** Per sheet written at close: its rows, currencies and a hash of its rows. */
  sheets: Record<string, { rows: number; currencies: string[]; sha256: string }>;
}

/** Differences (now minus booked) for closed days, booked in a later period's export. */
export interface PostClose {
  revenue: DailyRow[];
  payouts: PayoutFacts[];
}

export interface Adjustment {
  kind: 'takings' | 'payout';
  /** The closed day it belongs to. */
  date: string;
  /** A tender (takings) or the payout's provider. */
  tender: string;
  currency: string;
  rateBp: number | null;
  thenMinor: number;
  nowMinor: number;
  /** Now minus booked, as the journal books it. */
  revenue?: DailyRow;
  payout?: PayoutFacts;
  words: string;
}

export function readFigures(db: Database, periodId: number): BookedFigures {
  const row = get<{ figures: string }>(db, sql`SELECT figures FROM closed_periods WHERE id = ${periodId}`);
  if (!row) throw new Error(`Closed period ${periodId} is gone.`);
  return JSON.parse(row.figures) as BookedFigures;
}

const dailyKey = (r: DailyRow) => `${r.date}|${r.tender}|${r.currency}|${r.rateBp}|${r.source}`;
const payoutKey = (p: PayoutFacts) => `${p.provider}|${p.ledgerId}|${p.ledgerDate}`;
const PAYOUT_FIELDS = [
  'capturesMinor',
  'refundsMinor',
  'feesMinor',
  'adjustmentsMinor',
  'expectedMinor',
  'actualMinor',
  'differenceMinor',
] as const;

/**
 * For an export of `p` (not itself closed): every closed period that ended before it, its days as
 * the cache has them now against what was booked (its own figures plus adjustments later periods
 * booked for it). Null when no closed period precedes `p`: there is nothing to adjust.
 */
export function postCloseAdjustments(db: Database, p: ExportPeriod): Adjustment[] | null {
  const closed = closedPeriods(db, true).filter((c) => c.to < p.from);
  if (!closed.length) return null;
  const figures = closed.map((c) => ({ c, f: readFigures(db, c.id) }));
  const bookedDaily = new Map<string, DailyRow>();
  const bookedPayouts = new Map<string, PayoutFacts>();
  for (const { f } of figures) {
    for (const r of [...f.daily, ...f.adjustments.revenue]) addDaily(bookedDaily, r);
    for (const x of [...f.payouts, ...f.adjustments.payouts]) addPayout(bookedPayouts, x);
  }
  const out: Adjustment[] = [];
  for (const { c, f } of figures) {
    const inPeriod = (d: string) => d >= c.from && d <= c.to;
    const now = new Map<string, DailyRow>();
    for (const r of dailyByTenderAndVat(db, c, f.defaultVatRateBp)) addDaily(now, r);
    for (const k of new Set([
      ...now.keys(),
      ...[...bookedDaily.keys()].filter((k) => inPeriod(k.slice(0, 10))),
    ])) {
      const a = now.get(k);
      const b = bookedDaily.get(k);
      const base = (a ?? b)!;
      const d = {
        gross: (a?.grossMinor ?? 0) - (b?.grossMinor ?? 0),
        vat: (a?.vatMinor ?? 0) - (b?.vatMinor ?? 0),
        net: (a?.netMinor ?? 0) - (b?.netMinor ?? 0),
      };
      if (!d.gross && !d.vat && !d.net) continue;
      out.push({
        kind: 'takings',
        date: base.date,
        tender: base.tender,
        currency: base.currency,
        rateBp: base.rateBp,
        thenMinor: b?.grossMinor ?? 0,
        nowMinor: a?.grossMinor ?? 0,
        revenue: { ...base, grossMinor: d.gross, vatMinor: d.vat, netMinor: d.net },
        words: takingsWords(db, c, base, b?.grossMinor ?? 0, a?.grossMinor ?? 0),
      });
    }
    const nowPayouts = new Map(payoutFacts(db, c).map((x) => [payoutKey(x), x]));
    for (const k of new Set([
      ...nowPayouts.keys(),
      ...[...bookedPayouts.entries()].filter(([, x]) => inPeriod(x.ledgerDate)).map(([k]) => k),
    ])) {
      const a = nowPayouts.get(k);
      const b = bookedPayouts.get(k);
      const base = (a ?? b)!;
      if (PAYOUT_FIELDS.every((f2) => (a?.[f2] ?? 0) === (b?.[f2] ?? 0))) continue;
      const then = b?.actualMinor ?? 0;
      const nowNet = a?.actualMinor ?? 0;
      out.push({
        kind: 'payout',
        date: base.ledgerDate,
        tender: base.provider,
        currency: base.currency,
        rateBp: null,
        thenMinor: then,
        nowMinor: nowNet,
        payout: {
          ...base,
          ...Object.fromEntries(PAYOUT_FIELDS.map((f2) => [f2, (a?.[f2] ?? 0) - (b?.[f2] ?? 0)])),
        } as PayoutFacts,
        words: `${providerName(base.provider)} payout ${base.ledgerId} of ${formatDay(base.ledgerDate)} changed after the books were closed: booked ${formatMoney(then, base.currency)} paid out (expected ${formatMoney(b?.expectedMinor ?? 0, base.currency)}), now ${formatMoney(nowNet, base.currency)} (expected ${formatMoney(a?.expectedMinor ?? 0, base.currency)}).`,
      });
    }
  }
  return out.sort(
    (x, y) =>
      x.date.localeCompare(y.date) || x.kind.localeCompare(y.kind) || x.tender.localeCompare(y.tender),
  );
}

function addDaily(m: Map<string, DailyRow>, r: DailyRow): void {
  const k = dailyKey(r);
  const x = m.get(k);
  if (!x) m.set(k, { ...r });
  else {
    x.grossMinor += r.grossMinor;
    x.vatMinor += r.vatMinor;
    x.netMinor += r.netMinor;
  }
}
function addPayout(m: Map<string, PayoutFacts>, p: PayoutFacts): void {
  const k = payoutKey(p);
  const x = m.get(k);
  if (!x) m.set(k, { ...p });
  else for (const f of PAYOUT_FIELDS) x[f] += p[f];
}

/** The adjustments as the data a later close books (and the next export compares against). */
export function bookedAdjustments(adj: readonly Adjustment[] | null): PostClose {
  return {
    revenue: (adj ?? []).flatMap((a) => (a.revenue ? [a.revenue] : [])),
    payouts: (adj ?? []).flatMap((a) => (a.payout ? [a.payout] : [])),
  };
}

/**
 * The sentence for a changed day's takings, naming the records that changed or arrived after the
 * close (the change log and first-seen times say which), at most five.
 */
function takingsWords(db: Database, c: ClosedPeriod, r: DailyRow, then: number, now: number): string {
  const records = all<{
    external_id: string;
    provider: string;
    field: string | null;
    before: string | null;
    after: string | null;
  }>(
    db,
    sql`SELECT t.external_id, t.provider, l.field, l.before, l.after FROM transactions t
          LEFT JOIN change_log l ON l.transaction_id = t.id AND l.changed_at > ${c.closedAt}
         WHERE t.business_date = ${r.date} AND t.currency = ${r.currency}
           AND (l.id IS NOT NULL OR t.synced_at > ${c.closedAt})
         ORDER BY t.id, l.id`,
  ).filter((x) => tenderOf(x.provider) === r.tender);
  const named = records
    .slice(0, 5)
    .map((x) =>
      x.field
        ? `${x.external_id}: ${changeWords(x.field, x.before, x.after, r.currency)}`
        : `${x.external_id} arrived late`,
    );
  const more = records.length > 5 ? ` and ${records.length - 5} more` : '';
  const rate = r.rateBp === null ? 'outside VAT' : `VAT ${r.rateBp / 100} %`;
  return `Takings of ${formatDay(r.date)} (${TENDER_NAMES[r.tender] ?? r.tender}, ${rate}) changed after the books were closed: booked ${formatMoney(then, r.currency)}, now ${formatMoney(now, r.currency)}.${named.length ? ` Changed: ${named.join('; ')}${more}.` : ''}`;
}

/** A change-log entry in plain words: "amount NOK 32.90 → NOK 82.90", "status pending → completed". */
function changeWords(field: string, before: string | null, after: string | null, currency: string): string {
  if (field === 'amountMinor' || field === 'amount_minor') {
    const money = (v: string | null) => (v === null ? '—' : formatMoney(Number(v), currency));
    return `amount ${money(before)} → ${money(after)}`;
  }
  const words = field
    .replace(/_/g, ' ')
    .replace(/([a-z])([A-Z])/g, '$1 $2')
    .toLowerCase();
  return `${words.replace(/^business date$/, 'day')} ${before ?? '—'} → ${after ?? '—'}`;
}

/**
 * Journal vouchers for the adjustments, dated the first day of the period that books them: the same
 * double entry as the day's takings or the payout, for the difference only, so each still balances.
 */
export function adjustmentVouchers(
  adj: readonly Adjustment[],
  m: AccountMapping,
  bookOn: string,
): JournalLine[][] {
  const { revenue, payouts } = bookedAdjustments(adj);
  const restate = (v: JournalLine[]) =>
    v.map((l) => ({
      ...l,
      voucher: `A-${l.voucher}`,
      date: bookOn,
      text: `Post-close adjustment: ${l.text}`,
      reference: `Closed day ${l.date}`,
    }));
  return [...revenueVouchers(revenue, m), ...payouts.map((x) => payoutVoucher(x, m))].map(restate);
}

/** The "Post-close adjustments" sheet: what changed on closed days since they were booked. */
export function adjustmentsSheet(adj: readonly Adjustment[], bookOn: string): SheetSource {
  return listSheet(
    {
      id: 'adjustments',
      name: 'Post-close adjustments',
      columns: [
        { header: 'Booked on', type: 'date', width: 12 },
        { header: 'Closed day', type: 'date', width: 12 },
        { header: 'What', type: 'text', width: 9 },
        { header: 'Tender', type: 'text', width: 11 },
        { header: 'VAT rate', type: 'number', width: 9 },
        { header: 'Booked then', type: 'money', width: 15 },
        { header: 'Now', type: 'money', width: 15 },
        { header: 'Adjustment', type: 'money', width: 15, total: true },
        { header: 'Net', type: 'money', width: 14, total: true },
        { header: 'VAT', type: 'money', width: 13, total: true },
        { header: 'Currency', type: 'text', width: 9 },
        { header: 'In words', type: 'text', width: 90 },
      ],
      currencyColumn: 10,
    },
    () => adj,
    (a) => a.currency,
    (a) => [
      dateCell(bookOn),
      dateCell(a.date),
      a.kind === 'takings' ? 'Takings' : 'Payout',
      a.kind === 'takings' ? (TENDERS[a.tender] ?? a.tender) : providerName(a.tender),
      a.rateBp === null ? null : a.rateBp / 10_000,
      a.thenMinor,
      a.nowMinor,
      a.nowMinor - a.thenMinor,
      a.revenue?.netMinor ?? null,
      a.revenue?.vatMinor ?? null,
      a.currency,
      a.words,
    ],
  );
}
