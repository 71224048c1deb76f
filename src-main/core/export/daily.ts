import type { Database } from 'better-sqlite3';
import { all, rawSql, sql, type Sql } from '../store/sql.ts';
import type { ExportPeriod } from './period.ts';

/*
 * The money that moved, each movement once: captures and refunds that went through at a payment
 * provider (never a second API view of one, see recon_views), plus the till's cash tenders, which no
 * provider sees. Failed, pending and cancelled attempts moved nothing and are left out. The alias is
 * a fixed identifier chosen in code, never input.
 */
const col = (alias: string) => (c: string) => `${alias}.${c}`;
/** The provider kinds and statuses of money a payment provider moved (second views included). */
const providerMoved = (t: (c: string) => string) =>
  `${t('provider')} <> 'sentrypos' AND ${t('kind')} IN ('capture', 'refund')
        AND ${t('status')} IN ('completed', 'partially_refunded', 'refunded')`;
/** Money paid through a payment provider, each movement once. */
export function paidThroughProvider(alias: string): Sql {
  const t = col(alias);
  return rawSql(`(${providerMoved(t)}
        AND NOT EXISTS (SELECT 1 FROM recon_views v WHERE v.transaction_id = ${t('id')}))`);
}
/** The till's cash: completed POS sales tendered in cash. */
export function cashAtTill(alias: string): Sql {
  const t = col(alias);
  return rawSql(`(${t('provider')} = 'sentrypos' AND ${t('kind')} = 'sale' AND ${t('status')} = 'completed'
        AND upper(coalesce(${t('network')}, '')) = 'CASH')`);
}
export function movedMoney(alias: string): Sql {
  return sql`(${paidThroughProvider(alias)} OR ${cashAtTill(alias)})`;
}

export interface MovedTotal {
  provider: string;
  kind: string;
  currency: string;
  n: number;
  amountMinor: number;
}
/**
 * Count and amount of the money that moved (movedMoney's records) per provider, kind and currency,
 * from the day rollups instead of the records: 0003's search_day_totals, less 0006's second views
 * (search_view_day_totals, which triggers keep equal to recon_views; Vipps fee charges are views too
 * but never a capture or refund). A year is a few tens of thousands of rollup rows instead of a million
 * records, each a read of a wide row.
 */
export function movedMoneyTotals(db: Database, p: ExportPeriod): MovedTotal[] {
  const r = col('r');
  return all<MovedTotal>(
    db,
    sql`SELECT provider, kind, currency, sum(n) AS n, sum(amount_minor) AS amountMinor FROM (
          SELECT provider, kind, currency, n, amount_minor FROM search_day_totals r
           WHERE r.business_date BETWEEN ${p.from} AND ${p.to} AND (${rawSql(providerMoved(r))} OR ${cashAtTill('r')})
          UNION ALL
          SELECT provider, kind, currency, -n, -amount_minor FROM search_view_day_totals r
           WHERE r.business_date BETWEEN ${p.from} AND ${p.to} AND ${rawSql(providerMoved(r))})
         GROUP BY 1, 2, 3 HAVING sum(n) <> 0 ORDER BY 1, 2, 3`,
  );
}

/** A tender is the provider that holds the money until it pays out; the till's cash is `cash`. */
export const tenderOf = (provider: string) => (provider === 'sentrypos' ? 'cash' : provider);

export interface DailyRow {
  date: string;
  tender: string;
  currency: string;
  /** null: outside VAT (a donation collected for a charity). */
  rateBp: number | null;
  grossMinor: number;
  vatMinor: number;
  netMinor: number;
  /** Where the VAT split comes from: the record's own lines, or the default rate from the mapping. */
  source: 'lines' | 'default rate' | 'outside VAT';
}

/** VAT inside a gross amount at a rate, rounded half away from zero to the minor unit. */
export function vatOfGross(grossMinor: number, rateBp: number): number {
  const exact = (Math.abs(grossMinor) * rateBp) / (10_000 + rateBp);
  return Math.sign(grossMinor) * Math.round(exact);
}

interface MovedGroup {
  date: string;
  provider: string;
  currency: string;
  rate: number | null;
  donation: number;
  gross: number;
  vat: number | null;
  vatLines: number;
}
/**
 * The money that moved per day, provider, currency, line VAT rate and donation. A record without lines
 * is its amount, read from the day rollups (has_lines is one of their dimensions); only records with
 * lines are read, with their lines, and only for the days and providers the rollups say have any. One
 * query over every record and its lines cost ~5 s of CPU a million records.
 */
export function movedByDayAndRate(db: Database, p: ExportPeriod): MovedGroup[] {
  const r = col('r');
  const rollup = (table: string, moved: string, sign: string, hasLines: number) =>
    sql`SELECT business_date AS date, provider, currency, ${rawSql(sign)}n AS n, ${rawSql(sign)}amount_minor AS amount
          FROM ${rawSql(table)} r WHERE r.business_date BETWEEN ${p.from} AND ${p.to} AND r.has_lines = ${hasLines}
           AND ${rawSql(moved)}`;
  const perDay = (hasLines: number) =>
    sql`${rollup('search_day_totals', `(${providerMoved(r)} OR ${cashAtTill('r').text})`, '', hasLines)}
        UNION ALL ${rollup('search_view_day_totals', providerMoved(r), '-', hasLines)}`;
  const plain = all<MovedGroup>(
    db,
    sql`SELECT date, provider, currency, NULL AS rate, 0 AS donation, sum(amount) AS gross, NULL AS vat, 0 AS vatLines
          FROM (${perDay(0)}) GROUP BY 1, 2, 3 HAVING sum(n) <> 0`,
  );
  const lined = all<{ date: string; provider: string }>(
    db,
    sql`SELECT date, provider FROM (${perDay(1)}) GROUP BY 1, 2 HAVING sum(n) <> 0`,
  ).flatMap((d) =>
    all<MovedGroup>(
      db,
      sql`SELECT t.business_date AS date, t.provider, t.currency, l.vat_rate_bp AS rate,
                 coalesce(l.category, '') = 'donation' AS donation, sum(l.line_gross_minor) AS gross,
                 sum(l.vat_minor) AS vat, count(l.vat_minor) AS vatLines
            FROM transactions t JOIN transaction_lines l ON l.transaction_id = t.id
           WHERE t.business_date = ${d.date} AND t.provider = ${d.provider} AND ${movedMoney('t')}
           GROUP BY 1, 2, 3, 4, 5`,
    ),
  );
  // A group both hold (lines without a VAT rate, beside records without lines) is one group: its VAT
  // is worked out once, on its whole gross.
  const groups = new Map<string, MovedGroup>();
  for (const g of [...plain, ...lined]) {
    const key = `${g.date}|${g.provider}|${g.currency}|${g.rate}|${g.donation}`;
    const x = groups.get(key);
    if (!x) groups.set(key, { ...g });
    else {
      x.gross += g.gross;
      x.vat = x.vat === null && g.vat === null ? null : (x.vat ?? 0) + (g.vat ?? 0);
      x.vatLines += g.vatLines;
    }
  }
  return [...groups.values()];
}

/**
 * Per business day, tender, currency and VAT rate: gross, VAT and net. Lines carry their own VAT when
 * the provider sent it (Vipps order lines); other money (card terminals, the till, Cents' order line)
 * is split at the mapping's default rate, on the day's total so rounding happens once per row.
 */
export function dailyByTenderAndVat(db: Database, p: ExportPeriod, defaultRateBp: number): DailyRow[] {
  const rows = movedByDayAndRate(db, p);
  const out = new Map<string, DailyRow>();
  const add = (r: DailyRow) => {
    const k = `${r.date}|${r.tender}|${r.currency}|${r.rateBp}|${r.source}`;
    const x = out.get(k);
    if (!x) out.set(k, r);
    else {
      x.grossMinor += r.grossMinor;
      x.vatMinor += r.vatMinor;
      x.netMinor += r.netMinor;
    }
  };
  for (const r of rows) {
    const base = { date: r.date, tender: tenderOf(r.provider), currency: r.currency };
    if (r.donation) {
      add({
        ...base,
        rateBp: null,
        grossMinor: r.gross,
        vatMinor: 0,
        netMinor: r.gross,
        source: 'outside VAT',
      });
    } else if (r.rate !== null && r.vat !== null && r.vatLines > 0) {
      add({
        ...base,
        rateBp: r.rate,
        grossMinor: r.gross,
        vatMinor: r.vat,
        netMinor: r.gross - r.vat,
        source: 'lines',
      });
    } else {
      const rate = r.rate ?? defaultRateBp;
      const vat = vatOfGross(r.gross, rate);
      add({
        ...base,
        rateBp: rate,
        grossMinor: r.gross,
        vatMinor: vat,
        netMinor: r.gross - vat,
        source: 'default rate',
      });
    }
  }
  return [...out.values()].sort(
    (a, b) =>
      a.date.localeCompare(b.date) ||
      a.tender.localeCompare(b.tender) ||
      a.currency.localeCompare(b.currency) ||
      (b.rateBp ?? -1) - (a.rateBp ?? -1) ||
      a.source.localeCompare(b.source),
  );
}
