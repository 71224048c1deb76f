import type { Database } from 'better-sqlite3';
import { all, get, run, sql } from '../store/sql.ts';
import type { DecisionIndex } from './decision-index.ts';
import { loadByIds, loadWhere, type Rec } from './load-day.ts';
import { recordKey, stableOrder } from './match-day.ts';
import type { ReconcileSettings } from './reconcile-settings.ts';
import { bestTgiOriginal, LOOKBACK_DAYS, storedCandidates } from './tgi-refund-original.ts';
import { stateOf, versionOf, type RefundLink } from './write-groups.ts';
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
  const tgiCandidates = tgi.length
    ? storedCandidates(
        db,
        tgi.map((r) => -r.amount),
      )
    : null;
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
  const turnedGroups = moveRollups
    ? all<{ id: number; key: string }>(
        db,
        sql`SELECT id, key FROM recon_groups WHERE id IN (SELECT value FROM json_each(${JSON.stringify(
          [...links].filter(([, ls]) => ls.some((l) => l.status === 'suggested')).map(([id]) => id),
        )})) AND state <> 'review'`,
      )
    : [];
  const turned = turnedGroups.map((g) => g.key);
  const before = turned.length ? rollupShare(db, turned) : null;
  let linked = 0;
  for (const [groupId, ls] of links) {
    addRefunds(db, groupId, ls);
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
  const source = storedCandidates(
    db,
    held.map((h) => -h.amount),
  );
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
      (best.auto ? 'auto' : 'suggested') !== was.status ||
      best.score !== was.score ||
      best.note !== was.note
    )
      mark.run(h.group_id);
  }
}

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
function vippsOriginals(db: Database, refunds: readonly Rec[]): Map<number, VippsOriginal> {
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

type RefundEntry = { refund: number; payment: number; status: string; score: number; note: string };

/**
 * Adds refunds to a group and brings its evidence, state and version up to date. The evidence lists a
 * group's refunds in their stable order (a full run places every refund in that order): links come in
 * it, and a group that already holds refunds (placed by an earlier run) gets its list merged in it.
 */
export function addRefunds(db: Database, groupId: number, links: readonly RefundLink[]): void {
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
  for (const l of links)
    run(
      db,
      sql`INSERT OR REPLACE INTO recon_members (transaction_id, group_id, role) VALUES (${l.refund.id}, ${groupId}, 'refund')`,
    );
  if (!held.length) {
    for (const l of links)
      run(
        db,
        sql`UPDATE recon_groups SET evidence = json_insert(evidence, '$.refunds[#]', json(${JSON.stringify(entry(l))}))
             WHERE id = ${groupId}`,
      );
  } else {
    // An entry whose refund is no longer in the cache names nothing: it goes.
    const recs = new Map(
      loadByIds(
        db,
        held.map((e) => e.refund),
      ).map((r) => [r.id, r]),
    );
    for (const l of links) recs.delete(l.refund.id);
    const merged = [
      ...held.flatMap((e) => {
        const r = recs.get(e.refund);
        return r ? [{ r, e }] : [];
      }),
      ...links.map((l) => ({ r: l.refund, e: entry(l) })),
    ].sort((a, b) => stableOrder(a.r, b.r));
    run(
      db,
      sql`UPDATE recon_groups SET evidence = json_set(evidence, '$.refunds', json(${JSON.stringify(merged.map((m) => m.e))}))
           WHERE id = ${groupId}`,
    );
  }
  if (links.some((l) => l.status === 'suggested'))
    run(db, sql`UPDATE recon_groups SET state = 'review' WHERE id = ${groupId}`);
  refreshVersion(db, groupId);
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
