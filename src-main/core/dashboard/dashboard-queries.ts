import type { Database } from 'better-sqlite3';
import { all, sql } from '../store/sql.ts';

/*
 * Every query of the Dashboard, each over one range of business dates. The POS writes the only
 * records of kind 'sale' (one per tender of an invoice), so POS revenue is read there and never again
 * from the providers' captures of the same money. `kind = 'sale'` is written as a literal: a partial
 * index is only used when the query repeats its condition word for word.
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
 * Count and amount per day, kind, status, currency and network from the day rollups, less the
 * rollups of second views (a Vipps Report funds entry of a Sales API entry): one money movement, one
 * count. Captures are left out (the POS sale is the revenue), and so are fees (see feeDays).
 */
export function rollupRows(db: Database, from: string, to: string): RollupRow[] {
  return all<RollupRow>(
    db,
    sql`SELECT date, kind, status, currency, network, sum(n) AS n, sum(amount) AS amount FROM (
          SELECT business_date AS date, kind, status, currency, network, n, amount_minor AS amount
            FROM search_day_totals
           WHERE business_date BETWEEN ${from} AND ${to} AND kind IN ('sale', 'payout')
          UNION ALL
          SELECT business_date, kind, status, currency, network, -n, -amount_minor
            FROM search_view_day_totals
           WHERE business_date BETWEEN ${from} AND ${to} AND kind IN ('sale', 'payout'))
        GROUP BY 1, 2, 3, 4, 5 HAVING sum(n) <> 0 OR sum(amount) <> 0`,
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

/** Sold tenders per day and payment provider, through the reconciliation that says who took the money. */
export function providerDays(db: Database, from: string, to: string): ProviderDayRow[] {
  return all<ProviderDayRow>(
    db,
    sql`SELECT t.business_date AS date, t.currency, g.providers, count(*) AS tenders,
               count(DISTINCT m.group_id) AS sales, sum(t.amount_minor) AS amount
          FROM transactions t INDEXED BY dashboard_sales
          LEFT JOIN recon_members m ON m.transaction_id = t.id
          LEFT JOIN recon_groups g ON g.id = m.group_id
         WHERE t.kind = 'sale' AND t.business_date BETWEEN ${from} AND ${to}
           AND t.status IN ('completed', 'refunded')
         GROUP BY 1, 2, 3`,
  );
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
 * POS tenders per quarter hour of UTC time. SQLite knows no time zones; a quarter hour maps to one
 * hour of the shop's clock in every zone there is (offsets are whole quarter hours).
 */
export function quarterHours(db: Database, from: string, to: string): QuarterRow[] {
  return all<QuarterRow>(
    db,
    sql`SELECT substr(occurred_at, 1, 13) AS utcHour, CAST(substr(occurred_at, 15, 2) AS INTEGER) / 15 AS quarter,
               status, currency, count(*) AS n, sum(amount_minor) AS amount
          FROM transactions INDEXED BY dashboard_sales
         WHERE kind = 'sale' AND business_date BETWEEN ${from} AND ${to}
           AND status IN ('completed', 'refunded', 'failed')
         GROUP BY 1, 2, 3, 4`,
  );
}

/** Failed POS tenders, and how many of them belong to a sale that a later tender paid after all. */
export function failedRetried(db: Database, from: string, to: string): { failed: number; retried: number } {
  const row = all<{ failed: number; retried: number | null }>(
    db,
    sql`SELECT count(*) AS failed,
               sum(EXISTS (SELECT 1 FROM recon_members o JOIN transactions s ON s.id = o.transaction_id
                            WHERE o.group_id = m.group_id AND o.role = 'sale'
                              AND s.status IN ('completed', 'refunded'))) AS retried
          FROM transactions t INDEXED BY dashboard_sales
          LEFT JOIN recon_members m ON m.transaction_id = t.id
         WHERE t.kind = 'sale' AND t.business_date BETWEEN ${from} AND ${to} AND t.status = 'failed'`,
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
 * and Cents entries carry lines; the POS sends none).
 */
export function itemisedVat(db: Database, from: string, to: string): VatRow[] {
  // Each sale once (a split invoice has several tenders), then the lines of every payment it has.
  // CROSS JOIN keeps that order: left to itself the planner walked every transaction by currency.
  return all<VatRow>(
    db,
    sql`WITH sold AS (
          SELECT DISTINCT m.group_id FROM transactions t INDEXED BY dashboard_sales
            JOIN recon_members m ON m.transaction_id = t.id
           WHERE t.kind = 'sale' AND t.business_date BETWEEN ${from} AND ${to}
             AND t.status IN ('completed', 'refunded'))
        SELECT p.currency, coalesce(sum(l.vat_minor), 0) AS vat, sum(l.line_gross_minor) AS gross
          FROM sold
          CROSS JOIN recon_members pm INDEXED BY recon_members_by_group
          CROSS JOIN transactions p
          CROSS JOIN transaction_lines l
         WHERE pm.group_id = sold.group_id AND pm.role = 'payment' AND p.id = pm.transaction_id
           AND l.transaction_id = p.id
         GROUP BY 1`,
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
 * same money, and the day rollups cannot tell them apart, so only the entries that took money count,
 * second views (the fees ledger's copy of a retained fee) left out.
 */
export function feeDays(db: Database, from: string, to: string): FeeRow[] {
  return all<FeeRow>(
    db,
    sql`SELECT t.business_date AS date, t.currency, -sum(a.amount_minor) AS amount
          FROM transactions t INDEXED BY search_by_kind JOIN search_amounts a ON a.id = t.id
         WHERE t.kind = 'fee' AND t.business_date BETWEEN ${from} AND ${to}
           AND a.is_view = 0 AND a.amount_minor < 0
         GROUP BY 1, 2`,
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
