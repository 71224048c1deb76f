import type { Database } from 'better-sqlite3';
import { all, get, run, sql } from '../store/sql.ts';
import type { DecisionIndex } from './decision-index.ts';
import { loadByIds, loadWhere } from './load-day.ts';
import { recordKey, stableOrder } from './match-day.ts';
import type { ReconcileSettings } from './reconcile-settings.ts';
import { bestTgiOriginal, LOOKBACK_DAYS, storedCandidates } from './tgi-refund-original.ts';
import {
  applyRefunds,
  byOrderReference,
  byPerson,
  planRefunds,
  refreshVersion,
  ruledStatus,
  vippsOriginals,
  type RefundEntry,
} from './refund-links.ts';
import { stateOf, type RefundLink } from './group-facts.ts';
import { applyRollupShares, rollupShare } from '../store/mutations/recon-rollups.ts';

/**
 * Links refunds no group holds yet (new ones, those whose sale's day was just rebuilt, and those of a
 * group that held a refund which changed or went away: see releaseChanged) to their original payment's
 * group. Vipps: a refund carries its capture's order reference. TGI documents no link, so the original
 * is scored on amount (a full refund equals it, and the POS marks the sale refunded), and on time;
 * unsure links go to review. SensePass and Cents refund by changing the payment's status, so they have
 * no refund records. A refund with no candidate at all is an orphan. `restated`: the groups whose state
 * the pass changed (a refund to review turns its sale to review, one let go may turn it back), whose
 * discrepancy classes the caller rebuilds.
 */
export function linkRefunds(
  db: Database,
  settings: ReconcileSettings,
  decisions: DecisionIndex,
  nowMs: number,
  { moveRollups = true } = {},
): { linked: number; orphans: number[]; restated: number[] } {
  markOutranked(db, settings, decisions);
  const restated = releaseChanged(db, nowMs, moveRollups);
  const refunds = loadWhere(
    db,
    sql`t.kind = 'refund' AND t.provider IN ('vipps', 'tgi', 'sensepass', 'cents')
        AND NOT EXISTS (SELECT 1 FROM recon_members m WHERE m.transaction_id = t.id)`,
  );
  const orphans: number[] = [];
  const links = new Map<number, RefundLink[]>();
  const add = (groupId: number, l: RefundLink) =>
    (links.get(groupId) ?? links.set(groupId, []).get(groupId)!).push(l);
  // In time order, never row order: an earlier refund's claim shapes a later one's candidates.
  const primaries = refunds.filter((r) => r.twinId === null).sort(stableOrder);
  const tgi = primaries.filter((r) => r.provider === 'tgi');
  const tgiCandidates = tgi.length ? storedCandidates(db, tgi) : null;
  const vipps = vippsOriginals(
    db,
    primaries.filter((r) => r.provider === 'vipps'),
  );
  for (const r of primaries) {
    // A person's link wins over any rule; a rejected pair is never proposed again.
    const chosen = decisions.saleOf(recordKey(r));
    const chosenGroup =
      chosen === undefined
        ? undefined
        : get<{ id: number }>(db, sql`SELECT id FROM recon_groups WHERE key = ${`sale:${chosen}`}`);
    if (chosenGroup) {
      add(chosenGroup.id, byPerson(r));
      continue;
    }
    if (r.provider === 'vipps') {
      const original = vipps.get(r.id) ?? 'none';
      if (original === 'none') orphans.push(r.id);
      else if (original && decisions.rejected(original.sale_key, recordKey(r))) orphans.push(r.id);
      else if (original) add(original.group_id, byOrderReference(r, original.id));
    } else if (r.provider === 'tgi') {
      const best = tgiCandidates
        ? bestTgiOriginal(r, tgiCandidates, settings, (c) => decisions.rejected(c.sale_key, r))
        : null;
      if (!best) orphans.push(r.id);
      else
        add(best.c.group_id, {
          refund: r,
          paymentId: best.c.id,
          status: best.auto ? 'auto' : 'suggested',
          score: best.score,
          note: best.note,
        });
    } else orphans.push(r.id);
  }
  // A refund is in no Dashboard rollup; the review state a suggested one sets is. The groups it turns
  // move the rollups by their share (a run refreshing every day says `moveRollups: false`), instead of
  // their anchor days being rebuilt: a new day's refunds reach sales all over the month.
  const plans = [...links].map(([groupId, ls]) => ({ groupId, ls, plan: planRefunds(db, groupId, ls) }));
  const turnedGroups = moveRollups
    ? all<{ id: number; key: string }>(
        db,
        sql`SELECT id, key FROM recon_groups WHERE id IN (SELECT value FROM json_each(${JSON.stringify(
          plans.filter((p) => p.plan.review).map((p) => p.groupId),
        )})) AND state <> 'review'`,
      )
    : [];
  const turned = turnedGroups.map((g) => g.key);
  const before = turned.length ? rollupShare(db, turned) : null;
  let linked = 0;
  for (const { groupId, ls, plan } of plans) {
    applyRefunds(db, groupId, ls, plan);
    linked += ls.length;
  }
  if (before) applyRollupShares(db, before, rollupShare(db, turned));
  // The Report API's view of a refund joins the group its Sales API entry joined.
  for (const v of refunds.filter((r) => r.twinId !== null)) {
    run(
      db,
      sql`INSERT OR IGNORE INTO recon_members (transaction_id, group_id, role)
          SELECT ${v.id}, group_id, 'view' FROM recon_members WHERE transaction_id = ${v.twinId}`,
    );
  }
  return { linked, orphans, restated: [...new Set([...restated, ...turnedGroups.map((g) => g.id)])] };
}

/**
 * Lets go every refund of the groups that held a refund which changed or was removed since the last
 * run (marked by migration 0024's triggers), so the pass places them again as a full rebuild does. A
 * refund is often made weeks after its sale: the group holding it is anchored on a day the run does
 * not rebuild, and kept the refund as it was (its evidence, member row and version; the review a
 * suggested one set), or named a refund no longer there. All of a marked group's refunds go, not only
 * the changed ones, so the pass puts them back in one order (a full run's). The group's refund entries,
 * refund members and refunds' Report views go; a review that only its refunds set is judged again from
 * its pairs and tenders (stateOf). Groups the run rebuilt hold no refunds yet and are passed over. The
 * Dashboard's rollups move by the groups' share. Returns the groups whose state changed.
 */
function releaseChanged(db: Database, nowMs: number, moveRollups: boolean): number[] {
  const marked = all<{ id: number; key: string; state: string; evidence: string }>(
    db,
    sql`SELECT g.id, g.key, g.state, g.evidence FROM recon_dirty_refund_groups d CROSS JOIN recon_groups g ON g.id = d.group_id
         WHERE json_array_length(g.evidence, '$.refunds') > 0
            OR EXISTS (SELECT 1 FROM recon_members m INDEXED BY recon_members_by_group WHERE m.group_id = g.id AND m.role = 'refund')`,
  );
  run(db, sql`DELETE FROM recon_dirty_refund_groups`);
  if (!marked.length) return [];
  const keys = marked.map((g) => g.key);
  const before = moveRollups ? rollupShare(db, keys) : null;
  const restated: number[] = [];
  for (const g of marked) {
    run(
      db,
      sql`DELETE FROM recon_members WHERE group_id = ${g.id} AND (role = 'refund'
            OR (role = 'view' AND (SELECT kind FROM transactions t WHERE t.id = transaction_id) = 'refund'))`,
    );
    run(
      db,
      sql`UPDATE recon_groups SET evidence = json_set(evidence, '$.refunds', json('[]')) WHERE id = ${g.id}`,
    );
    const pairs = (JSON.parse(g.evidence) as { pairs: { tender: number; status: string }[] }).pairs;
    if (g.state === 'review' && !pairs.some((p) => p.status === 'suggested')) {
      const tenders = loadByIds(
        db,
        all<{ id: number }>(
          db,
          sql`SELECT transaction_id AS id FROM recon_members WHERE group_id = ${g.id} AND role = 'sale'`,
        ).map((m) => m.id),
      );
      const state = stateOf(
        { pairs: pairs.map((p) => ({ ...p, tender: { id: p.tender } })), tenders },
        [],
        nowMs,
      );
      run(db, sql`UPDATE recon_groups SET state = ${state} WHERE id = ${g.id}`);
      restated.push(g.id);
    }
    refreshVersion(db, g.id);
  }
  if (before) applyRollupShares(db, before, rollupShare(db, keys));
  return restated;
}

/**
 * Marks for releaseChanged the groups holding a TGI refund whose best original changed on the
 * candidate side since it was placed: a TGI payment that arrived late (synced after its refund), or a
 * sale the POS marked refunded (or no longer) after the refund went to another one. Migration 0026
 * marks those records; here they become the TGI payments their groups now hold, and only the held TGI
 * refunds that can rank one of them (same connection, wanting no more than it, within LOOKBACK_DAYS
 * after it) are ranked again, as the placement would rank them. A refund a person linked stays where
 * the person put it. A refund whose original, status, score or note would differ lets its group go, so
 * the pass places that group's refunds again as a full rebuild has them.
 */
function markOutranked(db: Database, settings: ReconcileSettings, decisions: DecisionIndex): void {
  // A refund ranks only payments before it: a TGI payment after the latest held TGI refund's day, or a
  // POS row after the day after it (its sale's payment may lie across midnight), changes no held
  // refund. A new day's records are most of the marks, and its refunds are not placed yet.
  const latest = get<{ d: string }>(
    db,
    sql`SELECT t.business_date AS d FROM transactions t INDEXED BY transactions_by_kind
          CROSS JOIN recon_members m ON m.transaction_id = t.id
         WHERE t.kind = 'refund' AND t.provider = 'tgi' AND m.role = 'refund'
         ORDER BY t.business_date DESC LIMIT 1`,
  )?.d;
  type Changed = { amount: number; at: string; connection_id: string; flag: number };
  // A marked TGI payment itself; a marked POS row, every TGI payment of its sale (`flag`: only whether
  // the POS marked the sale refunded changed, which scores a payment of the refund's whole amount only).
  const changed = all<Changed>(
    db,
    sql`SELECT DISTINCT p.amount_minor AS amount, p.occurred_at AS at, p.connection_id, s.role = 'sale' AS flag
          FROM recon_dirty_tgi_candidates d
          CROSS JOIN transactions x INDEXED BY search_totals_by_id_dims ON x.id = d.id
            AND x.business_date <= CASE x.provider WHEN 'tgi' THEN ${latest ?? ''} ELSE date(${latest ?? ''}, '+1 day') END
          CROSS JOIN recon_members s ON s.transaction_id = d.id AND s.role IN ('payment', 'sale')
          CROSS JOIN recon_members m INDEXED BY recon_members_by_group ON m.group_id = s.group_id AND m.role = 'payment'
          CROSS JOIN transactions p ON p.id = m.transaction_id
         WHERE p.provider = 'tgi' AND p.kind = 'capture' AND (s.role = 'sale' OR m.transaction_id = s.transaction_id)`,
  );
  run(db, sql`DELETE FROM recon_dirty_tgi_candidates`);
  if (!changed.length) return;
  const from = changed.reduce((min, c) => (c.at < min ? c.at : min), changed[0]!.at).slice(0, 10);
  const byConnection = Map.groupBy(changed, (c) => c.connection_id);
  const ranks = (r: { amount: number; at: string; connection_id: string }) =>
    (byConnection.get(r.connection_id) ?? []).some(
      (c) =>
        c.at <= r.at &&
        (c.flag ? c.amount === -r.amount : c.amount >= -r.amount) &&
        Date.parse(r.at) - Date.parse(c.at) <= LOOKBACK_DAYS * 86_400_000,
    );
  // The held TGI refunds from the earliest changed payment's business day on (a day earlier: a
  // refund's business day may lie before the UTC date of its instant), with the entry that placed each.
  const held = all<{
    id: number;
    amount: number;
    at: string;
    connection_id: string;
    group_id: number;
    entry: string;
  }>(
    db,
    sql`SELECT t.id, t.amount_minor AS amount, t.occurred_at AS at, t.connection_id, m.group_id, e.value AS entry
          FROM transactions t INDEXED BY transactions_by_kind
          CROSS JOIN recon_members m ON m.transaction_id = t.id AND m.role = 'refund'
          CROSS JOIN recon_groups g ON g.id = m.group_id
          CROSS JOIN json_each(g.evidence, '$.refunds') e
         WHERE t.kind = 'refund' AND t.provider = 'tgi' AND t.business_date >= date(${from}, '-1 day')
           AND json_extract(e.value, '$.refund') = t.id`,
  ).filter(ranks);
  if (!held.length) return;
  const recs = new Map(
    loadByIds(
      db,
      held.map((h) => h.id),
    ).map((r) => [r.id, r]),
  );
  const source = storedCandidates(db, [...recs.values()]);
  const mark = db.prepare('INSERT OR IGNORE INTO recon_dirty_refund_groups (group_id) VALUES (?)');
  for (const h of held) {
    const r = recs.get(h.id)!;
    if (decisions.saleOf(recordKey(r)) !== undefined) continue;
    const was = JSON.parse(h.entry) as RefundEntry;
    const best = bestTgiOriginal(r, source, settings, (c) => decisions.rejected(c.sale_key, r));
    if (
      !best ||
      best.c.group_id !== h.group_id ||
      best.c.id !== was.payment ||
      (best.auto ? 'auto' : 'suggested') !== ruledStatus(was) ||
      best.score !== was.score ||
      best.note !== was.note
    )
      mark.run(h.group_id);
  }
}
