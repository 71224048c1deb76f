import type { Database } from 'better-sqlite3';
import { all, sql } from '../store/sql.ts';
import {
  addRollupShare,
  applyRollupShares,
  rollupShareOfIds,
  shareOutside,
  type RollupShare,
} from '../store/mutations/recon-rollups.ts';
import type { BuiltGroup } from './match-day.ts';
import { versionOf } from './group-facts.ts';
import type { Replaced } from './write-groups.ts';

/** What a group's share of the rollups reads of its row (the rest is its members' records). */
const SHARED = ['anchor_date', 'state', 'providers', 'currency', 'sale_minor', 'version'] as const;

/**
 * The Dashboard's rollups of an incremental day run, without rebuilding every day it matched: the days
 * a sync changed (and a stopped run's) are rebuilt whole (`days`), and every other day is moved by the
 * share of the groups the run replaced or wrote there (rollupShare). A new day's run matches the day
 * before again and finds its groups almost all as they were, and its groups reach a third day through
 * tenders across midnight: rebuilding those two whole days was most of the rollups' cost.
 *
 * A replaced group's share is read as it stands before the writer touches it (GroupWriter.onReplace),
 * which is what the rollups hold for it only while its records are as the last run saw them: its
 * version (members, their fingerprints, its state) says so. A group whose version no longer holds (a
 * record of it changed or went away) has the days it reaches (its anchor day and its POS rows' days;
 * the VAT's day is one of those) rebuilt whole instead. Rows of rebuilt days are left out of the moves.
 */
export class RollupMoves {
  readonly #db: Database;
  /** The days rebuilt whole at the end. */
  readonly days: Set<string>;
  readonly #before: RollupShare = new Map();
  readonly #seen = new Set<number>();
  readonly #kept = new Set<number>();
  /** The groups written, by id, with the days their share reaches (a group rewritten: its last). */
  readonly #written = new Map<number, string[]>();

  constructor(db: Database, days: Iterable<string>) {
    this.#db = db;
    this.days = new Set(days);
  }

  /**
   * Stored groups about to be replaced: their share as the rollups hold it, or their days rebuilt. A
   * group rewritten with the same version (members, their records and state) and the same columns the
   * rollups read holds the same share after: it is passed over, now and when written (most of a day
   * matched again is rewritten for its evidence alone: a new day's payments are runners-up).
   */
  replacing(groups: readonly Replaced[]): void {
    const fresh: number[] = [];
    for (const { old, next } of groups) {
      const same = next !== null && SHARED.every((c) => old[c] === next[c]);
      if (this.#seen.has(old.id)) {
        // Kept before and changed now (never seen: a group is replaced once a run): its share as the
        // rollups hold it is gone, so its days are rebuilt.
        if (this.#kept.has(old.id) && !same) {
          this.#kept.delete(old.id);
          for (const d of this.#reach([old.id])[0]?.days ?? []) this.days.add(d);
        }
        continue;
      }
      this.#seen.add(old.id);
      if (same) this.#kept.add(old.id);
      else fresh.push(old.id);
    }
    const clean: number[] = [];
    for (const g of this.#reach(fresh)) {
      if (g.days.every((d) => this.days.has(d))) continue;
      if (versionOf(g.members, g.state) === g.version) clean.push(g.id);
      else for (const d of g.days) this.days.add(d);
    }
    if (clean.length) addRollupShare(this.#before, rollupShareOfIds(this.#db, clean));
  }

  /** A group written: the days its share reaches, from what matching built (no read of it again). */
  written(id: number, g: BuiltGroup): void {
    const days = [g.anchorDate];
    for (const m of g.members) if (m.role === 'sale' || m.role === 'attempt') days.push(m.rec.date);
    this.#written.set(id, days);
  }

  /** Moves the rollups of the days not rebuilt by the written groups' share less the replaced ones'. */
  apply(): void {
    const reaching = [...this.#written]
      .filter(([id, days]) => !this.#kept.has(id) && days.some((d) => !this.days.has(d)))
      .map(([id]) => id);
    applyRollupShares(
      this.#db,
      shareOutside(this.#before, this.days),
      shareOutside(rollupShareOfIds(this.#db, reaching), this.days),
    );
  }

  /**
   * Stored groups' days (anchor and POS rows'), state, version and the members their version counts
   * (a refund's Report view joins after the version is made: refund-links.ts).
   */
  #reach(ids: readonly number[]) {
    const groups = new Map<
      number,
      {
        id: number;
        state: string;
        version: string;
        days: string[];
        members: { id: number; role: string; fingerprint: string | null }[];
      }
    >();
    if (!ids.length) return [];
    for (const r of all<{
      id: number;
      anchor: string;
      state: string;
      version: string;
      member: number | null;
      role: string | null;
      kind: string | null;
      day: string | null;
      fingerprint: string | null;
    }>(
      this.#db,
      sql`SELECT g.id, g.anchor_date AS anchor, g.state, g.version, m.transaction_id AS member, m.role,
             t.kind, t.business_date AS day, t.fingerprint
            FROM (SELECT value FROM json_each(${JSON.stringify(ids)})) x
            CROSS JOIN recon_groups g ON g.id = x.value
            LEFT JOIN recon_members m INDEXED BY recon_members_by_group ON m.group_id = g.id
            LEFT JOIN transactions t ON t.id = m.transaction_id`,
    )) {
      let g = groups.get(r.id);
      if (!g)
        groups.set(
          r.id,
          (g = { id: r.id, state: r.state, version: r.version, days: [r.anchor], members: [] }),
        );
      if (r.member === null) continue;
      if (r.role === 'sale' || r.role === 'attempt') g.days.push(r.day!);
      if (!(r.role === 'view' && r.kind === 'refund'))
        g.members.push({ id: r.member, role: r.role!, fingerprint: r.fingerprint });
    }
    return [...groups.values()];
  }
}
