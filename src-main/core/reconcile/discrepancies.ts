import type { Database } from 'better-sqlite3';
import { all, rawSql, run, sql, type Sql } from '../store/sql.ts';
import type { ReconcileSettings } from './reconcile-settings.ts';

/** Every class of what does not add up, in the order a person should look at them. */
export const DISCREPANCY_CLASSES = [
  'sale_without_payment',
  'payment_without_sale',
  'amount_mismatch',
  'duplicate_charge',
  'refund_without_original',
  'pending_too_long',
  'payout_difference',
  'mistyped_reference',
] as const;
export type DiscrepancyClass = (typeof DISCREPANCY_CLASSES)[number];

/** Classes that belong to a business day and are rebuilt with it; the rest are rebuilt whole each run. */
const DAY_CLASSES: DiscrepancyClass[] = [
  'sale_without_payment',
  'payment_without_sale',
  'amount_mismatch',
  'duplicate_charge',
  'mistyped_reference',
];

const PAYMENT_CANDIDATE = `t.provider IN ('vipps', 'tgi', 'sensepass', 'cents') AND t.kind = 'capture'
  AND t.status NOT IN ('failed', 'cancelled') AND NOT (t.provider = 'cents' AND t.provider_status = 'pre_transaction')`;

interface Options {
  /** Days to rebuild (the classes of a sale's group, by its anchor day); null for all. */
  days: readonly string[] | null;
  /**
   * The days of "payment with no sale" to rebuild, by the payment's own day, when they reach further
   * than `days`: a day's groups hold payments of its neighbouring days too. Defaults to `days`.
   */
  paymentDays?: readonly string[];
  /**
   * With days: the groups the run wrote (new or changed). The classes of a sale's group are rebuilt for
   * these alone: an unchanged group's rows stand, and a deleted group's went with it.
   */
  groups?: readonly number[];
  /**
   * Instead of days: the sales a decision re-matched (group ids) and the records that were or are in
   * them. Only their classes are rebuilt; refunds, pending payments and payouts did not change.
   */
  local?: { groups: readonly number[]; records: readonly number[] };
  settings: ReconcileSettings;
  nowMs: number;
  orphanRefunds: readonly number[];
}

export function writeDiscrepancies(db: Database, o: Options): number {
  const insert =
    db.prepare(`INSERT INTO recon_discrepancies (class, business_date, provider, currency, amount_minor,
    group_id, transaction_ids, detail) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`);
  const add = (
    cls: DiscrepancyClass,
    r: {
      date: string;
      provider: string;
      currency: string;
      amount: number;
      group?: number | null;
      ids: number[];
      detail?: object;
    },
  ) =>
    insert.run(
      cls,
      r.date,
      r.provider,
      r.currency,
      r.amount,
      r.group ?? null,
      JSON.stringify(r.ids),
      r.detail ? JSON.stringify(r.detail) : null,
    );
  const days = o.days === null ? null : JSON.stringify(o.days);
  const paymentDays = o.days === null ? null : JSON.stringify(o.paymentDays ?? o.days);
  const { local } = o;
  // Which rows a query reads: a column name from this file, never input. Locally, a sale's classes
  // are scoped by its group (g) and "payment with no sale" by the record (t); over days, by the group's
  // anchor day (g) and the payment's own day (c).
  const within = (col: string, list: string | null): Sql =>
    list === null ? sql`1` : sql`${rawSql(col)} IN (SELECT value FROM json_each(${list}))`;
  const groups = local?.groups ?? (days === null ? undefined : o.groups);
  const inDays = (col: string): Sql =>
    col.startsWith('g.') && groups
      ? sql`g.id IN (SELECT value FROM json_each(${JSON.stringify(groups)}))`
      : local
        ? sql`t.id IN (SELECT value FROM json_each(${JSON.stringify(local.records)}))`
        : within(col, col.startsWith('c.') ? paymentDays : days);
  // Given the groups by id, they are read by id: on the state index the planner walked every linked
  // and review group of the cache (~80 ms a decision at 1M sales), testing each id against the list.
  const state = rawSql(groups ? '+g.state' : 'g.state');
  const classes = JSON.stringify(DAY_CLASSES);
  if (local) {
    run(
      db,
      sql`DELETE FROM recon_discrepancies WHERE group_id IN (SELECT value FROM json_each(${JSON.stringify(local.groups)}))
            AND class IN (SELECT value FROM json_each(${classes}))`,
    );
    run(
      db,
      sql`DELETE FROM recon_discrepancies WHERE class = 'payment_without_sale'
            AND transaction_ids IN (SELECT json_array(value) FROM json_each(${JSON.stringify(local.records)}))`,
    );
  } else if (days === null) run(db, sql`DELETE FROM recon_discrepancies`);
  else {
    run(
      db,
      sql`DELETE FROM recon_discrepancies WHERE ${
        groups
          ? sql`group_id IN (SELECT value FROM json_each(${JSON.stringify(groups)}))`
          : within('business_date', days)
      } AND class IN (SELECT value FROM json_each(${classes})) AND class <> 'payment_without_sale'`,
    );
    run(
      db,
      sql`DELETE FROM recon_discrepancies WHERE ${within('business_date', paymentDays)} AND class = 'payment_without_sale'`,
    );
    run(
      db,
      sql`DELETE FROM recon_discrepancies WHERE class NOT IN (SELECT value FROM json_each(${classes}))`,
    );
  }

  // A sale (tender) no payment claimed: cash and young pending sales are explained, not counted.
  for (const r of all<{
    id: number;
    group_id: number;
    date: string;
    currency: string;
    amount: number;
    provider: string;
  }>(
    db,
    sql`SELECT t.id, g.id AS group_id, g.anchor_date AS date, t.currency, t.amount_minor AS amount, 'sentrypos' AS provider
          FROM recon_groups g JOIN recon_members m ON m.group_id = g.id AND m.role = 'sale'
          JOIN transactions t ON t.id = m.transaction_id
         WHERE ${state} = 'unmatched' AND ${inDays('g.anchor_date')}
           AND NOT EXISTS (SELECT 1 FROM json_each(g.evidence, '$.pairs') p WHERE json_extract(p.value, '$.tender') = t.id)
           AND upper(coalesce(t.network, '')) <> 'CASH' AND t.status <> 'pending'`,
  ))
    add('sale_without_payment', { ...r, group: r.group_id, ids: [r.id] });

  // Captures no group or view holds: over days they are found in the kind index alone, and only those
  // few rows are read (reading every capture's row was most of this pass); locally, among the records
  // by id (the kind index walked every capture). In the kind index's order, as before.
  const captures = local
    ? sql`SELECT value AS id FROM json_each(${JSON.stringify(local.records)})`
    : sql`SELECT c.id FROM transactions c INDEXED BY transactions_by_kind
           WHERE c.kind = 'capture' AND c.provider IN ('vipps', 'tgi', 'sensepass', 'cents')
             AND ${inDays('c.business_date')}`;
  for (const r of all<{ id: number; date: string; provider: string; currency: string; amount: number }>(
    db,
    sql`SELECT t.id, t.business_date AS date, t.provider, t.currency, t.amount_minor AS amount
          FROM (${captures}) x CROSS JOIN transactions t ON t.id = x.id
         WHERE NOT EXISTS (SELECT 1 FROM recon_members m WHERE m.transaction_id = x.id)
           AND NOT EXISTS (SELECT 1 FROM recon_views v WHERE v.transaction_id = x.id)
           AND ${rawSql(PAYMENT_CANDIDATE)}
         ORDER BY t.provider, t.business_date, t.id`,
  ))
    add('payment_without_sale', { ...r, ids: [r.id] });

  // Linked pairs whose amounts differ beyond a tip, and links made on a mistyped reference. The
  // evidence is JSON.stringify's (no spaces, and a quote inside a note is escaped), so a group whose
  // text holds none of the three key-value pairs has no such pair: only the others are parsed. At 100k
  // sales, parsing every linked group's evidence was 460-520 ms CPU, three quarters of this pass.
  for (const r of all<{
    group_id: number;
    date: string;
    tender: number;
    payment: number;
    fit: string;
    ref: string;
    provider: string;
    currency: string;
    diff: number | null;
    sale: number;
  }>(
    db,
    sql`SELECT g.id AS group_id, g.anchor_date AS date, json_extract(p.value, '$.tender') AS tender,
          json_extract(p.value, '$.payment') AS payment, json_extract(p.value, '$.amountFit') AS fit,
          json_extract(p.value, '$.referenceFit') AS ref, t.provider, g.currency,
          json_extract(p.value, '$.fields.amount.detail.difference') AS diff, g.sale_minor AS sale
        FROM recon_groups g, json_each(g.evidence, '$.pairs') p
        JOIN transactions t ON t.id = json_extract(p.value, '$.payment')
       WHERE ${inDays('g.anchor_date')} AND ${state} IN ('linked', 'review')
         AND (instr(g.evidence, '"amountFit":"differs"') OR instr(g.evidence, '"amountFit":"no-rate"')
           OR instr(g.evidence, '"referenceFit":"similar"'))
         AND (json_extract(p.value, '$.amountFit') IN ('differs', 'no-rate') OR json_extract(p.value, '$.referenceFit') = 'similar')`,
  )) {
    const ids = [r.tender, r.payment];
    if (r.fit === 'differs')
      add('amount_mismatch', {
        date: r.date,
        provider: r.provider,
        currency: r.currency,
        amount: r.diff ?? 0,
        group: r.group_id,
        ids,
      });
    if (r.ref === 'similar')
      add('mistyped_reference', {
        date: r.date,
        provider: r.provider,
        currency: r.currency,
        amount: r.sale,
        group: r.group_id,
        ids,
      });
  }

  for (const r of all<{
    id: number;
    group_id: number;
    date: string;
    provider: string;
    currency: string;
    amount: number;
  }>(
    db,
    sql`SELECT t.id, g.id AS group_id, g.anchor_date AS date, t.provider, t.currency, t.amount_minor AS amount
          FROM recon_groups g JOIN recon_members m ON m.group_id = g.id AND m.role = 'duplicate'
          JOIN transactions t ON t.id = m.transaction_id WHERE ${inDays('g.anchor_date')}`,
  ))
    add('duplicate_charge', { ...r, group: r.group_id, ids: [r.id] });

  if (local) return 0;
  for (const r of all<{ id: number; date: string; provider: string; currency: string; amount: number }>(
    db,
    sql`SELECT t.id, t.business_date AS date, t.provider, t.currency, t.amount_minor AS amount FROM transactions t
         WHERE t.id IN (SELECT value FROM json_each(${JSON.stringify(o.orphanRefunds)}))`,
  ))
    add('refund_without_original', { ...r, ids: [r.id] });

  // From the pending records' own index (migration 0025): only the rows listed are read.
  const cutoff = new Date(o.nowMs - o.settings.pendingDays * 86_400_000).toISOString();
  for (const r of all<{
    id: number;
    date: string;
    provider: string;
    currency: string;
    amount: number;
    at: string;
  }>(
    db,
    sql`SELECT t.id, t.business_date AS date, t.provider, t.currency, t.amount_minor AS amount, t.occurred_at AS at
          FROM transactions t INDEXED BY recon_pending WHERE t.status = 'pending' AND t.occurred_at < ${cutoff}
           AND (t.provider = 'sentrypos' OR ${rawSql(PAYMENT_CANDIDATE)})
           AND NOT EXISTS (SELECT 1 FROM recon_views v WHERE v.transaction_id = t.id)`,
  ))
    add('pending_too_long', { ...r, ids: [r.id], detail: { since: r.at, days: o.settings.pendingDays } });

  for (const r of all<{
    id: number;
    date: string;
    currency: string;
    amount: number;
    expected: number;
    actual: number;
  }>(
    db,
    sql`SELECT transaction_id AS id, ledger_date AS date, currency, difference_minor AS amount,
          expected_minor AS expected, actual_minor AS actual FROM recon_payouts WHERE difference_minor <> 0`,
  ))
    add('payout_difference', {
      ...r,
      provider: 'vipps',
      ids: [r.id],
      detail: { expected: r.expected, actual: r.actual },
    });

  return Number((db.prepare('SELECT count(*) AS n FROM recon_discrepancies').get() as { n: number }).n);
}
