import type { Database } from 'better-sqlite3';
import { all, raw, sql } from '../store/sql.ts';
import {
  addDays,
  groupOf,
  MAX_SPAN_MS,
  stretch,
  stretchWhere,
  TooWide,
  type Component,
} from './component.ts';
import type { DecisionIndex } from './decision-index.ts';
import { loadByIds, lookupByKey, type Rec } from './load-day.ts';
import { matchDay, type BuiltGroup } from './match-day.ts';
import type { ReconcileSettings } from './reconcile-settings.ts';
import { lowerBound } from './sorted.ts';

/*
 * What a decision's local re-match reads and runs (grow.ts, rematch.ts): the records near its sales,
 * the days' stored clock offsets, and matchDay over the sales re-matched, day by day.
 */

const MIN = 60_000;

/** Why a local re-match stopped growing: the caller re-matches the whole component instead. */
export class GrowTooFar extends Error {}

/** Half a busy day's records at most (~20,000 at 16,700 sales a day, ~10 MB). */
const MAX_KEPT_MS = 12 * 60 * MIN;

/**
 * What the records of earlier decisions' stretches are, kept between decisions by the service while
 * nothing was written since (its caller's check): a person goes from one suggestion to the next a few
 * minutes away, or undoes one, and the stretches overlap. Who holds a record changes with every decision,
 * so that is read again each time, with the stretch's own condition: the records are the ones a plain
 * read returns, in its order, and only those not kept yet are read whole (~1.5 µs a record instead of ~7).
 */
export class StretchCache {
  readonly #recs = new Map<number, Rec>();
  #lo = Infinity;
  #hi = -Infinity;

  read(db: Database, from: number, to: number): Rec[] {
    const apart = from > this.#hi || to < this.#lo;
    if (apart || Math.max(to, this.#hi) - Math.min(from, this.#lo) > MAX_KEPT_MS) {
      // A stretch elsewhere (or too far to keep both): the cache starts again from it.
      this.#recs.clear();
      [this.#lo, this.#hi] = [Infinity, -Infinity];
    }
    if (from >= this.#hi || to <= this.#lo) {
      // Nothing of it kept: one plain read (the holders' pass would only add to it), kept beside the
      // stretch it extends (an area grows by adjacent stretches).
      [this.#lo, this.#hi] = [Math.min(this.#lo, from), Math.max(this.#hi, to)];
      const rs = stretch(db, from, to);
      for (const r of rs) this.#recs.set(r.id, r);
      return rs;
    }
    [this.#lo, this.#hi] = [Math.min(this.#lo, from), Math.max(this.#hi, to)];
    const held = raw<[id: number, heldBy: string | null, heldKey: string | null, heldRole: string | null]>(
      db,
      sql`SELECT t.id, g.anchor_date, g.key, m.role FROM transactions t LEFT JOIN recon_members m ON m.transaction_id = t.id
            LEFT JOIN recon_groups g ON g.id = m.group_id WHERE ${stretchWhere(from, to)} ORDER BY t.id`,
    );
    const missing = held.filter(([id]) => !this.#recs.has(id)).map(([id]) => id);
    for (const r of loadByIds(db, missing)) this.#recs.set(r.id, r);
    return held.map(([id, heldBy, heldKey, heldRole]) => ({
      ...this.#recs.get(id)!,
      heldBy,
      heldKey,
      heldRole,
    }));
  }
}

/**
 * near's default kind. One function for every call: near keeps its filtered lists by the kind's
 * identity, and a new arrow per call filtered the whole area again each time (and kept every list).
 */
const anyRec = () => true;

/** The records near the sales being re-matched, read by stretches of time as far as the checks look. */
export class Area {
  readonly byId = new Map<number, Rec>();
  #sorted: Rec[] = [];
  #byKind = new Map<(r: Rec) => boolean, { recs: Rec[]; times: number[] }>();
  #dirty = false;
  #lo = Infinity;
  #hi = -Infinity;
  readonly #db: Database;
  readonly #read: (from: number, to: number) => Rec[];
  constructor(db: Database, cache?: StretchCache) {
    this.#db = db;
    this.#read = cache ? (from, to) => cache.read(db, from, to) : (from, to) => stretch(db, from, to);
  }

  add(rs: readonly Rec[]) {
    for (const r of rs) {
      if (this.byId.has(r.id)) continue;
      this.byId.set(r.id, r);
      this.#dirty = true;
    }
  }

  /** Reads what lies between two instants and was not read yet (padded: each read has a fixed cost). */
  cover(from: number, to: number) {
    if (from >= this.#lo && to <= this.#hi) return;
    if (Math.max(to, this.#hi) - Math.min(from, this.#lo) > MAX_SPAN_MS) throw new GrowTooFar();
    const [lo, hi] = [Math.min(this.#lo, from - 5 * MIN), Math.max(this.#hi, to + 5 * MIN)];
    if (this.#lo === Infinity) this.add(this.#read(lo, hi));
    else {
      if (lo < this.#lo) this.add(this.#read(lo, this.#lo));
      if (hi > this.#hi) this.add(this.#read(this.#hi, hi));
    }
    [this.#lo, this.#hi] = [lo, hi];
  }

  /** The records read within `span` of an instant that pass `kind` (isPayment, isTender or any), in time order. */
  near(at: number, span: number, kind: (r: Rec) => boolean = anyRec): Rec[] {
    this.cover(at - span, at + span);
    if (this.#dirty) {
      this.#sorted = [...this.byId.values()].sort((a, b) => a.atMs - b.atMs);
      this.#byKind.clear();
      this.#dirty = false;
    }
    let list = this.#byKind.get(kind);
    if (!list) {
      const recs = this.#sorted.filter(kind);
      list = { recs, times: recs.map((r) => r.atMs) };
      this.#byKind.set(kind, list);
    }
    const out: Rec[] = [];
    for (let i = lowerBound(list.times, at - span); i < list.recs.length; i++) {
      if (list.times[i]! > at + span) break;
      out.push(list.recs[i]!);
    }
    return out;
  }

  rec(id: number): Rec | undefined {
    if (!this.byId.has(id)) this.add(loadByIds(this.#db, [id]));
    return this.byId.get(id);
  }
}

/** The providers' clock offsets of a day, as its run stored them (read once a day). */
export function storedOffsets(db: Database): (day: string) => ReadonlyMap<string, number> {
  const offsets = new Map<string, Map<string, number>>();
  return (day) => {
    let o = offsets.get(day);
    if (!o) {
      const row = all<{ offsets: string }>(
        db,
        sql`SELECT offsets FROM recon_day_offsets WHERE date = ${day}`,
      )[0];
      // A day reconciled before offsets were kept: its next decision rebuilds it whole, which keeps them.
      if (!row) throw new TooWide();
      o = new Map(Object.entries(JSON.parse(row.offsets) as Record<string, number>));
      offsets.set(day, o);
    }
    return o;
  };
}

/** Matches the component's sales, day by day in date order as a full run does, with the days' stored offsets. */
export function matchComponent(
  db: Database,
  component: Component,
  settings: ReconcileSettings,
  decisions: DecisionIndex,
  offsetsOf: (day: string) => ReadonlyMap<string, number>,
): { built: BuiltGroup[]; days: string[] } {
  const { groups, records } = component;
  // The days the component's sales are anchored on (held rows), or would be (their tenders' days).
  const days = [
    ...new Set([
      ...records
        .filter((r) => r.heldKey && groups.has(r.heldKey) && r.provider === 'sentrypos')
        .map((r) => r.heldBy!),
      ...component.tenders.filter((t) => groups.has(groupOf(t))).map((t) => t.heldBy ?? t.date),
    ]),
  ].sort();
  const claimed = new Set<number>();
  const built: BuiltGroup[] = [];
  const lookup = lookupByKey(db);
  for (const d of days) {
    const [from, to] = [addDays(d, -1), addDays(d, 1)];
    const window = records.filter((r) => r.date >= from && r.date <= to);
    built.push(
      ...matchDay({
        date: d,
        window,
        settings,
        runDays: new Set(),
        claimed,
        decisions,
        lookup,
        only: groups,
        offsets: offsetsOf(d),
      }),
    );
  }
  return { built, days };
}
