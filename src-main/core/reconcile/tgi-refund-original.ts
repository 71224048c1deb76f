import type { Database } from 'better-sqlite3';
import { all, rawSql, sql } from '../store/sql.ts';
import type { Rec } from './load-day.ts';
import type { ReconcileSettings } from './reconcile-settings.ts';

/*
 * A TGI refund's original payment: TGI documents no link from a refund to its payment, so the refund
 * pass (refunds.ts) ranks the payments it could refund, read from the store or from a list.
 */

export interface Candidate {
  id: number;
  amount: number;
  atMs: number;
  connection_id: string;
  cid: string | null;
  group_id: number;
  sale_key: string;
  /** The POS marked the candidate's sale refunded. */
  refunded: boolean;
}

/**
 * Where the refund pass reads a TGI refund's candidates: payments held by a group, of the refund's
 * connection, at or before its instant, newest first (one instant's in any order). Each kind is a list
 * of its own, read only as far as the pass ranks it.
 */
export interface CandidateSource {
  /** Payments of exactly `amount`, of sales the POS marked refunded (or not). */
  sameAmount(r: Rec, amount: number, refunded: boolean): Iterable<Candidate>;
  /** Payments of more than `amount`. */
  larger(r: Rec, amount: number): Iterable<Candidate>;
}

const DAY = 86_400_000;
/** How far back a refund's original is looked for: card schemes allow refunds for months, shops rarely wait longer. */
export const LOOKBACK_DAYS = 120;

const iso = (ms: number) => new Date(ms).toISOString();

/**
 * The candidates as the store holds them, read per refund through the TGI payment indexes (migration
 * 0017) and only as far as the pass ranks them: reading every TGI payment of the four months before
 * the earliest refund was the pass's cost, in an incremental run too. Instants are compared as the
 * stored UTC text (canonical ISO, one format), which orders as the instants do. Whether the POS marked
 * a candidate's sale refunded is asked of each row read. The payments of refunded sales are read once,
 * into memory, for the `amounts` the refunds to place want only: a walk for them would pass over every
 * payment of a common amount. (Every refunded sale of the cache and all its payments were read, ~1,650
 * sales at 100k, ten times that at 1M, for a day's few hundred refunds.) Exported for its plan test.
 */
export function storedCandidates(
  db: Database,
  refunds: readonly Pick<Rec, 'amount' | 'atMs'>[],
): CandidateSource {
  const amounts = [...new Set(refunds.map((r) => -r.amount))];
  // The refunded sales whose payments the refunds can reach: of business days from the earliest
  // refund's lookback on, two days earlier for the shop's zone and a payment taken after its sale's
  // day. A nightly run places a day's refunds: it reads the last four months' refunded sales, not the
  // cache's, which grows every year.
  const earliest = refunds.reduce((min, r) => Math.min(min, r.atMs), Infinity);
  const since = Number.isFinite(earliest) ? iso(earliest - (LOOKBACK_DAYS + 2) * DAY).slice(0, 10) : '9999';
  const columnsWith = (
    refunded: string,
  ) => `t.id, t.amount_minor AS amount, t.occurred_at AS at, t.connection_id,
      (SELECT value FROM transaction_refs r WHERE r.transaction_id = t.id AND r.kind = 'cid') AS cid,
      m.group_id, substr(g.key, 6) AS sale_key, ${refunded} AS refunded`;
  const columns = columnsWith(`EXISTS (SELECT 1 FROM recon_members x INDEXED BY recon_members_by_group
                CROSS JOIN transactions xt INDEXED BY search_totals_by_id_dims ON xt.id = x.transaction_id
               WHERE x.group_id = m.group_id AND x.role = 'sale' AND xt.status = 'refunded')`);
  type Row = Omit<Candidate, 'atMs' | 'refunded'> & { at: string; refunded: number };
  const candidate = ({ at, refunded, ...rest }: Row): Candidate => ({
    ...rest,
    atMs: Date.parse(at),
    refunded: refunded === 1,
  });
  // From the refunded POS rows (a sale's own tenders are its 'sale' members) to their groups' TGI
  // payments of the wanted amounts, tested on the narrow id index before a payment's row is read.
  // Each is of a sale the POS marked refunded: the walk came from one (asking again was a fifth of it).
  const ofRefundedSales = poolsOf(
    all<Row>(
      db,
      sql`SELECT DISTINCT ${rawSql(columnsWith('1'))} FROM transactions s INDEXED BY search_by_status
            CROSS JOIN recon_members sm ON sm.transaction_id = s.id
            CROSS JOIN recon_members m INDEXED BY recon_members_by_group ON m.group_id = sm.group_id AND m.role = 'payment'
            CROSS JOIN transactions f INDEXED BY search_totals_by_id_dims ON f.id = m.transaction_id
            CROSS JOIN transactions t ON t.id = f.id
            CROSS JOIN recon_groups g ON g.id = m.group_id
           WHERE s.status = 'refunded' AND s.business_date >= ${since} AND sm.role = 'sale' AND f.provider = 'tgi'
             AND f.amount_minor IN (SELECT value FROM json_each(${JSON.stringify(amounts)}) j)
             AND t.kind = 'capture'`,
    ).map(candidate),
  );
  // Newest first within the lookback; the partial indexes' WHERE is repeated literally so they apply.
  // Payments of one instant come in index order: the pass takes every eligible one of an instant it
  // reaches, so their order does not matter (and ordering by id too sorted each instant's rows).
  const walk = (index: string, amount: string) =>
    db.prepare(`SELECT ${columns} FROM transactions t INDEXED BY ${index}
        CROSS JOIN recon_members m ON m.transaction_id = t.id AND m.role = 'payment'
        CROSS JOIN recon_groups g ON g.id = m.group_id
       WHERE t.provider = 'tgi' AND t.kind = 'capture' AND t.connection_id = ? AND ${amount}
         AND t.occurred_at BETWEEN ? AND ? ORDER BY t.occurred_at DESC`);
  const same = walk('recon_tgi_captures_by_amount', 't.amount_minor = ?');
  const larger = walk('recon_tgi_captures_by_time', 't.amount_minor > ?');
  const from = (r: Rec) => [iso(r.atMs - LOOKBACK_DAYS * DAY), iso(r.atMs)];
  return {
    *sameAmount(r, amount, refundedSale) {
      if (refundedSale) {
        yield* ofRefundedSales.sameAmount(r, amount, true);
        return;
      }
      for (const row of same.iterate(r.connectionId, amount, ...from(r)) as Iterable<Row>)
        if (!row.refunded) yield candidate(row);
    },
    *larger(r, amount) {
      for (const row of larger.iterate(r.connectionId, amount, ...from(r)) as Iterable<Row>)
        yield candidate(row);
    },
  };
}

/**
 * Candidates held in memory, as a source the refund pass reads (the payments of refunded sales, and
 * the refund rule's test). Per connection: all in time order, with the largest amount up to each
 * position (a backward scan for larger payments ends where none is left), and by amount and whether
 * the POS marked the sale refunded.
 */
export function poolsOf(candidates: readonly Candidate[]): CandidateSource {
  type Pool = {
    byTime: Candidate[];
    maxAmountUpTo: number[];
    byAmount: Map<number, { refunded: Candidate[]; other: Candidate[] }>;
  };
  const pools = new Map<string, Pool>();
  for (const c of candidates) {
    let pool = pools.get(c.connection_id);
    if (!pool) {
      pool = { byTime: [], maxAmountUpTo: [], byAmount: new Map() };
      pools.set(c.connection_id, pool);
    }
    pool.byTime.push(c);
    let same = pool.byAmount.get(c.amount);
    if (!same) pool.byAmount.set(c.amount, (same = { refunded: [], other: [] }));
    (c.refunded ? same.refunded : same.other).push(c);
  }
  const byTime = (x: Candidate, y: Candidate) => x.atMs - y.atMs || x.id - y.id;
  for (const pool of pools.values()) {
    pool.byTime.sort(byTime);
    for (const same of pool.byAmount.values()) {
      same.refunded.sort(byTime);
      same.other.sort(byTime);
    }
    let maxAmount = -Infinity;
    for (const [i, c] of pool.byTime.entries()) {
      maxAmount = Math.max(maxAmount, c.amount);
      pool.maxAmountUpTo[i] = maxAmount;
    }
  }
  return {
    *sameAmount(r, amount, refunded) {
      const same = pools.get(r.connectionId)?.byAmount.get(amount);
      const xs = (refunded ? same?.refunded : same?.other) ?? [];
      for (let i = after(xs, r.atMs) - 1; i >= 0; i--) yield xs[i]!;
    },
    *larger(r, amount) {
      const pool = pools.get(r.connectionId);
      if (!pool) return;
      for (let i = after(pool.byTime, r.atMs) - 1; i >= 0 && pool.maxAmountUpTo[i]! > amount; i--)
        if (pool.byTime[i]!.amount > amount) yield pool.byTime[i]!;
    },
  };
}

/** The first position in a time-ordered list after `atMs`. */
const after = (xs: readonly Candidate[], atMs: number) => {
  let lo = 0;
  let hi = xs.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (xs[mid]!.atMs <= atMs) lo = mid + 1;
    else hi = mid;
  }
  return lo;
};

/**
 * The refund's best original and the runner-up's score, as if every candidate were scored and sorted.
 * A candidate's score is its kind (the whole amount, and whether the POS marked its sale refunded; or
 * a part of it) plus how recent it is, and ties go to the latest: within each kind, a later candidate
 * never ranks below an earlier one. So each kind is read backwards from the refund and only its latest
 * two (and any others of the same instant, which the id decides between) can reach the top two.
 * Scoring every candidate made the pass quadratic: 7,700 TGI refunds x 300,000 payments in a 1M-sale
 * world, and still thousands a refund within its last two days. No score looks at the refunds a group
 * already holds: at this point those are the ones of groups the run did not rebuild (none in a full
 * run), so a link would depend on which days earlier runs rebuilt, not on the cache and decisions alone.
 */
export function bestTgiOriginal(
  r: Rec,
  source: CandidateSource,
  settings: ReconcileSettings,
  rejected: (c: Candidate) => boolean,
) {
  const want = -r.amount;
  const eligible = (c: Candidate) =>
    !(r.link !== null && c.cid !== r.link) &&
    !rejected(c) &&
    c.atMs <= r.atMs &&
    c.amount >= want &&
    r.atMs - c.atMs <= LOOKBACK_DAYS * DAY;
  const score = (c: Candidate) => {
    const full = c.amount === want;
    let score = full ? 0.5 : 0.25;
    if (full && c.refunded) score += 0.3;
    const gap = r.atMs - c.atMs;
    score += gap <= 3 * 3_600_000 ? 0.2 : gap <= 2 * DAY ? 0.1 : 0.05;
    return Math.round(score * 1000) / 1000;
  };
  const scored: { c: Candidate; score: number }[] = [];
  // Newest first from the refund: the latest two eligible, and their instant's others.
  const latest = (xs: Iterable<Candidate>) => {
    let taken = 0;
    let lastAt = Infinity;
    for (const c of xs) {
      if ((taken >= 2 && c.atMs < lastAt) || r.atMs - c.atMs > LOOKBACK_DAYS * DAY) break;
      if (!eligible(c)) continue;
      scored.push({ c, score: score(c) });
      taken++;
      lastAt = c.atMs;
    }
  };
  latest(source.sameAmount(r, want, true));
  latest(source.sameAmount(r, want, false));
  // Part refunds: a larger payment.
  latest(source.larger(r, want));
  // A tie goes to the payment closest before the refund, whatever order the rows were written in.
  const [best, second] = scored.sort((a, b) => b.score - a.score || b.c.atMs - a.c.atMs || a.c.id - b.c.id);
  if (!best) return null;
  const full = best.c.amount === want;
  const notes = [full ? 'refunds the whole amount' : 'refunds part of the amount'];
  if (full && best.c.refunded) notes.push('the POS marked the sale refunded');
  const auto =
    best.score >= settings.autoAcceptScore && best.score - (second?.score ?? 0) >= settings.minMargin;
  return { ...best, note: notes.join('; '), auto };
}
