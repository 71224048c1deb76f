import type { Database } from 'better-sqlite3';
import { all, sql, type Sql } from '../store/sql.ts';
import { isPre, loadByIds, loadWhere, PAYMENT_PROVIDERS, type Rec } from './load-day.ts';
import { saleKeyOf } from './match-day.ts';
import { lowerBound } from './sorted.ts';
import type { ReconcileSettings } from './reconcile-settings.ts';
import { amountField, amountMayFit, pairFit } from './score.ts';

/** What a decision touched: its sale(s) and the records it names. */
export interface Seeds {
  saleKeys: readonly string[];
  recordIds: readonly number[];
}

/** Thrown when the change reaches further than a local re-match can follow. */
export class TooWide extends Error {}

const MIN = 60_000;
export const FAILED = new Set(['failed', 'cancelled']);
/*
 * How far a decision's component may reach before its days are rebuilt instead. In a busy shop the
 * candidate pairs join a whole trading day (1,742 sales on the 1M world's last, half day): re-matching
 * that component still took 5.5-7.3 s of CPU there, where rebuilding the days with the refund pass
 * took minutes, so the bounds are only a backstop against a runaway stretch.
 */
const MAX_GROUPS = 40_000;
export const MAX_SPAN_MS = 48 * 60 * MIN;
const iso = (ms: number) => new Date(ms).toISOString();
export const addDays = (date: string, n: number) =>
  new Date(Date.parse(`${date}T00:00:00Z`) + n * 86_400_000).toISOString().slice(0, 10);
export const isPayment = (r: Rec) =>
  (PAYMENT_PROVIDERS as readonly string[]).includes(r.provider) &&
  r.kind === 'capture' &&
  r.twinId === null &&
  !FAILED.has(r.status) &&
  !isPre(r);
export const isTender = (r: Rec) => r.provider === 'sentrypos' && r.kind === 'sale' && !FAILED.has(r.status);
export const groupOf = (tender: Rec) => `sale:${saleKeyOf(tender)}`;

export interface Component {
  /** Keys of the sales to re-match. */
  groups: Set<string>;
  /** The records matching may look at: every record near the component, its keyed payments and their views. */
  records: Rec[];
  tenders: Rec[];
}

/**
 * The decision's component: sales and payments reachable from its seeds through candidate pairs,
 * holders, references, attempts and duplicates, in a stretch of time widened until no member lies
 * within reach of its edge.
 */
export function closeComponent(db: Database, seeds: Seeds, settings: ReconcileSettings): Component {
  const reach = settings.timeWindowMinutes * MIN + 10 * MIN;
  const seedRecs = loadByIds(db, seeds.recordIds);
  const groups = new Set(seeds.saleKeys.map((k) => `sale:${k}`));
  for (const r of seedRecs) if (r.heldKey) groups.add(r.heldKey);
  const times = seedRecs.map((r) => r.atMs);
  const loadedGroups = new Set<string>();
  const saleRows: Rec[] = [];
  const keyed: Rec[] = [];
  let slice: Rec[] = [];
  let [lo, hi] = [Infinity, -Infinity];
  const cache = newCache();
  const finish = (found: Explored): Component => {
    const linked = providerLinks(db, found.records, groups);
    const byId = new Map<number, Rec>();
    for (const r of [...found.records, ...saleRows, ...keyed, ...linked]) byId.set(r.id, r);
    return { groups, records: [...byId.values()], tenders: found.records.filter(isTender) };
  };
  // The last round's exploration and the ids it read, when nothing lay within reach of its edges.
  let closed: { found: Explored; ids: Set<number> } | null = null;
  for (let round = 0; round < 8; round++) {
    const known = groups.size;
    // Where the component's sales are: their POS rows (a sale held elsewhere in time widens the stretch).
    const fresh = [...groups].filter((k) => !loadedGroups.has(k));
    for (const k of fresh) loadedGroups.add(k);
    const rows = saleRowsOf(db, fresh);
    const keys = keyedPayments(db, fresh);
    saleRows.push(...rows);
    keyed.push(...keys);
    times.push(...rows.map((r) => r.atMs), ...keys.map((r) => r.atMs));
    const [needLo, needHi] = [Math.min(...times) - 2 * reach, Math.max(...times) + 2 * reach];
    if (needHi - needLo > MAX_SPAN_MS + 4 * reach || groups.size > MAX_GROUPS) throw new TooWide();
    const widen = needLo < lo || needHi > hi;
    // The sales the last (closed) round found bring nothing it did not explore: their rows and keyed
    // payments lie in its stretch, away from its edges. Exploring again would find the same.
    if (closed && !widen && [...rows, ...keys].every((r) => closed!.ids.has(r.id)))
      return finish(closed.found);
    if (widen) {
      // Widened with room to spare: each load of the stretch costs more than the records it adds.
      // Only the new ends are read (a record at a seam, read twice, is kept once by id).
      const [from, to] = [Math.min(lo, needLo - 60 * MIN), Math.max(hi, needHi + 60 * MIN)];
      slice =
        lo === Infinity
          ? stretch(db, from, to)
          : [...stretch(db, from, lo), ...slice, ...stretch(db, hi, to)];
      [lo, hi] = [from, to];
    }
    const found = explore(
      slice,
      [...saleRows, ...keyed],
      groups,
      seedRecs,
      settings,
      db,
      cache,
      lo + reach,
      hi - reach,
    );
    // Closed: nothing within reach of the stretch's edges, and no sale found whose rows (and keyed
    // payments) this round did not load.
    if (found.closed && groups.size === known) return finish(found);
    closed = found.closed ? { found, ids: new Set(found.records.map((r) => r.id)) } : null;
    times.push(...found.widenTo);
  }
  throw new TooWide();
}

/**
 * Second views and capture fees (Vipps, by pspReference) and pre-transactions (Cents, by reconciliation
 * id) follow their payment; a TGI cid is shared by a customer's payments. Only a payment no other sale
 * holds can join the component's sales, and bring its own with it.
 */
export function providerLinks(db: Database, records: readonly Rec[], groups: ReadonlySet<string>): Rec[] {
  const links = [
    ...new Set(
      records
        .filter(
          (p) =>
            isPayment(p) &&
            (p.provider === 'vipps' || p.provider === 'cents') &&
            (p.heldKey === null || groups.has(p.heldKey)),
        )
        .map((p) => p.link)
        .filter((l) => l !== null),
    ),
  ];
  return links.length
    ? loadWhere(
        db,
        sql`t.id IN (SELECT transaction_id FROM transaction_refs WHERE value IN (SELECT value FROM json_each(${JSON.stringify(links)}))
              AND kind IN ('pspReference', 'reconciliation_id'))`,
      )
    : [];
}

/** The POS rows of these sales (group keys). */
function saleRowsOf(db: Database, groupKeys: readonly string[]): Rec[] {
  return loadWhere(
    db,
    // Unary + keeps the planner on the groups' members (it would walk every SentryPOS row).
    sql`+t.provider = 'sentrypos' AND t.id IN (SELECT m.transaction_id FROM recon_groups g JOIN recon_members m ON m.group_id = g.id
          WHERE g.key IN (SELECT value FROM json_each(${JSON.stringify(groupKeys)})))`,
  );
}

/** The records between two instants (both included), found by business day (a day either side) and time. */
export function stretch(db: Database, from: number, to: number): Rec[] {
  if (from >= to) return [];
  return loadWhere(db, stretchWhere(from, to));
}

/** Which records `stretch` reads: by time, through the business days around it (the time index's first column). */
export function stretchWhere(from: number, to: number): Sql {
  if (from >= to) return sql`0`;
  const dates: string[] = [];
  for (let d = addDays(iso(from).slice(0, 10), -1); d <= addDays(iso(to).slice(0, 10), 1); d = addDays(d, 1))
    dates.push(d);
  return sql`t.business_date IN (SELECT value FROM json_each(${JSON.stringify(dates)}))
        AND t.occurred_at BETWEEN ${iso(from)} AND ${iso(to)}`;
}

/** Payments carrying the invoice id of one of these sales, wherever their time (a key links across hours). */
export function keyedPayments(db: Database, groupKeys: readonly string[]): Rec[] {
  const invoices = groupKeys.map((k) => k.slice(k.indexOf(':', 5) + 1));
  return loadWhere(
    db,
    // Unary + keeps the planner on the references (it would walk every capture by kind).
    sql`+t.provider <> 'sentrypos' AND +t.kind = 'capture' AND t.id IN (SELECT transaction_id FROM transaction_refs
          WHERE value IN (SELECT value FROM json_each(${JSON.stringify(invoices)})))`,
  );
}

/**
 * What a round of exploring learns that the next (wider) one would learn again: whether each pair
 * scored is an edge, which records a key or a person paired, and the days' stored clock offsets.
 */
interface ExploreCache {
  /** By tender id, then payment id. */
  edges: Map<number, Map<number, boolean>>;
  sure: Set<number>;
  sureOf: Set<string>;
  offsets: Map<string, Map<string, number>>;
}
const newCache = (): ExploreCache => ({
  edges: new Map(),
  sure: new Set(),
  sureOf: new Set(),
  offsets: new Map(),
});

interface Explored {
  closed: boolean;
  records: Rec[];
  widenTo: number[];
}

function explore(
  slice: readonly Rec[],
  extra: readonly Rec[],
  groups: Set<string>,
  seedRecs: readonly Rec[],
  settings: ReconcileSettings,
  db: Database,
  cache: ExploreCache,
  safeFrom: number,
  safeTo: number,
): Explored {
  const byId = new Map<number, Rec>();
  for (const rs of [slice, extra, seedRecs]) for (const r of rs) byId.set(r.id, r);
  const records = [...byId.values()];
  const tenders = records.filter(isTender).sort((a, b) => a.atMs - b.atMs);
  const payments = records.filter(isPayment).sort((a, b) => a.atMs - b.atMs);
  const tenderTimes = tenders.map((t) => t.atMs);
  const tenderGroup = tenders.map(groupOf);
  const paymentTimes = payments.map((p) => p.atMs);
  // Each sale's tenders, by their positions in `tenders`.
  const tenderAt = new Map<string, number[]>();
  tenderGroup.forEach((k, i) => (tenderAt.get(k) ?? tenderAt.set(k, []).get(k)!).push(i));
  const heldOf = new Map<string, Rec[]>();
  for (const r of records)
    if (r.heldKey) (heldOf.get(r.heldKey) ?? heldOf.set(r.heldKey, []).get(r.heldKey)!).push(r);
  // Failed attempts some sale holds, by time: one near a payment may move to the sale it joins.
  const failed = records.filter((a) => FAILED.has(a.status) && a.heldKey).sort((a, b) => a.atMs - b.atMs);
  const failedTimes = failed.map((a) => a.atMs);
  // Payments by the POS reference they carry (TGI: also its tid), as stage 2 reads them.
  const byRef = new Map<string, Rec[]>();
  for (const p of payments)
    for (const ref of p.provider === 'tgi' ? [...p.refs, p.externalId] : p.refs)
      (byRef.get(ref) ?? byRef.set(ref, []).get(ref)!).push(p);
  const saleOfInvoice = new Map<string, string>();
  tenders.forEach((t, i) => t.refs[0] && saleOfInvoice.set(t.refs[0], tenderGroup[i]!));
  // Tenders and payments a key or a person already paired: stage 3 never offers them to anyone, so
  // a candidate pair with one of them connects nothing (their own sale's rebuild re-offers them).
  const { sure, edges } = cache;
  const keysInSlice = [...new Set(records.map((r) => r.heldKey).filter((k) => k !== null))].filter(
    (k) => !cache.sureOf.has(k),
  );
  for (const k of keysInSlice) cache.sureOf.add(k);
  for (const r of all<{ t: number; p: number }>(
    db,
    sql`SELECT json_extract(p.value, '$.tender') AS t, json_extract(p.value, '$.payment') AS p
          FROM recon_groups g, json_each(g.evidence, '$.pairs') p
         WHERE g.key IN (SELECT value FROM json_each(${JSON.stringify(keysInSlice)}))
           AND json_extract(p.value, '$.how') <> 'score'`,
  )) {
    sure.add(r.t).add(r.p);
  }
  const seedIds = new Set(seedRecs.map((r) => r.id));
  const offsets = cache.offsets;
  const offsetsOf = (date: string) => {
    let o = offsets.get(date);
    if (!o) {
      const rows = all<{ offsets: string }>(
        db,
        sql`SELECT offsets FROM recon_day_offsets WHERE date = ${date}`,
      );
      o = new Map(Object.entries(rows[0] ? (JSON.parse(rows[0].offsets) as Record<string, number>) : {}));
      offsets.set(date, o);
    }
    return o;
  };
  const reach = settings.timeWindowMinutes * MIN + 10 * MIN;
  const windowMs = settings.timeWindowMinutes * MIN;
  // Whether matchDay would make the pair a candidate (scored at least the review threshold). Most
  // pairs near a sale fail a cheap test first: amounts apart, or a time gap past the window, where
  // the pair's time field is 0 (a hard no). The rest are scored once (without words, as matchDay
  // scores them), whatever the round or side.
  const edge = (t: Rec, p: Rec) => {
    if (settings.reviewScore <= 0) return true;
    if (!amountMayFit(t, p, settings)) return false;
    const offset = offsetsOf(t.heldBy ?? t.date).get(p.provider) ?? 0;
    if (Math.abs(p.atMs - t.atMs - offset) >= windowMs + MIN) return false;
    const known = edges.get(t.id) ?? edges.set(t.id, new Map()).get(t.id)!;
    let e = known.get(p.id);
    if (e === undefined) {
      const fit = p.currency === t.currency ? 'equal' : amountField(t, p, settings).fit;
      e = (fit === 'equal' || fit === 'tip') && pairFit(t, p, settings, offset).score >= settings.reviewScore;
      known.set(p.id, e);
    }
    return e;
  };
  const widenTo: number[] = [];
  const inside = (r: Rec) => {
    if (r.atMs >= safeFrom && r.atMs <= safeTo) return true;
    widenTo.push(r.atMs);
    return false;
  };
  // The scans below look at every record within reach of each other: what they ask of each is kept in
  // flat arrays by position (a Set or Map lookup per look was most of their cost at 16,000 sales a day).
  // A tender is passed over once its sale is in, or a key or a person paired it; a payment once seen,
  // or when a key or a person paired it (unless the decision names it, or its holder is visited).
  const tenderIn = new Uint8Array(tenders.length);
  tenders.forEach((t, i) => {
    if (sure.has(t.id) || groups.has(tenderGroup[i]!)) tenderIn[i] = 1;
  });
  const paymentAt = new Map(payments.map((p, i) => [p.id, i]));
  const seen = new Uint8Array(payments.length);
  const paired = new Uint8Array(payments.length);
  payments.forEach((p, i) => {
    if (sure.has(p.id) && !seedIds.has(p.id)) paired[i] = 1;
  });
  const queue = [...groups];
  const addGroup = (k: string) => {
    if (!groups.has(k)) {
      groups.add(k);
      queue.push(k);
      for (const i of tenderAt.get(k) ?? []) tenderIn[i] = 1;
    }
  };
  const visitPayment = (j: number, fromHolder = false) => {
    if (seen[j] || (paired[j] && !fromHolder)) return;
    seen[j] = 1;
    const p = payments[j]!;
    if (!inside(p)) return;
    if (p.heldKey) addGroup(p.heldKey);
    for (const ref of p.provider === 'tgi' ? [...p.refs, p.externalId] : p.refs) {
      const k = saleOfInvoice.get(ref);
      if (k) addGroup(k);
    }
    for (
      let i = lowerBound(tenderTimes, p.atMs - reach);
      i < tenders.length && tenderTimes[i]! <= p.atMs + reach;
      i++
    )
      if (!tenderIn[i] && edge(tenders[i]!, p)) addGroup(tenderGroup[i]!);
    // Failed attempts and duplicate charges near it attach to the nearest linked payment: their holders too.
    for (
      let i = lowerBound(paymentTimes, p.atMs - 15 * MIN);
      i < payments.length && paymentTimes[i]! <= p.atMs + 15 * MIN;
      i++
    ) {
      const q = payments[i]!;
      if (q.provider === p.provider && q.amount === p.amount && q.heldRole === 'duplicate')
        addGroup(q.heldKey!);
    }
    for (
      let i = lowerBound(failedTimes, p.atMs - 15 * MIN);
      i < failed.length && failedTimes[i]! <= p.atMs + 15 * MIN;
      i++
    )
      if (failed[i]!.provider === p.provider) addGroup(failed[i]!.heldKey!);
  };
  const visit = (p: Rec, fromHolder = false) => {
    const j = paymentAt.get(p.id);
    if (j !== undefined) visitPayment(j, fromHolder);
  };
  for (const p of seedRecs) if (isPayment(p)) visit(p);
  while (queue.length) {
    const k = queue.pop()!;
    if (groups.size > MAX_GROUPS) throw new TooWide();
    const own = (tenderAt.get(k) ?? []).map((i) => tenders[i]!);
    for (const t of own) {
      if (!inside(t)) continue;
      for (
        let i = lowerBound(paymentTimes, t.atMs - reach);
        i < payments.length && paymentTimes[i]! <= t.atMs + reach;
        i++
      )
        if (!seen[i] && !paired[i] && edge(t, payments[i]!)) visitPayment(i);
    }
    for (const r of heldOf.get(k) ?? []) if (isPayment(r)) visit(r, true);
    const invoice = own[0]?.refs[0];
    for (const p of invoice ? (byRef.get(invoice) ?? []) : []) visit(p);
  }
  return { closed: widenTo.length === 0, records, widenTo };
}
