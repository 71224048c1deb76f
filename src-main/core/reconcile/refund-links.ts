import type { Database } from 'better-sqlite3';
import { all, get, run, sql } from '../store/sql.ts';
import { loadByIds, type Rec } from './load-day.ts';
import { stableOrder } from './match-day.ts';
import { versionOf, type RefundLink } from './group-facts.ts';

/*
 * How a refund joins its sale's group, for the refund pass (refunds.ts) and a decision's re-match
 * (rematch.ts) alike: the link a rule or a person makes, a Vipps refund's original capture, and the
 * group's evidence, state and version once it holds the refund.
 */

/** A refund a person tied to a sale. */
export const byPerson = (refund: Rec): RefundLink => ({
  refund,
  paymentId: 0,
  status: 'auto',
  score: 1,
  note: BY_PERSON,
});
export const BY_PERSON = 'linked by a person';

/** A Vipps refund and the capture of the same order reference. */
export const byOrderReference = (refund: Rec, paymentId: number): RefundLink => ({
  refund,
  paymentId,
  status: 'auto',
  score: 1,
  note: 'same order reference',
});

type VippsOriginal = { id: number; group_id: number; sale_key: string } | null | 'none';

/** A Vipps refund's original: the latest Sales API capture of its order reference before it. */
export function vippsOriginal(db: Database, r: Rec): VippsOriginal {
  return vippsOriginals(db, [r]).get(r.id) ?? 'none';
}

/**
 * Vipps refunds' originals (see vippsOriginal), by refund id: the captures of all their order
 * references are read in one query, not one per refund.
 */
export function vippsOriginals(db: Database, refunds: readonly Rec[]): Map<number, VippsOriginal> {
  const refs = [...new Set(refunds.flatMap((r) => r.refs.slice(0, 1)))];
  const captures = new Map<string, Capture[]>();
  for (const c of all<Capture & { ref: string }>(
    db,
    // CROSS JOIN keeps the references as the outer loop: with bound values the planner otherwise walks
    // transactions_by_kind through every Vipps capture (77 ms per refund at 100k sales).
    sql`SELECT x.value AS ref, t.connection_id, t.occurred_at AS at, t.id, t.amount_minor, m.group_id,
          substr(g.key, 6) AS sale_key
        FROM (SELECT DISTINCT value FROM json_each(${JSON.stringify(refs)})) j
          CROSS JOIN transaction_refs x ON x.value = j.value AND x.kind = 'reference'
          CROSS JOIN transactions t ON t.id = x.transaction_id
          LEFT JOIN recon_members m ON m.transaction_id = t.id
          LEFT JOIN recon_groups g ON g.id = m.group_id
       WHERE t.provider = 'vipps' AND t.kind = 'capture' AND t.external_id LIKE 'sales:%'
       ORDER BY t.occurred_at DESC, t.id`,
  )) {
    const k = `${c.ref}\u001f${c.connection_id}`;
    (captures.get(k) ?? captures.set(k, []).get(k)!).push(c);
  }
  const out = new Map<number, VippsOriginal>();
  for (const r of refunds) {
    const ref = r.refs[0];
    const at = new Date(r.atMs).toISOString();
    const rows = ref ? (captures.get(`${ref}\u001f${r.connectionId}`) ?? []).filter((c) => c.at <= at) : [];
    const hit = rows.find((x) => x.amount_minor >= -r.amount) ?? rows[0];
    // The original exists but no sale holds it (a payment with no sale): the refund is not an orphan.
    out.set(
      r.id,
      !hit
        ? 'none'
        : hit.group_id === null
          ? null
          : { id: hit.id, group_id: hit.group_id, sale_key: hit.sale_key ?? '' },
    );
  }
  return out;
}

interface Capture {
  connection_id: string;
  at: string;
  id: number;
  amount_minor: number;
  group_id: number | null;
  sale_key: string | null;
}

export type RefundEntry = {
  refund: number;
  payment: number;
  status: string;
  score: number;
  note: string;
  /** The rule linked it, but with the other refunds on its payment it is more than the payment took. */
  over?: true;
};

/** The status the placing rule gave an entry, before the over-refund check (overRefunds) held it back. */
export const ruledStatus = (e: Pick<RefundEntry, 'status' | 'over'>): RefundLink['status'] =>
  e.over ? 'auto' : (e.status as RefundLink['status']);

/** How an entry held back by the over-refund check explains itself, after the rule's own note. */
export const OVER_REFUNDED =
  'together with the other refunds on this payment, more would be refunded than it took';

/**
 * Adds refunds to a group and brings its evidence, state and version up to date (planRefunds, then
 * applyRefunds).
 */
export function addRefunds(db: Database, groupId: number, links: readonly RefundLink[]): void {
  applyRefunds(db, groupId, links, planRefunds(db, groupId, links));
}

/**
 * A group's refund entries once it holds these links too, and whether they put it in review. The
 * evidence lists a group's refunds in their stable order (a full run places every refund in that
 * order): links come in it, and a group that already holds refunds (placed by an earlier run) gets its
 * list merged in it. Reads only: the refund pass takes the Dashboard's share of the groups it turns to
 * review before any is written.
 */
export function planRefunds(
  db: Database,
  groupId: number,
  links: readonly RefundLink[],
): { entries: RefundEntry[]; review: boolean } {
  const held = JSON.parse(
    get<{ refunds: string }>(
      db,
      sql`SELECT json_extract(evidence, '$.refunds') AS refunds FROM recon_groups WHERE id = ${groupId}`,
    )?.refunds ?? '[]',
  ) as RefundEntry[];
  const entry = (l: RefundLink): RefundEntry => ({
    refund: l.refund.id,
    payment: l.paymentId,
    status: l.status,
    score: l.score,
    note: l.note,
  });
  let merged = links.map((l) => ({ r: l.refund, e: entry(l) }));
  if (held.length) {
    // An entry whose refund is no longer in the cache names nothing: it goes.
    const recs = new Map(
      loadByIds(
        db,
        held.map((e) => e.refund),
      ).map((r) => [r.id, r]),
    );
    for (const l of links) recs.delete(l.refund.id);
    merged = [
      ...held.flatMap((e) => {
        const r = recs.get(e.refund);
        return r ? [{ r, e }] : [];
      }),
      ...merged,
    ].sort((a, b) => stableOrder(a.r, b.r));
  }
  const entries = overRefunds(db, merged);
  return { entries, review: entries.some((e) => e.status === 'suggested') };
}

/** Writes what planRefunds planned for the group: the refunds' member rows, evidence, state and version. */
export function applyRefunds(
  db: Database,
  groupId: number,
  links: readonly RefundLink[],
  plan: { entries: readonly RefundEntry[]; review: boolean },
): void {
  for (const l of links)
    run(
      db,
      sql`INSERT OR REPLACE INTO recon_members (transaction_id, group_id, role) VALUES (${l.refund.id}, ${groupId}, 'refund')`,
    );
  run(
    db,
    sql`UPDATE recon_groups SET evidence = json_set(evidence, '$.refunds', json(${JSON.stringify(plan.entries)}))
         WHERE id = ${groupId}`,
  );
  if (plan.review) run(db, sql`UPDATE recon_groups SET state = 'review' WHERE id = ${groupId}`);
  refreshVersion(db, groupId);
}

/**
 * A payment is not refunded beyond what it took on a rule's word alone: where the refunds rules linked
 * to one payment of a group add up to more than it, each waits for a person (`over`). A suggestion does
 * not count (it waits for a person already, and a weak one would hold back a sure link), nor does a
 * person's link (which names no payment). TGI refunds name no payment, and a common price's whole
 * refund scores alike against every payment of that price whose sale the POS marked refunded: three
 * refunds of NOK 32.90 went to one payment of NOK 32.90. The check reads the group's whole list, the
 * same set whatever order runs placed it in, so a full and an incremental run agree; a held entry is
 * judged again from the status its rule gave it.
 */
function overRefunds(db: Database, list: readonly { r: Rec; e: RefundEntry }[]): RefundEntry[] {
  const refunded = new Map<number, number>();
  for (const { r, e } of list)
    if (e.payment && ruledStatus(e) === 'auto')
      refunded.set(e.payment, (refunded.get(e.payment) ?? 0) - r.amount);
  const paid = new Map(
    all<{ id: number; amount: number }>(
      db,
      sql`SELECT id, amount_minor AS amount FROM transactions
           WHERE id IN (SELECT value FROM json_each(${JSON.stringify([...refunded.keys()])}))`,
    ).map((p) => [p.id, p.amount]),
  );
  return list.map(({ e }) => {
    const ruled = {
      refund: e.refund,
      payment: e.payment,
      status: ruledStatus(e),
      score: e.score,
      note: e.note,
    };
    const over = e.payment !== 0 && (refunded.get(e.payment) ?? 0) > (paid.get(e.payment) ?? Infinity);
    return over && ruled.status === 'auto' ? { ...ruled, status: 'suggested', over: true as const } : ruled;
  });
}

/**
 * A group's version from its members as they stand. A refund's Report view joins after its refund
 * (the views come last in the refund pass and in a decision's placing), so a full run's version never
 * counted it: it is left out here too, or a group that got a second refund in a later run would hash
 * otherwise than one that got both in one run.
 */
export function refreshVersion(db: Database, groupId: number): void {
  const members = all<{ id: number; role: string; fingerprint: string | null }>(
    db,
    sql`SELECT m.transaction_id AS id, m.role, t.fingerprint FROM recon_members m
          JOIN transactions t ON t.id = m.transaction_id
         WHERE m.group_id = ${groupId} AND NOT (m.role = 'view' AND t.kind = 'refund')`,
  );
  const state =
    get<{ state: string }>(db, sql`SELECT state FROM recon_groups WHERE id = ${groupId}`)?.state ?? '';
  run(db, sql`UPDATE recon_groups SET version = ${versionOf(members, state)} WHERE id = ${groupId}`);
}
