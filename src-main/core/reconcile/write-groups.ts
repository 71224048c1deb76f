import { hash } from 'node:crypto';
import type { Database, Statement } from 'better-sqlite3';
import type { Rec } from './load-day.ts';
import type { BuiltGroup, Pair } from './match-day.ts';
import { converted } from './score.ts';
import type { ReconcileSettings } from './reconcile-settings.ts';

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

/** Where a sale stands: linked, waiting for a person, unmatched, or explained (cash, failed, pending). */
export function stateOf(g: BuiltGroup, refunds: readonly RefundLink[], nowMs: number): GroupState {
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

export class GroupWriter {
  readonly #db: Database;
  readonly #settings: ReconcileSettings;
  readonly #insertGroup: Statement;
  readonly #insertMember: Statement;
  readonly #deleteDay: Statement;
  readonly #deleteViews: Statement;
  readonly #insertView: Statement;
  readonly #clearDirty: Statement;

  constructor(db: Database, settings: ReconcileSettings) {
    this.#db = db;
    this.#settings = settings;
    this.#insertGroup =
      db.prepare(`INSERT INTO recon_groups (key, anchor_date, state, method, score, providers,
      currency, sale_minor, paid_minor, version, evidence) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`);
    this.#insertMember = db.prepare(
      'INSERT OR REPLACE INTO recon_members (transaction_id, group_id, role) VALUES (?, ?, ?)',
    );
    this.#deleteDay = db.prepare('DELETE FROM recon_groups WHERE anchor_date = ?');
    this.#deleteViews = db.prepare('DELETE FROM recon_views WHERE business_date = ?');
    this.#insertView = db.prepare(
      'INSERT OR REPLACE INTO recon_views (transaction_id, primary_id, business_date) VALUES (?, ?, ?)',
    );
    this.#clearDirty = db.prepare('DELETE FROM recon_dirty_days WHERE date = ?');
  }

  /** Replaces one day's groups and views, and clears the day's dirty mark, in one transaction. */
  writeDay(date: string, groups: readonly BuiltGroup[], dayRecords: readonly Rec[], nowMs: number): number {
    this.#db.transaction(() => {
      this.#deleteDay.run(date);
      this.#deleteViews.run(date);
      for (const r of dayRecords) if (r.twinId !== null) this.#insertView.run(r.id, r.twinId, r.date);
      for (const g of groups) this.insert(g, [], nowMs);
      this.#clearDirty.run(date);
    })();
    return groups.length;
  }

  insert(g: BuiltGroup, refunds: readonly RefundLink[], nowMs: number): number {
    const state = stateOf(g, refunds, nowMs);
    const scored = g.pairs.filter((p) => p.how === 'score').map((p) => p.evidence.score);
    const providers = [...new Set(g.pairs.map((p) => p.payment.provider))].sort().join('+');
    let paid = 0;
    for (const p of g.pairs) paid += converted(p.payment, g.currency, this.#settings)?.minor ?? 0;
    const members = [...g.members, ...refunds.map((r) => ({ rec: r.refund, role: 'refund' as const }))];
    const version = versionOf(
      members.map((m) => ({ id: m.rec.id, role: m.role, fingerprint: m.rec.fingerprint })),
      state,
    );
    const id = Number(
      this.#insertGroup.run(
        g.key,
        g.anchorDate,
        state,
        methodOf(g),
        scored.length ? Math.min(...scored) : null,
        providers,
        g.currency,
        g.tenders.reduce((s, t) => s + t.amount, 0),
        paid,
        version,
        JSON.stringify(evidenceOf(g, refunds)),
      ).lastInsertRowid,
    );
    for (const m of members) this.#insertMember.run(m.rec.id, id, m.role);
    return id;
  }
}
