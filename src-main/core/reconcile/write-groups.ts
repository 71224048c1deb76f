import type { Database, Statement } from 'better-sqlite3';
import { ReconViewWriter } from '../store/mutations/recon-views.ts';
import { evidenceOf, methodOf, stateOf, versionOf, type RefundLink } from './group-facts.ts';
import type { Rec } from './load-day.ts';
import type { BuiltGroup } from './match-day.ts';
import { converted } from './score.ts';
import type { ReconcileSettings } from './reconcile-settings.ts';

/** A row of recon_groups. */
export interface GroupRecord {
  id: number;
  key: string;
  anchor_date: string;
  state: string;
  method: string;
  score: number | null;
  providers: string;
  currency: string;
  sale_minor: number;
  paid_minor: number;
  version: string;
  evidence: string | null;
}

/** A stored group a writer is about to replace, and the row it gets (null: it goes, or moves day). */
export interface Replaced {
  old: GroupRecord;
  next: GroupRecord | null;
}

const recordOf = (id: number, row: GroupRow) =>
  ({ id, ...Object.fromEntries(COLUMNS.map((c, i) => [c, row[i]])) }) as GroupRecord;

/** A group as stored, with its members, to tell whether a rebuild changed it. */
interface StoredGroup extends GroupRecord {
  /** Its members in id order. */
  members: { id: number; role: string }[];
  refunds: number;
}

type GroupRow = [
  string,
  string,
  string,
  string,
  number | null,
  string,
  string,
  number,
  number,
  string,
  string,
];

export class GroupWriter {
  readonly #db: Database;
  readonly #settings: ReconcileSettings;
  readonly #insertGroup: Statement;
  readonly #idByKey: Statement;
  readonly #updateGroup: Statement;
  readonly #insertMember: Statement;
  readonly #insertMembers: Statement;
  readonly #deleteMembers: Statement;
  readonly #deleteGroup: Statement;
  readonly #storedGroups: Statement;
  readonly #storedMembers: Statement;
  readonly #storedByKey: Statement;
  readonly #storedMembersByKey: Statement;
  readonly #writeOffsets: Statement;
  readonly #storedViews: Statement;
  readonly #views: ReconViewWriter;
  readonly #clearDirty: Statement;
  readonly #noteUnfinished: Statement;

  constructor(db: Database, settings: ReconcileSettings) {
    this.#db = db;
    this.#settings = settings;
    this.#insertGroup =
      db.prepare(`INSERT INTO recon_groups (key, anchor_date, state, method, score, providers,
      currency, sale_minor, paid_minor, version, evidence) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
      ON CONFLICT (key) DO NOTHING`);
    this.#idByKey = db.prepare('SELECT id FROM recon_groups WHERE key = ?').pluck();
    this.#updateGroup = db.prepare(`UPDATE recon_groups SET key = ?, anchor_date = ?, state = ?, method = ?,
      score = ?, providers = ?, currency = ?, sale_minor = ?, paid_minor = ?, version = ?, evidence = ? WHERE id = ?`);
    this.#insertMember = db.prepare(
      'INSERT OR REPLACE INTO recon_members (transaction_id, group_id, role) VALUES (?, ?, ?)',
    );
    this.#insertMembers = db.prepare(
      `INSERT OR REPLACE INTO recon_members (transaction_id, group_id, role) VALUES ${Array(MEMBER_BATCH).fill('(?, ?, ?)').join(', ')}`,
    );
    this.#deleteMembers = db.prepare('DELETE FROM recon_members WHERE group_id = ?');
    this.#deleteGroup = db.prepare('DELETE FROM recon_groups WHERE id = ?');
    // The groups, then all their members in one read: two correlated subqueries per group (a sorted
    // concatenation and a count) cost twice as much on a day of 13,000 stored groups.
    const members = `SELECT m.group_id, m.transaction_id, m.role FROM recon_groups g INDEXED BY recon_groups_rollup
        CROSS JOIN recon_members m INDEXED BY recon_members_by_group ON m.group_id = g.id`;
    this.#storedGroups = db.prepare(
      'SELECT g.* FROM recon_groups g INDEXED BY recon_groups_rollup WHERE g.anchor_date = ?',
    );
    this.#storedMembers = db.prepare(`${members} WHERE g.anchor_date = ?`).raw(true);
    const byKey = 'g.key IN (SELECT value FROM json_each(?))';
    this.#storedByKey = db.prepare(`SELECT g.* FROM recon_groups g WHERE ${byKey}`);
    this.#storedMembersByKey = db
      .prepare(
        `SELECT m.group_id, m.transaction_id, m.role FROM recon_groups g
        CROSS JOIN recon_members m INDEXED BY recon_members_by_group ON m.group_id = g.id WHERE ${byKey}`,
      )
      .raw(true);
    this.#writeOffsets = db.prepare('INSERT OR REPLACE INTO recon_day_offsets (date, offsets) VALUES (?, ?)');
    this.#storedViews = db.prepare(
      'SELECT transaction_id, primary_id FROM recon_views WHERE business_date = ?',
    );
    this.#views = new ReconViewWriter(db);
    this.#clearDirty = db.prepare('DELETE FROM recon_dirty_days WHERE date = ?');
    this.#noteUnfinished = db.prepare('INSERT OR IGNORE INTO recon_unfinished_days (date) VALUES (?)');
  }

  /**
   * The ids of the groups writeDay wrote (new or changed) so far. The rest came out as they were, with
   * the same members, whose records have the same fingerprints (the version says so): what is derived
   * from a group alone, such as its discrepancies, stands for them.
   */
  readonly written: number[] = [];

  /**
   * Told of stored groups just before they are deleted or rewritten, while they still stand as the
   * last run left them (a run moves the Dashboard's rollups by their share: rollup-moves.ts).
   */
  onReplace?: (groups: readonly Replaced[]) => void;

  /** Told of each group written (new or changed), as matching built it. */
  onWritten?: (id: number, group: BuiltGroup) => void;

  /**
   * Brings one day's groups and views to what matching built, and clears the day's dirty mark, in one
   * transaction; the day stays noted as unfinished until the run's end (migration 0027). Only what changed is written: most of a re-matched day comes out as it was, and every
   * row deleted and written again costs index, foreign-key and (for views) search-rollup trigger work.
   * A group that holds refunds is always rewritten: the refund pass placed them, and places them again.
   */
  writeDay(
    date: string,
    groups: readonly BuiltGroup[],
    dayRecords: readonly Rec[],
    nowMs: number,
    offsets: ReadonlyMap<string, number>,
  ): number {
    this.#db.transaction(() => {
      this.#writeViews(date, dayRecords);
      const stored = withMembers(this.#storedGroups.all(date), this.#storedMembers.all(date));
      for (const id of this.#write(stored, groups, nowMs)) this.written.push(id);
      this.#writeOffsets.run(date, JSON.stringify(Object.fromEntries([...offsets].sort())));
      this.#clearDirty.run(date);
      this.#noteUnfinished.run(date);
    })();
    return groups.length;
  }

  /**
   * Notes a day the run wrote groups of as unfinished until the run's end (migration 0027): its refunds,
   * classes and rollups are still owed. The caller holds the transaction that wrote them.
   */
  noteUnfinished(date: string): void {
    this.#noteUnfinished.run(date);
  }

  /**
   * Brings the groups with these keys to what matching built (a decision's re-match: the caller holds
   * the transaction). Returns the ids of the groups written, that is, changed.
   */
  writeGroups(keys: readonly string[], groups: readonly BuiltGroup[], nowMs: number): number[] {
    const json = JSON.stringify(keys);
    return this.#write(
      withMembers(this.#storedByKey.all(json), this.#storedMembersByKey.all(json)),
      groups,
      nowMs,
    );
  }

  #write(storedRows: readonly StoredGroup[], groups: readonly BuiltGroup[], nowMs: number): number[] {
    const stored = new Map<string, StoredGroup>();
    for (const s of storedRows) stored.set(s.key, s);
    const plans = groups.map((g) => {
      const built = this.#build(g, [], nowMs);
      const old = stored.get(g.key);
      stored.delete(g.key);
      const same = old !== undefined && old.refunds === 0 && unchanged(old, built);
      return { g, built, old, same };
    });
    this.onReplace?.([
      ...[...stored.values()].map((old) => ({ old, next: null })),
      ...plans.flatMap((p) =>
        p.old && !p.same ? [{ old: p.old, next: recordOf(p.old.id, p.built.row) }] : [],
      ),
    ]);
    // Members leave their old groups before any joins its new one: a record may move between groups.
    for (const old of stored.values()) this.#deleteGroup.run(old.id);
    for (const p of plans) if (p.old && !p.same) this.#deleteMembers.run(p.old.id);
    const members: (number | string)[] = [];
    const written: number[] = [];
    for (const p of plans) {
      if (p.same) continue;
      const id = p.old ? p.old.id : this.#insertRow(p.built.row);
      if (p.old) this.#updateGroup.run(...p.built.row, id);
      for (const m of p.built.members) members.push(m.id, id, m.role);
      written.push(id);
      this.onWritten?.(id, p.g);
    }
    this.#writeMembers(members);
    return written;
  }

  /**
   * Member rows (id, group, role, flattened), many per statement: one statement per row spent a
   * fifth of its time entering and leaving SQLite's VM (measured at 100k sales: 2.16 → 1.71 s CPU).
   */
  #writeMembers(flat: readonly (number | string)[]): void {
    const width = MEMBER_BATCH * 3;
    let i = 0;
    for (; i + width <= flat.length; i += width) this.#insertMembers.run(flat.slice(i, i + width));
    for (; i < flat.length; i += 3) this.#insertMember.run(flat[i], flat[i + 1], flat[i + 2]);
  }

  /**
   * Views of the day (a Report entry whose Sales twin counts the money): written only where they
   * changed, with their search and Dashboard rollups kept set-based (store/mutations/recon-views.ts).
   */
  #writeViews(date: string, dayRecords: readonly Rec[]): void {
    const stored = new Map<number, number>();
    for (const v of this.#storedViews.all(date) as { transaction_id: number; primary_id: number }[])
      stored.set(v.transaction_id, v.primary_id);
    const written: [number, number, string][] = [];
    for (const r of dayRecords) {
      if (r.twinId === null) continue;
      if (stored.get(r.id) !== r.twinId) written.push([r.id, r.twinId, r.date]);
      stored.delete(r.id);
    }
    this.#views.apply(written, [...stored.keys()]);
  }

  /**
   * A new group's row. Its key may still be held by a group anchored on a later day of the run, not
   * rebuilt yet: a sale whose tenders crossed midnight is anchored a day earlier once the later day's
   * tenders went away (that day's sync removed or moved them). That group moves here, members and all
   * brought to what matching built; inserting beside it broke the run on the key's uniqueness.
   */
  #insertRow(row: GroupRow): number {
    const inserted = this.#insertGroup.run(...row);
    if (inserted.changes) return Number(inserted.lastInsertRowid);
    const id = this.#idByKey.get(row[0]) as number;
    if (this.onReplace)
      this.onReplace([{ old: this.#storedByKey.get(JSON.stringify([row[0]])) as GroupRecord, next: null }]);
    this.#deleteMembers.run(id);
    this.#updateGroup.run(...row, id);
    return id;
  }

  /** The group's row (as recon_groups holds it) and its members. */
  #build(g: BuiltGroup, refunds: readonly RefundLink[], nowMs: number) {
    const state = stateOf(g, refunds, nowMs);
    const scored = g.pairs.filter((p) => p.how === 'score').map((p) => p.evidence.score);
    const providers = [...new Set(g.pairs.map((p) => p.payment.provider))].sort().join('+');
    let paid = 0;
    for (const p of g.pairs) paid += converted(p.payment, g.currency, this.#settings)?.minor ?? 0;
    const members = [...g.members, ...refunds.map((r) => ({ rec: r.refund, role: 'refund' as const }))];
    const version = versionOf(
      members.map((m) => ({ id: m.rec.id, role: m.role, fingerprint: m.rec.fingerprint })),
      state,
    );
    const row: GroupRow = [
      g.key,
      g.anchorDate,
      state,
      methodOf(g),
      scored.length ? Math.min(...scored) : null,
      providers,
      g.currency,
      g.tenders.reduce((s, t) => s + t.amount, 0),
      paid,
      version,
      JSON.stringify(evidenceOf(g, refunds)),
    ];
    return { row, members: members.map((m) => ({ id: m.rec.id, role: m.role })) };
  }
}

/** Member rows per INSERT statement (3 parameters each; SQLite allows 32,766). */
const MEMBER_BATCH = 50;

const COLUMNS = [
  'key',
  'anchor_date',
  'state',
  'method',
  'score',
  'providers',
  'currency',
  'sale_minor',
  'paid_minor',
  'version',
  'evidence',
] as const;

/** Stored group rows with their member rows (group id, record id, role): members in id order, refunds counted. */
function withMembers(rows: unknown[], members: unknown[]): StoredGroup[] {
  const byId = new Map<number, StoredGroup>();
  for (const r of rows as GroupRecord[]) byId.set(r.id, { ...r, members: [], refunds: 0 });
  for (const [groupId, id, role] of members as [number, number, string][]) {
    const g = byId.get(groupId)!;
    g.members.push({ id, role });
    if (role === 'refund') g.refunds++;
  }
  for (const g of byId.values()) g.members.sort((a, b) => a.id - b.id);
  return [...byId.values()];
}

/** Whether a stored group already is what matching built: every column, and the members. */
function unchanged(old: StoredGroup, built: { row: GroupRow; members: { id: number; role: string }[] }) {
  if (COLUMNS.some((c, i) => old[c] !== built.row[i])) return false;
  if (old.members.length !== built.members.length) return false;
  const members = [...built.members].sort((a, b) => a.id - b.id);
  return members.every((m, i) => old.members[i]!.id === m.id && old.members[i]!.role === m.role);
}
