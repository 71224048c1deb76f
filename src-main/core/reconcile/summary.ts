import type { Database } from 'better-sqlite3';
import type { z } from 'zod';
import type { ReconcileSummary } from '../api/reconcile-schemas.ts';
import { all, get, sql, type Sql } from '../store/sql.ts';
import { CLASS_LABELS } from './describe.ts';
import { DISCREPANCY_CLASSES } from './discrepancies.ts';

type Summary = z.infer<typeof ReconcileSummary>;
export interface Period {
  from?: string | null;
  to?: string | null;
}

export function inPeriod(column: Sql, p: Period): Sql {
  if (p.from && p.to) return sql`${column} BETWEEN ${p.from} AND ${p.to}`;
  if (p.from) return sql`${column} >= ${p.from}`;
  if (p.to) return sql`${column} <= ${p.to}`;
  return sql`1`;
}

export function payoutChecks(db: Database, where: Sql): Summary['payouts'] {
  return all<Summary['payouts'][number]>(
    db,
    sql`SELECT transaction_id AS id, ledger_date AS ledgerDate, first_date AS firstDate, currency,
          captures_minor AS capturesMinor, refunds_minor AS refundsMinor, fees_minor AS feesMinor,
          adjustments_minor AS adjustmentsMinor, expected_minor AS expectedMinor, actual_minor AS actualMinor,
          difference_minor AS differenceMinor, items
        FROM recon_payouts WHERE ${where} ORDER BY ledger_date, transaction_id`,
  );
}

/**
 * Per business day and payment provider: sales linked, waiting in review, unmatched and explained,
 * with their money per currency; payments no sale claimed join as unmatched under their provider.
 * Every discrepancy class is listed, with a zero count where nothing is wrong.
 */
export function reconcileSummary(db: Database, p: Period, warnings: string[]): Summary {
  type Row = { date: string; provider: string; state: string; currency: string; n: number; amount: number };
  const groups = all<Row>(
    db,
    // The rollup each reconcile run rebuilds for its days (store/mutations/recon-rollups.ts).
    sql`SELECT anchor_date AS date, provider, state, currency, n, sale_minor AS amount
        FROM dash_group_days WHERE ${inPeriod(sql`anchor_date`, p)}`,
  );
  const lonePayments = all<Row>(
    db,
    sql`SELECT business_date AS date, provider, 'unmatched' AS state, currency, count(*) AS n, sum(amount_minor) AS amount
        FROM recon_discrepancies WHERE class = 'payment_without_sale' AND ${inPeriod(sql`business_date`, p)}
        GROUP BY 1, 2, 4`,
  );
  const rows = new Map<string, Summary['rows'][number]>();
  const totals = {
    sales: 0,
    linked: 0,
    review: 0,
    unmatched: 0,
    explained: 0,
    unmatchedPayments: 0,
    linkedShare: 0,
  };
  // A set, not groups.includes: a year has thousands of rows.
  const isGroup = new Set(groups);
  for (const r of [...groups, ...lonePayments]) {
    const k = `${r.date}|${r.provider}`;
    let row = rows.get(k);
    if (!row) {
      row = {
        date: r.date,
        provider: r.provider,
        linked: 0,
        review: 0,
        unmatched: 0,
        explained: 0,
        money: [],
      };
      rows.set(k, row);
    }
    const state = r.state as 'linked' | 'review' | 'unmatched' | 'explained';
    row[state] += r.n;
    let m = row.money.find((x) => x.currency === r.currency);
    if (!m) row.money.push((m = { currency: r.currency, linkedMinor: 0, reviewMinor: 0, unmatchedMinor: 0 }));
    if (state === 'linked') m.linkedMinor += r.amount;
    else if (state === 'review') m.reviewMinor += r.amount;
    else if (state === 'unmatched') m.unmatchedMinor += r.amount;
    if (isGroup.has(r)) {
      totals.sales += r.n;
      totals[state] += r.n;
    } else totals.unmatchedPayments += r.n;
  }
  const needPayment = totals.sales - totals.explained;
  totals.linkedShare = needPayment > 0 ? totals.linked / needPayment : 1;

  const classRows = all<{ class: string; currency: string; n: number; amount: number }>(
    db,
    sql`SELECT class, currency, count(*) AS n, sum(amount_minor) AS amount FROM recon_discrepancies
         WHERE ${inPeriod(sql`business_date`, p)} GROUP BY 1, 2`,
  );
  const classes = DISCREPANCY_CLASSES.map((c) => {
    const mine = classRows.filter((r) => r.class === c);
    return {
      class: c,
      label: CLASS_LABELS[c],
      count: mine.reduce((s, r) => s + r.n, 0),
      money: mine.map((r) => ({ currency: r.currency, amountMinor: r.amount })),
    };
  });
  const explained = get<{ cash: number | null; attempts: number | null; pending: number | null }>(
    db,
    sql`SELECT sum(cash) AS cash, sum(attempts) AS attempts, sum(pending) AS pending
          FROM dash_explained_days WHERE ${inPeriod(sql`anchor_date`, p)}`,
  );
  const reconciled =
    get<{ n: number }>(db, sql`SELECT count(*) AS n FROM (SELECT 1 FROM recon_groups LIMIT 1)`)?.n === 1;
  return {
    from: p.from ?? null,
    to: p.to ?? null,
    reconciled,
    totals,
    rows: [...rows.values()].sort((a, b) =>
      a.date === b.date ? a.provider.localeCompare(b.provider) : a.date < b.date ? -1 : 1,
    ),
    classes,
    explained: {
      cash: explained?.cash ?? 0,
      failedAttempts: explained?.attempts ?? 0,
      pendingYoung: explained?.pending ?? 0,
    },
    payouts: payoutChecks(db, inPeriod(sql`ledger_date`, p)),
    warnings,
  };
}
