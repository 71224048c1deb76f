import type { Database } from 'better-sqlite3';
import type { z } from 'zod';
import { AppError } from '../model/app-error.ts';
import type { CandidatesInput, ReconcileCandidates } from '../api/reconcile-schemas.ts';
import { all, get, sql } from '../store/sql.ts';

type Input = z.output<typeof CandidatesInput>;
type Output = z.infer<typeof ReconcileCandidates>;
type Candidate = Output['items'][number];

/** The prefilled window: a day either side of the record, and its amount exactly. */
const DEFAULT_HOURS = 24;

interface Anchor {
  id: number;
  side: 'sale' | 'payment';
  groupKey: string | null;
  version: string | null;
  provider: string;
  currency: string;
  /** What is still to find: the sale's amount not yet paid, or the payment's amount. */
  amountMinor: number;
  occurredAt: string;
}

/** A sale group (`sale:…`) or a lone record (`payment:<id>`, `transaction:<id>`) as the thing to find a match for. */
function anchorOf(db: Database, key: string): Anchor {
  const lone = /^(?:payment|transaction):(\d+)$/.exec(key);
  if (lone) {
    const t = get<{
      id: number;
      provider: string;
      kind: string;
      currency: string;
      amount_minor: number;
      occurred_at: string;
    }>(
      db,
      sql`SELECT id, provider, kind, currency, amount_minor, occurred_at FROM transactions WHERE id = ${Number(lone[1])}`,
    );
    if (!t) throw new AppError('NOT_FOUND', `There is no record ${lone[1]} in the cache.`);
    if (t.provider === 'sentrypos') {
      const g = get<{ key: string }>(
        db,
        sql`SELECT g.key FROM recon_members m JOIN recon_groups g ON g.id = m.group_id WHERE m.transaction_id = ${t.id}`,
      );
      if (g) return anchorOf(db, g.key);
    }
    if (t.kind !== 'capture' && t.kind !== 'sale') {
      throw new AppError(
        'BAD_INPUT',
        'Only a sale or a payment can be matched; fees and payouts are settled by a payout.',
      );
    }
    return {
      id: t.id,
      side: t.provider === 'sentrypos' ? 'sale' : 'payment',
      groupKey: null,
      version: null,
      provider: t.provider,
      currency: t.currency,
      amountMinor: t.amount_minor,
      occurredAt: t.occurred_at,
    };
  }
  const g = get<{
    key: string;
    version: string;
    currency: string;
    sale_minor: number;
    paid_minor: number;
    id: number;
  }>(db, sql`SELECT id, key, version, currency, sale_minor, paid_minor FROM recon_groups WHERE key = ${key}`);
  if (!g || !g.key.startsWith('sale:')) {
    throw new AppError('NOT_FOUND', 'That sale is not in the reconciliation any more. Reload the list.');
  }
  const sale = get<{ id: number; occurred_at: string }>(
    db,
    sql`SELECT t.id, t.occurred_at FROM recon_members m JOIN transactions t ON t.id = m.transaction_id
         WHERE m.group_id = ${g.id} AND m.role = 'sale' ORDER BY t.occurred_at, t.id LIMIT 1`,
  );
  if (!sale) throw new AppError('NOT_FOUND', 'That sale has no sale record any more. Reload the list.');
  const open = g.sale_minor - g.paid_minor;
  return {
    id: sale.id,
    side: 'sale',
    groupKey: g.key,
    version: g.version,
    provider: 'sentrypos',
    currency: g.currency,
    amountMinor: open > 0 ? open : g.sale_minor,
    occurredAt: sale.occurred_at,
  };
}

const shiftHours = (instant: string, hours: number) =>
  new Date(new Date(instant).getTime() + hours * 3_600_000).toISOString();

interface Row {
  id: number;
  provider: string;
  kind: string;
  amount_minor: number;
  currency: string;
  occurred_at: string;
  business_date: string;
  customer_name: string | null;
  reference: string | null;
  group_key: string | null;
  group_state: string | null;
  group_version: string | null;
  role: string | null;
  evidence: string | null;
}

function invoiceOf(key: string | null): string | null {
  return key ? (key.split(':').at(-1) ?? key) : null;
}

/**
 * The records that could be the other half of an unmatched sale or payment: payments for a sale,
 * sales for a payment, in the same currency, within an amount range and a time window (prefilled
 * around the record, widened by the person). Each says whether linking it would be accepted: a
 * payment another sale already holds by a link, not a mere suggestion, has to be unlinked there first.
 * Read-only: the matching itself is untouched.
 */
export function findCandidates(db: Database, input: Input): Output {
  const a = anchorOf(db, input.key);
  const minMinor = input.minMinor ?? a.amountMinor;
  const maxMinor = input.maxMinor ?? a.amountMinor;
  if (minMinor > maxMinor) throw new AppError('BAD_INPUT', 'The lowest amount is above the highest.');
  const from = input.from ?? shiftHours(a.occurredAt, -DEFAULT_HOURS);
  const to = input.to ?? shiftHours(a.occurredAt, DEFAULT_HOURS);
  if (from > to) throw new AppError('BAD_INPUT', 'The time window ends before it starts.');
  const wanted =
    a.side === 'sale'
      ? sql`t.provider <> 'sentrypos' AND t.kind = 'capture'`
      : sql`t.provider = 'sentrypos' AND t.kind = 'sale'`;
  const rows = all<Row>(
    db,
    sql`SELECT t.id, t.provider, t.kind, t.amount_minor, t.currency, t.occurred_at, t.business_date, t.customer_name,
          (SELECT value FROM transaction_refs r WHERE r.transaction_id = t.id ORDER BY r.kind = 'invoiceId' DESC, r.kind LIMIT 1) AS reference,
          g.key AS group_key, g.state AS group_state, g.version AS group_version, m.role, g.evidence
        FROM transactions t INDEXED BY search_by_amount
        LEFT JOIN recon_members m ON m.transaction_id = t.id
        LEFT JOIN recon_groups g ON g.id = m.group_id
        WHERE t.amount_minor BETWEEN ${minMinor} AND ${maxMinor} AND t.currency = ${a.currency}
          AND t.occurred_at BETWEEN ${from} AND ${to} AND ${wanted} AND t.id <> ${a.id}
          AND NOT EXISTS (SELECT 1 FROM recon_views v WHERE v.transaction_id = t.id)
          AND coalesce(m.role, '') <> 'view'
        ORDER BY abs(t.amount_minor - ${a.amountMinor}), abs(julianday(t.occurred_at) - julianday(${a.occurredAt})), t.id
        LIMIT ${input.limit}`,
  );
  // A split sale has one record per tender: a payment is offered each sale once. Linkable ones first.
  const seen = new Set<string>();
  const items = rows
    .filter((r) => a.side === 'sale' || !r.group_key || (!seen.has(r.group_key) && !!seen.add(r.group_key)))
    .map((r) => candidate(a, r))
    .sort((x, y) => Number(y.linkable) - Number(x.linkable));
  return {
    record: {
      id: a.id,
      side: a.side,
      groupKey: a.groupKey,
      currency: a.currency,
      amountMinor: a.amountMinor,
      occurredAt: a.occurredAt,
    },
    window: { minMinor, maxMinor, from, to },
    items,
  };
}

function candidate(a: Anchor, r: Row): Candidate {
  const seconds = Math.round((new Date(r.occurred_at).getTime() - new Date(a.occurredAt).getTime()) / 1000);
  let linkable = true;
  let note: string;
  if (a.side === 'sale') {
    const suggestedOnly =
      r.role === 'payment' &&
      r.group_state === 'review' &&
      (
        JSON.parse(r.evidence ?? '{"pairs":[]}') as { pairs: { payment: number; status: string }[] }
      ).pairs.some((p) => p.payment === r.id && p.status === 'suggested');
    if (!r.group_key || r.group_key.startsWith('payment:')) note = 'Not part of any sale.';
    else if (r.group_key === a.groupKey) {
      linkable = false;
      note = 'Already part of this sale.';
    } else if (suggestedOnly) note = `Suggested for sale ${invoiceOf(r.group_key)}, not yet accepted.`;
    else {
      linkable = false;
      note = `Already pays sale ${invoiceOf(r.group_key)}: unlink it there first.`;
    }
  } else {
    linkable = r.group_key !== null && r.group_key.startsWith('sale:');
    note = !linkable
      ? 'This sale is not in the reconciliation yet.'
      : r.group_state === 'linked'
        ? `Sale ${invoiceOf(r.group_key)} is already paid in full.`
        : r.group_state === 'unmatched'
          ? `Sale ${invoiceOf(r.group_key)} has no payment yet.`
          : `Sale ${invoiceOf(r.group_key)} (${r.group_state}).`;
  }
  return {
    id: r.id,
    provider: r.provider,
    kind: r.kind,
    amountMinor: r.amount_minor,
    currency: r.currency,
    occurredAt: r.occurred_at,
    businessDate: r.business_date,
    customerName: r.customer_name,
    reference: r.reference,
    differenceMinor: r.amount_minor - a.amountMinor,
    secondsApart: seconds,
    groupKey: r.group_key,
    groupVersion: r.group_version,
    linkable,
    note,
    // The decision that links it: the sale is the anchor's group, or the candidate's when the anchor is a payment.
    link:
      a.side === 'sale'
        ? { groupKey: a.groupKey ?? '', version: a.version, transactionId: r.id }
        : { groupKey: r.group_key ?? '', version: r.group_version, transactionId: a.id },
  };
}
