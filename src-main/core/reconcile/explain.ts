import type { Database } from 'better-sqlite3';
import type { z } from 'zod';
import { AppError } from '../model/app-error.ts';
import type { ProviderId } from '../model/transaction.ts';
import { referenceLabel } from '../providers/describe.ts';
import type { FieldEvidence, ReconcileExplanation } from '../api/reconcile-schemas.ts';
import { RECON_STATE } from '../search/summaries.ts';
import { all, get, sql } from '../store/sql.ts';
import { formatDay, formatMoney, providerName } from './describe.ts';
import { discrepancyText, type DiscrepancyRow } from './discrepancy-text.ts';
import type { FieldName, FieldScore } from './score.ts';
import { payoutChecks } from './summary.ts';
import { OVER_REFUNDED, type RefundEntry } from './refund-links.ts';
import type { GroupRecord } from './write-groups.ts';

type Explanation = z.infer<typeof ReconcileExplanation>;
type Field = z.infer<typeof FieldEvidence>;

const LABELS: Record<FieldName, string> = {
  amount: 'Amount',
  time: 'Time',
  reference: 'Reference',
  method: 'Payment method',
  customer: 'Customer',
};

interface StoredPair {
  tender: number;
  payment: number;
  how: string;
  status: string;
  score: number;
  amountFit: string;
  referenceFit: string;
  fields: Record<FieldName, FieldScore> | null;
  runnerUp: { payment: number; tender: number; score: number; fields: Record<FieldName, FieldScore> } | null;
}
interface Evidence {
  pairs: StoredPair[];
  refunds: RefundEntry[];
}

function fieldList(fields: Record<FieldName, FieldScore> | null): Field[] {
  if (!fields) {
    // A clean exact-key link keeps no field list: it rests on the shared reference and equal amounts.
    return [
      { field: 'reference', label: LABELS.reference, score: 1, note: 'same reference', detail: {} },
      { field: 'amount', label: LABELS.amount, score: 1, note: 'equal', detail: {} },
    ];
  }
  return (Object.keys(LABELS) as FieldName[]).map((f) => ({
    field: f,
    label: LABELS[f],
    score: fields[f].score,
    note: fields[f].note,
    detail: fields[f].detail,
  }));
}

/**
 * Why the runner-up lost: the field where it fell furthest behind, or a tie a person must settle. A
 * runner-up that scored higher is held by another suggestion, which matching took first: only a sure
 * link takes a record out of contention (match-day.ts). Exported for its test.
 */
export function whyLost(
  winner: Record<FieldName, FieldScore> | null,
  runner: Record<FieldName, FieldScore>,
  gap: number,
): string {
  if (gap <= -0.005) return 'It scored higher, but another suggestion holds it: a person has to choose.';
  if (gap < 0.005) return 'It scored the same: a person has to choose.';
  let worst: { f: FieldName; d: number } | null = null;
  for (const f of Object.keys(LABELS) as FieldName[]) {
    const d = (winner?.[f].score ?? 1) - (runner[f].score ?? 0.5);
    if (!worst || d > worst.d) worst = { f, d };
  }
  if (!worst || worst.d <= 0) return `It scored ${gap.toFixed(2)} lower overall.`;
  return `It lost on ${LABELS[worst.f].toLowerCase()}: ${runner[worst.f].note}.`;
}

/** Resolves what a person clicked (a group key, `payment:<id>` or `transaction:<id>`) to a group key. */
function groupKeyOf(db: Database, key: string): string | null {
  const m = /^(?:payment|transaction):(\d+)$/.exec(key);
  if (!m) return key;
  return (
    get<{ key: string }>(
      db,
      sql`SELECT g.key FROM recon_members m JOIN recon_groups g ON g.id = m.group_id WHERE m.transaction_id = ${Number(m[1])}`,
    )?.key ?? null
  );
}

/** A record's references with the provider's field names in plain words ("invoiceId" → "Invoice number"). */
const labelled = (provider: string, refs: readonly { kind: string; value: string }[]) =>
  refs.map((r) => ({ ...r, label: referenceLabel(provider as ProviderId, r.kind) }));

/** A record's columns as the explanation shows them, its references as one JSON array (`refs`). */
const RECORD = sql`t.id, t.provider, t.connection_id AS connectionId, t.external_id AS externalId, t.kind,
  t.amount_minor AS amountMinor, t.currency, t.status, t.occurred_at AS occurredAt, t.business_date AS businessDate,
  (SELECT json_group_array(json_object('kind', kind, 'value', value)) FROM transaction_refs r WHERE r.transaction_id = t.id) AS refs`;

const withReferences = <T extends { provider: string; refs: string }>({ refs, ...r }: T) => ({
  ...r,
  references: labelled(r.provider, JSON.parse(refs) as { kind: string; value: string }[]),
});

export function explain(db: Database, key: string): Explanation {
  const groupKey = groupKeyOf(db, key);
  const g = groupKey
    ? get<GroupRecord>(db, sql`SELECT * FROM recon_groups WHERE key = ${groupKey}`)
    : undefined;
  if (!g) {
    const lone = /^(?:payment|transaction):(\d+)$/.exec(key);
    if (lone) return lonePayment(db, Number(lone[1]));
    throw new AppError(
      'NOT_FOUND',
      'That sale is not in the reconciliation any more (a sync or a run changed it). Reload the list.',
    );
  }
  const members = all<Explanation['members'][number] & { refs: string }>(
    db,
    sql`SELECT ${RECORD}, m.role FROM recon_members m JOIN transactions t ON t.id = m.transaction_id
         WHERE m.group_id = ${g.id} ORDER BY t.occurred_at, t.id`,
  ).map(withReferences);
  const ev = (g.evidence ? JSON.parse(g.evidence) : { pairs: [], refunds: [] }) as Evidence;
  // What each runner-up put up against its link, to name it: another payment, or another sale's row.
  const sideOf = (p: StoredPair): 'payment' | 'sale' =>
    p.runnerUp!.payment !== p.payment ? 'payment' : 'sale';
  const rivalId = (p: StoredPair) =>
    p.runnerUp && (sideOf(p) === 'payment' ? p.runnerUp.payment : p.runnerUp.tender);
  const rivals = new Map(
    all<Explanation['members'][number] & { refs: string }>(
      db,
      sql`SELECT ${RECORD} FROM transactions t
           WHERE t.id IN (SELECT value FROM json_each(${JSON.stringify(ev.pairs.map(rivalId))}))`,
    )
      .map(withReferences)
      .map((r) => [r.id, r]),
  );
  const rivalOf = (p: StoredPair) => {
    const r = rivals.get(rivalId(p) ?? 0);
    if (!r) return null;
    const { provider, amountMinor, currency, occurredAt, businessDate, references } = r;
    return { side: sideOf(p), provider, amountMinor, currency, occurredAt, businessDate, references };
  };
  const ids = JSON.stringify(members.map((m) => m.id));
  const saleKey = g.key.slice('sale:'.length);
  const invoice = saleKey.split(':').at(-1) ?? saleKey;
  const discrepancies = all<DiscrepancyRow & { id: number }>(
    db,
    sql`SELECT * FROM recon_discrepancies WHERE group_id = ${g.id} ORDER BY id`,
  );
  const decisions = all<{
    id: number;
    at: string;
    actor: string;
    action: string;
    record: string;
    undone_at: string | null;
  }>(
    db,
    sql`SELECT id, at, actor, action, record_provider || ':' || record_connection || ':' || record_external_id AS record, undone_at
          FROM recon_decisions WHERE sale_key = ${saleKey} ORDER BY id`,
  );
  const idOf = (record: string) => {
    const [provider, connection, ...rest] = record.split(':');
    return (
      get<{ id: number }>(
        db,
        sql`SELECT id FROM transactions WHERE provider = ${provider ?? ''} AND connection_id = ${connection ?? ''} AND external_id = ${rest.join(':')}`,
      )?.id ?? null
    );
  };
  return {
    key: g.key,
    kind: 'sale',
    state: g.state,
    method: g.method,
    score: g.score,
    version: g.version,
    anchorDate: g.anchor_date,
    currency: g.currency,
    saleMinor: g.sale_minor,
    paidMinor: g.paid_minor,
    text: `Sale ${invoice} of ${formatMoney(g.sale_minor, g.currency)} on ${formatDay(g.anchor_date)}${g.providers ? `, paid through ${providerName(g.providers)}` : ''}.`,
    members,
    pairs: ev.pairs.map((p) => ({
      tenderId: p.tender,
      paymentId: p.payment,
      how: p.how,
      status: p.status,
      score: p.score,
      fields: fieldList(p.fields),
      runnerUp: p.runnerUp
        ? {
            paymentId: p.runnerUp.payment,
            tenderId: p.runnerUp.tender,
            score: p.runnerUp.score,
            fields: fieldList(p.runnerUp.fields),
            why: whyLost(p.fields, p.runnerUp.fields, p.score - p.runnerUp.score),
            record: rivalOf(p),
          }
        : null,
    })),
    refunds: ev.refunds.map((r) => ({
      refundId: r.refund,
      // 0 is the store's "no payment named" (a person's link): the contract says null.
      paymentId: r.payment || null,
      status: r.status,
      score: r.score,
      note: r.over ? `${r.note}; ${OVER_REFUNDED}` : r.note,
    })),
    payouts: payoutChecks(
      db,
      sql`transaction_id IN (SELECT s.payout_id FROM recon_settlements s WHERE s.transaction_id IN (
            SELECT value FROM json_each(${ids}) UNION SELECT v.transaction_id FROM recon_views v
             WHERE v.primary_id IN (SELECT value FROM json_each(${ids}))))`,
    ),
    discrepancies: discrepancies.map((d) => ({
      id: d.id,
      class: d.class,
      text: discrepancyText(db, d, invoice),
    })),
    decisions: decisions.map((d) => ({
      id: d.id,
      at: d.at,
      actor: d.actor,
      action: d.action,
      recordId: idOf(d.record),
      undone: d.undone_at !== null,
    })),
  };
}

/**
 * A record in no group: a payment or refund no sale holds, or money that is never one sale's (a day's
 * fees kept back, a correction). Its state is the one the Transactions list shows (RECON_STATE), so
 * a fee a checked payout settles reads "linked" in both, not "unmatched" here.
 */
function lonePayment(db: Database, id: number): Explanation {
  const row = get<Explanation['members'][number] & { state: string; refs: string }>(
    db,
    sql`SELECT ${RECORD}, CASE t.kind WHEN 'fee' THEN 'fee' WHEN 'refund' THEN 'refund' ELSE 'payment' END AS role,
          ${RECON_STATE} AS state
        FROM transactions t WHERE t.id = ${id}`,
  );
  if (!row) throw new AppError('NOT_FOUND', `There is no record ${id} in the cache.`);
  const { state, ...t } = withReferences(row);
  const ds = all<DiscrepancyRow & { id: number }>(
    db,
    sql`SELECT d.* FROM recon_discrepancies d, json_each(d.transaction_ids) j WHERE j.value = ${id}`,
  );
  return {
    key: `payment:${id}`,
    kind: 'payment',
    state,
    method: 'none',
    score: null,
    version: null,
    anchorDate: t.businessDate,
    currency: t.currency,
    saleMinor: 0,
    paidMinor: t.amountMinor,
    text: loneText(t),
    members: [t],
    pairs: [],
    refunds: [],
    payouts: payoutChecks(
      db,
      sql`transaction_id IN (SELECT payout_id FROM recon_settlements WHERE transaction_id = ${id})`,
    ),
    discrepancies: ds.map((d) => ({ id: d.id, class: d.class, text: discrepancyText(db, d, null) })),
    decisions: [],
  };
}

/** What a record in no group is, in a sentence: why no sale holds it, when that is expected. */
function loneText(t: {
  provider: string;
  kind: string;
  amountMinor: number;
  currency: string;
  businessDate: string;
}) {
  const who = providerName(t.provider);
  const money = formatMoney(Math.abs(t.amountMinor), t.currency);
  const day = formatDay(t.businessDate);
  switch (t.kind) {
    case 'fee':
      return `${who} kept ${money} in fees on ${day}. Fees for a day's takings are not one sale's, so no sale holds them.`;
    case 'adjustment':
      return `${who} corrected the balance by ${formatMoney(t.amountMinor, t.currency)} on ${day}; a correction is not one sale's.`;
    case 'refund':
      return `${who} paid back ${money} on ${day}; no sale or payment holds this refund.`;
    default:
      return `${who} took ${money} on ${day}; no sale holds it.`;
  }
}
