import { hash } from 'node:crypto';
import type { Rec } from './load-day.ts';
import type { BuiltGroup, Pair } from './match-day.ts';

/*
 * What a group is, as matching and the refund pass build it: its state, method, evidence and version.
 * Pure: the writer (write-groups.ts) stores these, and the refund pass judges a stored group again.
 */

export type GroupState = 'linked' | 'review' | 'unmatched' | 'explained';

/** A refund linked to its original payment, with how sure the link is. */
export interface RefundLink {
  refund: Rec;
  paymentId: number;
  status: 'auto' | 'suggested';
  score: number;
  note: string;
}

/** The evidence kept with a group, so the UI explains it without recomputing anything. */
export function evidenceOf(g: BuiltGroup, refunds: readonly RefundLink[] = []) {
  return {
    pairs: g.pairs.map((p) => pairEvidence(p)),
    refunds: refunds.map((r) => ({
      refund: r.refund.id,
      payment: r.paymentId,
      status: r.status,
      score: r.score,
      note: r.note,
    })),
  };
}

function pairEvidence(p: Pair) {
  // A clean exact-key link needs no field list: the shared reference and equal amounts say it all.
  const clean = p.how === 'key' && p.evidence.amountFit === 'equal';
  return {
    tender: p.tender.id,
    payment: p.payment.id,
    how: p.how,
    status: p.status,
    score: p.how === 'key' ? 1 : p.evidence.score,
    amountFit: p.evidence.amountFit,
    referenceFit: p.evidence.referenceFit,
    fields: clean ? null : p.evidence.fields,
    runnerUp: p.runnerUp
      ? {
          payment: p.runnerUp.paymentId,
          tender: p.runnerUp.tenderId,
          score: p.runnerUp.score,
          fields: p.runnerUp.evidence.fields,
        }
      : null,
  };
}

const YOUNG_PENDING_MS = 86_400_000;

/**
 * Where a sale stands: linked, waiting for a person, unmatched, or explained (cash, failed, pending).
 * Reads only the pairs' tenders and statuses and the tenders, so a stored group (its evidence's pairs
 * and its sale members) can be judged again when the refund pass takes its refunds away (refunds.ts).
 */
export function stateOf(
  g: {
    pairs: readonly { tender: { id: number }; status: string }[];
    tenders: readonly Pick<Rec, 'id' | 'network' | 'status' | 'atMs'>[];
  },
  refunds: readonly Pick<RefundLink, 'status'>[],
  nowMs: number,
): GroupState {
  if (g.pairs.some((p) => p.status === 'suggested') || refunds.some((r) => r.status === 'suggested'))
    return 'review';
  const unpaid = g.tenders.filter((t) => !g.pairs.some((p) => p.tender.id === t.id));
  if (!g.tenders.length) return 'explained';
  if (!unpaid.length) return 'linked';
  const explained = unpaid.every(
    (t) =>
      t.network?.toUpperCase() === 'CASH' || (t.status === 'pending' && nowMs - t.atMs < YOUNG_PENDING_MS),
  );
  return explained ? (g.pairs.length ? 'linked' : 'explained') : 'unmatched';
}

export function methodOf(g: BuiltGroup): 'key' | 'score' | 'person' | 'none' {
  if (g.pairs.some((p) => p.how === 'person')) return 'person';
  if (g.pairs.some((p) => p.how === 'score')) return 'score';
  return g.pairs.length ? 'key' : 'none';
}

/**
 * A hash of what a person saw: members, their roles and contents, and the state. One string hashed in
 * one call: a Hash object per group (create, update per member, digest) cost ~10x more, 1M times a run.
 */
export function versionOf(
  members: readonly { id: number; role: string; fingerprint: string | null }[],
  state: string,
) {
  let text = '';
  for (const m of [...members].sort((a, b) => a.id - b.id))
    text += `${m.id}:${m.role}:${m.fingerprint ?? ''};`;
  return hash('sha1', text + state, 'base64url').slice(0, 16);
}
