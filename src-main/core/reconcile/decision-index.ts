import type { Database } from 'better-sqlite3';
import { all, get, sql } from '../store/sql.ts';
import type { Rec } from './load-day.ts';
import { recordKey } from './match-day.ts';

type RecordRef = Pick<Rec, 'provider' | 'connectionId' | 'externalId'>;

export interface DecisionRow {
  id: number;
  at: string;
  actor: string;
  action: 'accept' | 'reject' | 'link' | 'unlink';
  sale_key: string;
  record_provider: string;
  record_connection: string;
  record_external_id: string;
  group_key: string | null;
  undone_at: string | null;
}

const ties = (r: DecisionRow) => r.action === 'accept' || r.action === 'link';

/** Adds to the set kept under `key`, making it on first use. */
const addTo = (map: Map<string, Set<string>>, key: string, value: string) => {
  const set = map.get(key);
  if (set) set.add(value);
  else map.set(key, new Set([value]));
};

/**
 * People's decisions in force, by sale and record key. For one pair the latest decision wins, so a link
 * after a reject (or an unlink after an accept) is what counts.
 *
 * A decision's round trip asks for the decisions in force each time, and a shop's decisions only grow
 * (building the index costs ~5 µs a decision: 20,000 cost ~130 ms). So the index can also follow
 * what changed since it was built (`refresh`): decisions added, and decisions undone. A decision row
 * is never changed otherwise, nor deleted (decide.ts), which is what makes that exact.
 */
export class DecisionIndex {
  /** Each pair's decisions in force, oldest first (`sale|record`). */
  readonly #pairs = new Map<string, DecisionRow[]>();
  readonly #byId = new Map<number, string>();
  /** The highest id filed: decisions past it are new. */
  #newest = 0;
  /** The latest undo stamp seen (refresh): decisions stamped since may have been in force. */
  #undoneSince = '';
  /** Each sale's and each record's pairs: made when the index is first brought up to date (refresh). */
  #salePairs: Map<string, Set<string>> | null = null;
  #recordPairs: Map<string, Set<string>> | null = null;
  readonly #links = new Map<string, string[]>();
  readonly #rejects = new Set<string>();
  readonly #saleOf = new Map<string, string>();
  /**
   * External ids of the records decisions name: matching asks about every record near a sale, and most
   * have none. It keeps the ids of undone decisions too: a name only lets a record's key be built.
   */
  readonly #named = new Set<string>();

  constructor(rows: readonly DecisionRow[]) {
    for (const r of [...rows].sort((a, b) => a.id - b.id)) this.#add(r);
    // One pass over the pairs in the order of their oldest decision (the order they were added in).
    for (const [pair, list] of this.#pairs) {
      const latest = list.at(-1)!;
      if (!ties(latest)) {
        this.#rejects.add(pair);
        continue;
      }
      const record = pair.slice(pair.indexOf('|') + 1);
      const linked = this.#links.get(latest.sale_key);
      if (linked) linked.push(record);
      else this.#links.set(latest.sale_key, [record]);
      this.#saleOf.set(record, latest.sale_key);
    }
  }

  static load(db: Database): DecisionIndex {
    const index = new DecisionIndex(
      all<DecisionRow>(db, sql`SELECT * FROM recon_decisions WHERE undone_at IS NULL`),
    );
    index.#undoneSince =
      get<{ at: string | null }>(db, sql`SELECT max(undone_at) AS at FROM recon_decisions`)?.at ?? '';
    return index;
  }

  /**
   * The decisions in force now: `previous` brought up to date with the decisions added and undone since
   * it was built (by this connection or another), or a new index when there is none. Decisions are
   * known by id, so `previous` must not hold one of a transaction rolled back since: refresh it before
   * the id can be given again (the decision path's warm-up does, after its rollback).
   */
  static refresh(db: Database, previous: DecisionIndex | null): DecisionIndex {
    if (!previous) return DecisionIndex.load(db);
    // Decisions are appended, so new ones lie past the newest known; an undo stamps its time, so the
    // undone ones are those stamped since the latest stamp known (both read through the index of 0005).
    const added = all<DecisionRow>(
      db,
      sql`SELECT * FROM recon_decisions WHERE undone_at IS NULL AND id > ${previous.#newest} ORDER BY id`,
    );
    const stamped = all<{ id: number; undone_at: string }>(
      db,
      sql`SELECT id, undone_at FROM recon_decisions WHERE undone_at >= ${previous.#undoneSince} ORDER BY undone_at`,
    );
    previous.#apply(
      added,
      stamped.map((r) => r.id),
    );
    previous.#undoneSince = stamped.at(-1)?.undone_at ?? previous.#undoneSince;
    const inForce = get<{ n: number }>(
      db,
      sql`SELECT count(*) AS n FROM recon_decisions WHERE undone_at IS NULL`,
    )!.n;
    if (inForce === previous.#byId.size) return previous;
    // A clock set back, or an id given again after a rollback: compare the ids in force.
    const ids = db
      .prepare('SELECT id FROM recon_decisions WHERE undone_at IS NULL')
      .pluck()
      .all() as number[];
    const now = new Set(ids);
    const unknown = ids.filter((id) => !previous.#byId.has(id));
    previous.#apply(
      all<DecisionRow>(
        db,
        sql`SELECT * FROM recon_decisions WHERE id IN (SELECT value FROM json_each(${JSON.stringify(unknown)}))
             ORDER BY id`,
      ),
      [...previous.#byId.keys()].filter((id) => !now.has(id)),
    );
    return previous;
  }

  /** Records a person linked to (or accepted for) this sale. */
  linked(saleKey: string): readonly string[] {
    return this.#links.get(saleKey) ?? [];
  }

  /** Whether a person rejected or unlinked this pair: it is never suggested again. */
  rejected(saleKey: string, record: string | RecordRef): boolean {
    const key = this.#keyOf(record);
    return key !== null && this.#rejects.has(`${saleKey}|${key}`);
  }

  /** The sale a person tied this record to, if any: no other sale may claim it. */
  saleOf(record: string | RecordRef): string | undefined {
    const key = this.#keyOf(record);
    return key === null ? undefined : this.#saleOf.get(key);
  }

  /** A record's stable key, or null for a record no decision names (without building its key). */
  #keyOf(record: string | RecordRef): string | null {
    if (typeof record === 'string') return record;
    return this.#named.has(record.externalId) ? recordKey(record) : null;
  }

  /** Files a decision under its pair (its sale and record), and returns the pair. */
  #add(r: DecisionRow): string {
    const record = `${r.record_provider}:${r.record_connection}:${r.record_external_id}`;
    const pair = `${r.sale_key}|${record}`;
    const list = this.#pairs.get(pair);
    if (!list) this.#pairs.set(pair, [r]);
    else if (list.push(r) > 1 && list.at(-2)!.id > r.id) list.sort((a, b) => a.id - b.id);
    this.#byId.set(r.id, pair);
    if (r.id > this.#newest) this.#newest = r.id;
    this.#named.add(r.record_external_id);
    if (this.#salePairs && this.#recordPairs) {
      addTo(this.#salePairs, r.sale_key, pair);
      addTo(this.#recordPairs, record, pair);
    }
    return pair;
  }

  /**
   * Adds decisions and takes undone ones out, then works out again what the pairs they name say, as a
   * fresh index over the same decisions would.
   */
  #apply(added: readonly DecisionRow[], undone: readonly number[]): void {
    if (!this.#salePairs || !this.#recordPairs) {
      [this.#salePairs, this.#recordPairs] = [new Map(), new Map()];
      for (const pair of this.#pairs.keys()) {
        const cut = pair.indexOf('|');
        addTo(this.#salePairs, pair.slice(0, cut), pair);
        addTo(this.#recordPairs, pair.slice(cut + 1), pair);
      }
    }
    const [salePairs, recordPairs] = [this.#salePairs, this.#recordPairs];
    const touched = new Set<string>();
    for (const id of undone) {
      const pair = this.#byId.get(id);
      if (pair === undefined) continue;
      this.#byId.delete(id);
      const left = this.#pairs.get(pair)!.filter((r) => r.id !== id);
      if (left.length > 0) this.#pairs.set(pair, left);
      else this.#pairs.delete(pair);
      touched.add(pair);
    }
    for (const r of added) touched.add(this.#add(r));
    const sales = new Set<string>();
    const records = new Set<string>();
    for (const pair of touched) {
      const cut = pair.indexOf('|');
      sales.add(pair.slice(0, cut));
      records.add(pair.slice(cut + 1));
      const latest = this.#pairs.get(pair)?.at(-1);
      if (latest && !ties(latest)) this.#rejects.add(pair);
      else this.#rejects.delete(pair);
    }
    // A pair counts from its oldest decision in force: a sale's records are listed in that order, and
    // of two sales a record is tied to, the later pair wins (as one pass over the decisions by id).
    const since = (pair: string) => this.#pairs.get(pair)![0]!.id;
    const tying = (pairs: Set<string> | undefined) =>
      [...(pairs ?? [])].filter((p) => {
        const latest = this.#pairs.get(p)?.at(-1);
        return latest !== undefined && ties(latest);
      });
    for (const sale of sales) {
      const linked = tying(salePairs.get(sale))
        .sort((a, b) => since(a) - since(b))
        .map((p) => p.slice(p.indexOf('|') + 1));
      if (linked.length > 0) this.#links.set(sale, linked);
      else this.#links.delete(sale);
    }
    for (const record of records) {
      const last = tying(recordPairs.get(record))
        .sort((a, b) => since(a) - since(b))
        .at(-1);
      if (last !== undefined) this.#saleOf.set(record, last.slice(0, last.indexOf('|')));
      else this.#saleOf.delete(record);
    }
  }
}
