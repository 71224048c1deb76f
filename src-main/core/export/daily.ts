import type { Database } from 'better-sqlite3';
import { all, rawSql, sql, type Sql } from '../store/sql.ts';
import type { ExportPeriod } from './period.ts';

/**
 * The money that moved, each movement once: captures and refunds that went through at a payment
 * provider (never a second API view of one, see recon_views), plus the till's cash tenders, which no
 * provider sees. Failed, pending and cancelled attempts moved nothing and are left out.
 */
export function movedMoney(alias: string): Sql {
  const t = (c: string) => `${alias}.${c}`;
  // The alias is a fixed identifier chosen in code, never input.
  return rawSql(`((${t('provider')} <> 'sentrypos' AND ${t('kind')} IN ('capture', 'refund')
        AND ${t('status')} IN ('completed', 'partially_refunded', 'refunded')
        AND NOT EXISTS (SELECT 1 FROM recon_views v WHERE v.transaction_id = ${t('id')}))
      OR (${t('provider')} = 'sentrypos' AND ${t('kind')} = 'sale' AND ${t('status')} = 'completed'
        AND upper(coalesce(${t('network')}, '')) = 'CASH'))`);
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

/**
 * Per business day, tender, currency and VAT rate: gross, VAT and net. Lines carry their own VAT when
 * the provider sent it (Vipps order lines); other money (card terminals, the till, Cents' order line)
 * is split at the mapping's default rate, on the day's total so rounding happens once per row.
 */
export function dailyByTenderAndVat(db: Database, p: ExportPeriod, defaultRateBp: number): DailyRow[] {
  const rows = all<{
    date: string;
    provider: string;
    currency: string;
    rate: number | null;
    donation: number;
    gross: number;
    vat: number | null;
    vatLines: number;
  }>(
    db,
    sql`SELECT t.business_date AS date, t.provider, t.currency, l.vat_rate_bp AS rate,
               coalesce(l.category, '') = 'donation' AS donation,
               sum(coalesce(l.line_gross_minor, t.amount_minor)) AS gross, sum(l.vat_minor) AS vat,
               count(l.vat_minor) AS vatLines
          FROM transactions t LEFT JOIN transaction_lines l ON l.transaction_id = t.id
         WHERE t.business_date BETWEEN ${p.from} AND ${p.to} AND ${movedMoney('t')}
         GROUP BY 1, 2, 3, 4, 5`,
  );
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
