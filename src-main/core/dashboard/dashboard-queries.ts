import type { Database } from 'better-sqlite3';
import { DateTime, IANAZone } from 'luxon';
import { splitDateRange } from '../search/search-transactions.ts';
import { all, joinSql, sql, type Sql } from '../store/sql.ts';

/*
 * Every query of the Dashboard, each over one range of business dates and each from the rollups of
 * migration 0012, so a year costs a few thousand rollup rows, not every record. The POS writes the
 * only records of kind 'sale' (one per tender of an invoice), so POS revenue is read there and never
 * again from the providers' captures of the same money.
 */

export interface RollupRow {
  date: string;
  kind: string;
  status: string;
  currency: string;
  network: string;
  n: number;
  amount: number;
}

/**
 * Count and amount per kind, status, currency and network of the sales and payouts, second views
 * left out (migrations 0012, 0015): one money movement, one count. Whole months of the range come as
 * one row each, dated the month's first day, from the month rollup; the days at either edge from the
 * day rollup. Captures are left out (the POS sale is the revenue), and so are fees (see feeDays).
 */
export function rollupRows(db: Database, from: string, to: string): RollupRow[] {
  const { months, days } = splitDateRange(from, to);
  const parts: Sql[] = days.map(
    ([a, b]) => sql`SELECT business_date AS date, kind, status, currency, network, n, amount_minor
          FROM dash_day_totals WHERE business_date BETWEEN ${a ?? from} AND ${b ?? to} AND kind IN ('sale', 'payout')`,
  );
  if (months?.[0] && months[1])
    parts.push(sql`SELECT month || '-01' AS date, kind, status, currency, network, n, amount_minor FROM dash_month_totals
          WHERE month BETWEEN ${months[0]} AND ${months[1]} AND kind IN ('sale', 'payout')`);
  return all<RollupRow>(
    db,
    sql`SELECT date, kind, status, currency, network, sum(n) AS n, sum(amount_minor) AS amount
          FROM (${joinSql(parts, ' UNION ALL ')})
         GROUP BY 1, 2, 3, 4, 5 HAVING sum(n) <> 0 OR sum(amount_minor) <> 0`,
  );
}

export interface GrossRow {
  date: string;
  currency: string;
  amount: number;
}

/** Sold POS tenders' money per day and currency, second views left out (dash_day_gross): the daily chart. */
export function dailyGross(db: Database, from: string, to: string): GrossRow[] {
  return all<GrossRow>(
    db,
    sql`SELECT business_date AS date, currency, amount_minor AS amount FROM dash_day_gross
         WHERE business_date BETWEEN ${from} AND ${to} AND (n <> 0 OR amount_minor <> 0)`,
  );
}

export interface ProviderDayRow {
  date: string;
  currency: string;
  /** The payment providers of the tender's reconciled sale ('tgi+vipps' for a split); null before reconciliation. */
  providers: string | null;
  tenders: number;
  /** Distinct POS sales (reconciliation groups, one per invoice) among those tenders. */
  sales: number;
  amount: number;
}

/**
 * Sold tenders per day and payment provider, through the reconciliation that says who took the money
 * (dash_tender_days, rebuilt by each reconcile run). Tenders no run has placed yet (synced since) are
 * the day's sold tenders less the placed ones, under providers null (no sale known: salesOf counts them).
 */
export function providerDays(db: Database, from: string, to: string): ProviderDayRow[] {
  const placed = all<ProviderDayRow>(
    db,
    sql`SELECT business_date AS date, currency, providers, sum(tenders) AS tenders, sum(sales) AS sales,
               sum(amount_minor) AS amount
          FROM dash_tender_days WHERE business_date BETWEEN ${from} AND ${to} AND class = 'sold'
         GROUP BY 1, 2, 3`,
  );
  const rest = all<ProviderDayRow>(
    db,
    sql`SELECT date, currency, NULL AS providers, sum(n) AS tenders, 0 AS sales, sum(amount) AS amount FROM (
          SELECT business_date AS date, currency, n, amount_minor AS amount FROM dash_day_totals
           WHERE business_date BETWEEN ${from} AND ${to} AND kind = 'sale' AND status IN ('completed', 'refunded')
          UNION ALL
          SELECT business_date, currency, -tenders, -amount_minor FROM dash_tender_days
           WHERE business_date BETWEEN ${from} AND ${to} AND class = 'sold')
        GROUP BY 1, 2 HAVING sum(n) <> 0 OR sum(amount) <> 0`,
  );
  return [...placed, ...rest];
}

export interface QuarterRow {
  /** The UTC hour (`2026-03-01T14`) and quarter of it: the shop's hour is worked out in code. */
  utcHour: string;
  quarter: number;
  status: string;
  currency: string;
  n: number;
  amount: number;
}

/**
 * How the shop's clock runs through business month `month` (YYYY-MM): `steady` (one UTC offset all
 * month), `from` (one change, on business day `from`, which is at least the 4th, and none after it),
 * or `irregular`. Worked out once per zone and month: a zone's rules do not change while we run.
 */
type MonthClock = { kind: 'steady' } | { kind: 'from'; from: string } | { kind: 'irregular' };
const clocks = new Map<string, MonthClock>();
function monthClock(month: string, zone: string): MonthClock {
  const key = `${zone} ${month}`;
  let clock = clocks.get(key);
  if (clock) return clock;
  const tz = IANAZone.create(zone);
  const start = DateTime.fromISO(`${month}-01`, { zone });
  const end = start.plus({ months: 1 });
  const first = tz.offset(start.toMillis());
  // Each day's local midnight, then the month's last instant: any change shows at a day's start.
  const days: DateTime[] = [];
  for (let d = start; d < end; d = d.plus({ days: 1 })) days.push(d);
  const changed = days.findIndex((d) => tz.offset(d.toMillis()) !== first);
  const last = tz.offset(end.toMillis() - 1);
  if (changed === -1) clock = last === first ? { kind: 'steady' } : { kind: 'irregular' };
  else {
    // The change happened during the day before the first day that starts at the new offset.
    const second = tz.offset(days[changed]!.toMillis());
    const after = days.slice(changed).every((d) => tz.offset(d.toMillis()) === second) && last === second;
    clock =
      after && changed >= 4 ? { kind: 'from', from: days[changed - 1]!.toISODate()! } : { kind: 'irregular' };
  }
  clocks.set(key, clock);
  return clock;
}

/**
 * POS tenders per quarter hour of UTC time. SQLite knows no time zones; a quarter hour maps to one
 * hour of the shop's clock in every zone there is (offsets are whole quarter hours). Whole months are
 * read from the month rollup (dash_sale_quarter_months), each quarter hour said as on a day of the
 * month the clock's first offset holds (the 15th of a steady month, else the 2nd); in a month whose
 * clocks change once, the days from the change on are taken back out at that first offset and read
 * again from the day rollup (dash_sale_quarters) with their own. Edge days come from the day rollup.
 */
export function quarterHours(db: Database, from: string, to: string, timeZone: string): QuarterRow[] {
  const { months, days } = splitDateRange(from, to);
  const ranges: [string, string][] = days.map(([a, b]) => [a ?? from, b ?? to]);
  const whole: [string, string][] = [];
  const movedBack: [string, string, string][] = [];
  if (months?.[0] && months[1])
    for (let m = months[0]; m <= months[1]; m = nextMonth(m)) {
      const clock = monthClock(m, timeZone);
      if (clock.kind === 'irregular') ranges.push([`${m}-01`, `${m}-31`]);
      else whole.push([m, clock.kind === 'steady' ? '15' : '02']);
      if (clock.kind === 'from') {
        ranges.push([clock.from, `${m}-31`]);
        movedBack.push([clock.from, `${m}-31`, `${m}-02`]);
      }
    }
  const parts: Sql[] = ranges.map(
    ([a, b]) => sql`SELECT utc_hour AS utcHour, quarter, status, currency, n, amount_minor AS amount
          FROM dash_sale_quarters WHERE business_date BETWEEN ${a} AND ${b}`,
  );
  for (const [a, b, day] of movedBack)
    parts.push(sql`SELECT ${day} || substr(utc_hour, 11) AS utcHour, quarter, status, currency, -n AS n,
                          -amount_minor AS amount
          FROM dash_sale_quarters WHERE business_date BETWEEN ${a} AND ${b}`);
  if (whole.length)
    parts.push(sql`SELECT j.value ->> 0 || '-' || (j.value ->> 1) || 'T' || printf('%02d', q.quarter / 4) AS utcHour,
                          q.quarter % 4 AS quarter, q.status, q.currency, q.n, q.amount_minor AS amount
          FROM json_each(${JSON.stringify(whole)}) j
          CROSS JOIN dash_sale_quarter_months q ON q.month = j.value ->> 0`);
  if (!parts.length) return [];
  return all<QuarterRow>(
    db,
    sql`SELECT utcHour, quarter, status, currency, sum(n) AS n, sum(amount) AS amount
          FROM (${joinSql(parts, ' UNION ALL ')})
         WHERE status IN ('completed', 'refunded', 'failed')
         GROUP BY 1, 2, 3, 4 HAVING sum(n) <> 0`,
  );
}

const nextMonth = (m: string) =>
  DateTime.fromISO(`${m}-01`, { zone: 'utc' }).plus({ months: 1 }).toFormat('yyyy-MM');

/** Failed POS tenders, and how many of them belong to a sale that a later tender paid after all. */
export function failedRetried(db: Database, from: string, to: string): { failed: number; retried: number } {
  const row = all<{ failed: number | null; retried: number | null }>(
    db,
    sql`SELECT (SELECT sum(n) FROM dash_day_totals
                 WHERE business_date BETWEEN ${from} AND ${to} AND kind = 'sale' AND status = 'failed') AS failed,
               (SELECT sum(retried) FROM dash_tender_days
                 WHERE business_date BETWEEN ${from} AND ${to} AND class = 'failed') AS retried`,
  )[0];
  return { failed: row?.failed ?? 0, retried: row?.retried ?? 0 };
}

export interface VatRow {
  currency: string;
  vat: number;
  gross: number;
}

/**
 * VAT from the itemised lines of the payments that paid the period's POS sales (only Vipps Sales API
 * and Cents entries carry lines; the POS sends none), each sale on the day of its first sold tender.
 */
export function itemisedVat(db: Database, from: string, to: string): VatRow[] {
  return all<VatRow>(
    db,
    sql`SELECT currency, sum(vat_minor) AS vat, sum(gross_minor) AS gross FROM dash_vat_days
         WHERE business_date BETWEEN ${from} AND ${to} GROUP BY 1`,
  );
}

export interface FeeRow {
  date: string;
  currency: string;
  amount: number;
}

/**
 * Fees that took money, as positive amounts. A provider books a fee twice: charged (a Vipps capture
 * fee, positive in the fees ledger) and then retained (negative, out of the funds). Both are the
 * same money, so only the entries that took money count, second views (the fees ledger's copy of a
 * retained fee) left out.
 */
export function feeDays(db: Database, from: string, to: string): FeeRow[] {
  return all<FeeRow>(
    db,
    sql`SELECT business_date AS date, currency, -sum(amount_minor) AS amount FROM dash_day_totals
         WHERE business_date BETWEEN ${from} AND ${to} AND kind = 'fee' AND negative = 1
         GROUP BY 1, 2 HAVING sum(n) <> 0`,
  );
}

export interface CompletenessRow {
  connectionId: string;
  name: string;
  provider: string;
  date: string | null;
  state: string | null;
  detail: string | null;
}

/** Each connection's completeness checks of the period, every stream (a day is as good as its worst stream). */
export function completenessRows(db: Database, from: string, to: string): CompletenessRow[] {
  return all<CompletenessRow>(
    db,
    sql`SELECT c.id AS connectionId, c.name, c.provider, d.date, d.state, d.detail
          FROM connections c
          LEFT JOIN day_completeness d ON d.connection_id = c.id AND d.date BETWEEN ${from} AND ${to}
         ORDER BY c.provider, c.name, d.date, d.stream`,
  );
}
