import type { Database } from 'better-sqlite3';
import { all, get, run, sql } from '../store/sql.ts';
import { loadWhere, type Rec } from './load-day.ts';
import type { ReconcileSettings } from './reconcile-settings.ts';
import { versionOf, type RefundLink } from './write-groups.ts';

interface Candidate {
  id: number;
  amount: number;
  at: string;
  connection_id: string;
  cid: string | null;
  group_id: number;
  sale_refunded: number | null;
  refunds: number;
}

const DAY = 86_400_000;
/** How far back a refund's original is looked for: card schemes allow refunds for months, shops rarely wait longer. */
const LOOKBACK_DAYS = 120;

/**
 * Links refunds no group holds yet (new ones, and those whose sale's day was just rebuilt) to their
 * original payment's group. Vipps: a refund carries its capture's order reference. TGI documents no
 * link, so the original is scored on amount (a full refund equals it, and the POS marks the sale
 * refunded), and on time; unsure links go to review. SensePass and Cents refund by changing the
 * payment's status, so they have no refund records. A refund with no candidate at all is an orphan.
 */
export function linkRefunds(
  db: Database,
  settings: ReconcileSettings,
): { linked: number; orphans: number[] } {
  const refunds = loadWhere(
    db,
    sql`t.kind = 'refund' AND t.provider IN ('vipps', 'tgi', 'sensepass', 'cents')
        AND NOT EXISTS (SELECT 1 FROM recon_members m WHERE m.transaction_id = t.id)`,
  );
  const orphans: number[] = [];
  const links = new Map<number, RefundLink[]>();
  const add = (groupId: number, l: RefundLink) =>
    (links.get(groupId) ?? links.set(groupId, []).get(groupId)!).push(l);
  const primaries = refunds.filter((r) => r.twinId === null);
  const tgi = primaries.filter((r) => r.provider === 'tgi');
  const tgiCandidates = tgi.length ? loadTgiCandidates(db, tgi) : [];
  for (const r of primaries) {
    if (r.provider === 'vipps') {
      const original = vippsOriginal(db, r);
      if (original === 'none') orphans.push(r.id);
      else if (original)
        add(original.group_id, {
          refund: r,
          paymentId: original.id,
          status: 'auto',
          score: 1,
          note: 'same order reference',
        });
    } else if (r.provider === 'tgi') {
      const best = bestTgiOriginal(r, tgiCandidates, settings);
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
  let linked = 0;
  for (const [groupId, ls] of links) {
    addRefunds(db, groupId, ls);
    linked += ls.length;
  }
  // The Report API's view of a refund joins the group its Sales API entry joined.
  for (const v of refunds.filter((r) => r.twinId !== null)) {
    run(
      db,
      sql`INSERT OR IGNORE INTO recon_members (transaction_id, group_id, role)
          SELECT ${v.id}, group_id, 'view' FROM recon_members WHERE transaction_id = ${v.twinId}`,
    );
  }
  return { linked, orphans };
}

function vippsOriginal(db: Database, r: Rec): { id: number; group_id: number } | null | 'none' {
  const ref = r.refs[0];
  if (!ref) return 'none';
  const rows = all<{ id: number; amount_minor: number; group_id: number | null }>(
    db,
    sql`SELECT t.id, t.amount_minor, m.group_id FROM transaction_refs x
          JOIN transactions t ON t.id = x.transaction_id
          LEFT JOIN recon_members m ON m.transaction_id = t.id
         WHERE x.value = ${ref} AND x.kind = 'reference' AND t.provider = 'vipps' AND t.kind = 'capture'
           AND t.connection_id = ${r.connectionId} AND t.external_id LIKE 'sales:%'
           AND t.occurred_at <= ${new Date(r.atMs).toISOString()}
         ORDER BY t.occurred_at DESC, t.id`,
  );
  const hit = rows.find((x) => x.amount_minor >= -r.amount) ?? rows[0];
  if (!hit) return 'none';
  // The original exists but no sale holds it (a payment with no sale): the refund is not an orphan.
  return hit.group_id === null ? null : { id: hit.id, group_id: hit.group_id };
}

function loadTgiCandidates(db: Database, refunds: readonly Rec[]): Candidate[] {
  const first = Math.min(...refunds.map((r) => r.atMs)) - LOOKBACK_DAYS * DAY;
  const last = Math.max(...refunds.map((r) => r.atMs)) + DAY;
  const iso = (ms: number) => new Date(ms).toISOString().slice(0, 10);
  return all<Candidate>(
    db,
    sql`SELECT t.id, t.amount_minor AS amount, t.occurred_at AS at, t.connection_id,
          (SELECT value FROM transaction_refs r WHERE r.transaction_id = t.id AND r.kind = 'cid') AS cid,
          m.group_id,
          (SELECT max(s.status = 'refunded') FROM recon_members ms JOIN transactions s ON s.id = ms.transaction_id
            WHERE ms.group_id = m.group_id AND ms.role = 'sale') AS sale_refunded,
          (SELECT count(*) FROM recon_members mr WHERE mr.group_id = m.group_id AND mr.role = 'refund') AS refunds
        FROM transactions t JOIN recon_members m ON m.transaction_id = t.id AND m.role = 'payment'
       WHERE t.business_date BETWEEN ${iso(first)} AND ${iso(last)} AND t.provider = 'tgi' AND t.kind = 'capture'`,
  );
}

function bestTgiOriginal(r: Rec, candidates: readonly Candidate[], settings: ReconcileSettings) {
  const want = -r.amount;
  const scored: { c: Candidate; score: number; note: string }[] = [];
  for (const c of candidates) {
    const at = Date.parse(c.at);
    if (c.connection_id !== r.connectionId || (r.link !== null && c.cid !== r.link)) continue;
    if (at > r.atMs || c.amount < want || r.atMs - at > LOOKBACK_DAYS * DAY) continue;
    const full = c.amount === want;
    let score = full ? 0.5 : 0.25;
    const notes = [full ? 'refunds the whole amount' : 'refunds part of the amount'];
    if (full && c.sale_refunded) {
      score += 0.3;
      notes.push('the POS marked the sale refunded');
    }
    const gap = r.atMs - at;
    score += gap <= 3 * 3_600_000 ? 0.2 : gap <= 2 * DAY ? 0.1 : 0.05;
    if (c.refunds > 0) score -= 0.2;
    scored.push({ c, score: Math.round(score * 1000) / 1000, note: notes.join('; ') });
  }
  scored.sort((a, b) => b.score - a.score || a.c.id - b.c.id);
  const [best, second] = scored;
  if (!best) return null;
  const auto =
    best.score >= settings.autoAcceptScore && best.score - (second?.score ?? 0) >= settings.minMargin;
  return { ...best, auto };
}

/** Adds refunds to a group and brings its evidence, state and version up to date. */
function addRefunds(db: Database, groupId: number, links: readonly RefundLink[]): void {
  for (const l of links) {
    run(
      db,
      sql`INSERT OR REPLACE INTO recon_members (transaction_id, group_id, role) VALUES (${l.refund.id}, ${groupId}, 'refund')`,
    );
    run(
      db,
      sql`UPDATE recon_groups SET evidence = json_insert(evidence, '$.refunds[#]', json(${JSON.stringify({
        refund: l.refund.id,
        payment: l.paymentId,
        status: l.status,
        score: l.score,
        note: l.note,
      })})) WHERE id = ${groupId}`,
    );
  }
  if (links.some((l) => l.status === 'suggested'))
    run(db, sql`UPDATE recon_groups SET state = 'review' WHERE id = ${groupId}`);
  refreshVersion(db, groupId);
}

export function refreshVersion(db: Database, groupId: number): void {
  const members = all<{ id: number; role: string; fingerprint: string | null }>(
    db,
    sql`SELECT m.transaction_id AS id, m.role, t.fingerprint FROM recon_members m
          JOIN transactions t ON t.id = m.transaction_id WHERE m.group_id = ${groupId}`,
  );
  const state =
    get<{ state: string }>(db, sql`SELECT state FROM recon_groups WHERE id = ${groupId}`)?.state ?? '';
  run(db, sql`UPDATE recon_groups SET version = ${versionOf(members, state)} WHERE id = ${groupId}`);
}
