import type { Database } from 'better-sqlite3';
import { all, sql } from '../store/sql.ts';
import type { DecisionIndex } from './decision-index.ts';
import { writeDiscrepancies } from './discrepancies.ts';
import { closeComponent, TooWide, type Seeds } from './component.ts';
import { growComponent, type Grown } from './grow.ts';
import { GrowTooFar, matchComponent, storedOffsets, type StretchCache } from './rematch-area.ts';
import { loadByIds } from './load-day.ts';
import { recordKey, stableOrder, type BuiltGroup } from './match-day.ts';
import {
  addRefunds,
  BY_PERSON,
  byOrderReference,
  byPerson,
  ruledStatus,
  vippsOriginal,
  type RefundEntry,
} from './refund-links.ts';
import type { ReconcileSettings } from './reconcile-settings.ts';
import type { RefundLink } from './group-facts.ts';
import { GroupWriter } from './write-groups.ts';
import { applyRollupShares, rollupShare } from '../store/mutations/recon-rollups.ts';

export type { Seeds } from './component.ts';

export interface LocalReport {
  /** Sales re-matched. */
  groups: number;
  /** Rounds of growing from the decision; 0 where it reached too far and the component search took over. */
  rounds: number;
  /** Business days whose groups or records changed (the Dashboard's rollups are already moved). */
  days: string[];
}

/**
 * Re-matches only what a decision can change, instead of whole days: the decision's sales and every
 * sale and payment connected to them by a candidate pair (scored as the day's run scored it, with the
 * day's stored clock offsets), a reference, a held record, a failed attempt or a duplicate charge.
 * Matching is a greedy pass over candidate pairs, so a sale outside that component comes out as it
 * was; inside it, matchDay runs as the day's run does, restricted to the component's sales. Refunds
 * follow their originals; the discrepancies and the Dashboard's rollups of what was re-matched are
 * written again in the same transaction. The result equals a full rebuild's (tested); where the change
 * would reach further (a TGI payment changing hands, whose refunds are scored against every payment of
 * four months; a refund turned orphan; a component over 40,000 sales or 48 hours; a day without stored
 * offsets), nothing is written and null is returned: the caller rebuilds the days instead.
 */
export function rematchDecision(
  db: Database,
  seeds: Seeds,
  settings: ReconcileSettings,
  decisions: DecisionIndex,
  nowMs: number,
  /** Records read by the previous decisions, where nothing was written since (StretchCache). */
  cache?: StretchCache,
): LocalReport | null {
  try {
    return db.transaction(() => rematch(db, seeds, settings, decisions, nowMs, cache))();
  } catch (err) {
    if (err instanceof TooWide) return null;
    throw err;
  }
}

interface StoredMember {
  id: number;
  group_id: number;
  key: string;
  role: string;
  provider: string;
  kind: string;
  date: string;
  anchor: string;
}

function rematch(
  db: Database,
  seeds: Seeds,
  settings: ReconcileSettings,
  decisions: DecisionIndex,
  nowMs: number,
  cache: StretchCache | undefined,
): LocalReport {
  // Grown from the decision while the outcome changes; past its bounds, the whole component of candidates.
  let grown: Grown | null = null;
  try {
    grown = growComponent(db, seeds, settings, decisions, cache);
  } catch (err) {
    if (!(err instanceof GrowTooFar)) throw err;
  }
  const component = grown?.component ?? closeComponent(db, seeds, settings);
  const { built, days } = grown ?? matchComponent(db, component, settings, decisions, storedOffsets(db));
  const keys = [...component.groups];
  const keysJson = JSON.stringify(keys);
  // Every change below is to these sales' groups (refunds join them only): the Dashboard's rollups
  // move by their share after less before.
  const shareBefore = rollupShare(db, keys);
  const before = all<StoredMember>(
    db,
    sql`SELECT m.transaction_id AS id, m.group_id, g.key, m.role, t.provider, t.kind, t.business_date AS date,
          g.anchor_date AS anchor
        FROM recon_groups g JOIN recon_members m ON m.group_id = g.id JOIN transactions t ON t.id = m.transaction_id
       WHERE g.key IN (SELECT value FROM json_each(${keysJson}))`,
  );
  const oldRefunds = all<{ key: string; link: string }>(
    db,
    sql`SELECT g.key, r.value AS link FROM recon_groups g, json_each(g.evidence, '$.refunds') r
         WHERE g.key IN (SELECT value FROM json_each(${keysJson}))`,
  ).map((r) => {
    const l = JSON.parse(r.link) as RefundEntry;
    return {
      key: r.key,
      refund: l.refund,
      paymentId: l.payment,
      // As its rule placed it: addRefunds checks the group's refunds against their payments again.
      status: ruledStatus(l),
      score: l.score,
      note: l.note,
    };
  });

  // A TGI payment that changes hands changes which refunds may be its: those are scored against
  // every TGI payment of four months, which is a day rebuild's refund pass, not a decision's.
  const tgiBefore = placement(before.filter((m) => m.provider === 'tgi' && m.role === 'payment'));
  const tgiAfter = placement(
    built.flatMap((g) =>
      g.members
        .filter((m) => m.rec.provider === 'tgi' && m.role === 'payment')
        .map((m) => ({ id: m.rec.id, key: g.key })),
    ),
  );
  if (tgiBefore !== tgiAfter) throw new TooWide();

  const writer = new GroupWriter(db, settings);
  writer.writeGroups(keys, built, nowMs);
  const idOf = new Map(
    all<{ id: number; key: string }>(
      db,
      sql`SELECT id, key FROM recon_groups WHERE key IN (SELECT value FROM json_each(${keysJson}))`,
    ).map((g) => [g.key, g.id]),
  );
  const refunded = placeRefunds(db, built, oldRefunds, seeds, decisions, idOf);

  // Discrepancies of the component: its sales' classes, and "payment with no sale" for every record
  // that was or is in one of its sales (or that the decision named).
  const groupIds = [...idOf.values()];
  const records = [
    ...new Set([
      ...before.map((m) => m.id),
      ...built.flatMap((g) => g.members.map((m) => m.rec.id)),
      ...seeds.recordIds,
    ]),
  ];
  writeDiscrepancies(db, {
    days: [],
    local: { groups: groupIds, records },
    settings,
    nowMs,
    orphanRefunds: [],
  });
  applyRollupShares(db, shareBefore, rollupShare(db, keys));
  const touched = new Set([
    ...days,
    ...before.map((m) => m.anchor),
    ...before.map((m) => m.date),
    ...built.flatMap((g) => g.members.map((m) => m.rec.date)),
    ...refunded,
  ]);
  return { groups: keys.length, rounds: grown?.rounds ?? 0, days: [...touched].sort() };
}

/** Which group holds each payment, as one comparable string. */
function placement(xs: readonly { id: number; key: string }[]): string {
  return xs
    .map((x) => `${x.id}:${x.key}`)
    .sort()
    .join(',');
}

/**
 * Puts back the refunds the re-written sales held, and places refunds whose original just joined one
 * of them, as the refund pass would: a person's link first, a Vipps refund by its order reference, a
 * TGI refund where it was (its candidates did not change: no TGI payment changed hands). A refund that
 * would need a new search (a TGI refund a person rejected or released) or would become an orphan ends
 * the local re-match. Returns the business days of the refunds placed.
 */
function placeRefunds(
  db: Database,
  built: readonly BuiltGroup[],
  old: readonly (Omit<RefundLink, 'refund'> & { refund: number; key: string })[],
  seeds: Seeds,
  decisions: DecisionIndex,
  idOf: ReadonlyMap<string, number>,
): string[] {
  const vippsRefs = built.flatMap((g) =>
    g.members.filter((m) => m.rec.provider === 'vipps' && m.role === 'payment').flatMap((m) => m.rec.refs),
  );
  const newcomers = all<{ id: number }>(
    db,
    sql`SELECT t.id FROM transaction_refs x CROSS JOIN transactions t ON t.id = x.transaction_id
         WHERE x.value IN (SELECT value FROM json_each(${JSON.stringify(vippsRefs)})) AND x.kind = 'reference'
           AND t.provider = 'vipps' AND t.kind = 'refund' AND t.external_id LIKE 'sales:%'
           AND NOT EXISTS (SELECT 1 FROM recon_members m WHERE m.transaction_id = t.id)`,
  ).map((r) => r.id);
  const seedRefunds = loadByIds(db, seeds.recordIds).filter((r) => r.kind === 'refund');
  const oldOf = new Map(old.map((l) => [l.refund, l]));
  // A TGI or other refund the decision names, with no person's link now (a rejection, or an undone
  // decision either way), goes where the refund pass's search puts it: every sale may bid for it again.
  for (const r of seedRefunds)
    if (r.provider !== 'vipps' && decisions.saleOf(recordKey(r)) === undefined) throw new TooWide();
  const refunds = loadByIds(db, [
    ...new Set([...old.map((l) => l.refund), ...newcomers, ...seedRefunds.map((r) => r.id)]),
  ])
    .filter((r) => r.twinId === null)
    .sort(stableOrder);
  const links = new Map<number, RefundLink[]>();
  const add = (groupId: number, l: RefundLink) =>
    (links.get(groupId) ?? links.set(groupId, []).get(groupId)!).push(l);
  for (const r of refunds) {
    const chosen = decisions.saleOf(recordKey(r));
    if (chosen !== undefined) {
      const id = idOf.get(`sale:${chosen}`);
      // A person tied it to a sale outside the component: the day rebuild places it there.
      if (id === undefined) throw new TooWide();
      add(id, byPerson(r));
      continue;
    }
    if (r.provider === 'vipps') {
      const original = vippsOriginal(db, r);
      if (original === 'none' || (original && decisions.rejected(original.sale_key, recordKey(r))))
        throw new TooWide();
      if (original) {
        if (!idOf.has(`sale:${original.sale_key}`)) throw new TooWide();
        add(original.group_id, byOrderReference(r, original.id));
      }
      continue;
    }
    const was = oldOf.get(r.id);
    const groupId = was && idOf.get(was.key);
    if (
      !was ||
      groupId === undefined ||
      was.note === BY_PERSON ||
      decisions.rejected(was.key.slice(5), recordKey(r))
    )
      throw new TooWide();
    add(groupId, {
      refund: r,
      paymentId: was.paymentId,
      status: was.status,
      score: was.score,
      note: was.note,
    });
  }
  for (const [groupId, ls] of links) addRefunds(db, groupId, ls);
  // The Report API's view of a refund joins the group its Sales API entry joined (as the refund pass does).
  const placed = [...links.values()].flat().map((l) => l.refund.id);
  db.prepare(
    `INSERT OR IGNORE INTO recon_members (transaction_id, group_id, role)
     SELECT v.transaction_id, m.group_id, 'view' FROM recon_views v JOIN recon_members m ON m.transaction_id = v.primary_id
      WHERE v.primary_id IN (SELECT value FROM json_each(?))`,
  ).run(JSON.stringify(placed));
  return [...links.values()].flat().map((l) => l.refund.date);
}
