import type { Database } from 'better-sqlite3';
import { anchoredQuarantine } from '../store/queries/sync-state.ts';
import type { StreamScope } from '../store/mutations/sync-state.ts';

/**
 * Decides which id-less quarantined records of a stream a run has resolved. Such a record cannot be
 * matched to its later valid form, but the run can tell that it re-read the record's place (a valid
 * neighbour came again) without meeting the bad form again: then the record was fixed or removed
 * upstream. Judged at the end of a successful run, so a record on the next page still counts as seen.
 */
export class AnchorWatch {
  readonly #rows: { recordKey: string; anchors: string[] }[];
  readonly #anchors: Set<string>;
  readonly #seenAnchors = new Set<string>();
  readonly #seenKeys = new Set<string>();

  private constructor(rows: { recordKey: string; anchors: string[] }[]) {
    this.#rows = rows;
    this.#anchors = new Set(rows.flatMap((r) => r.anchors));
  }

  /** Null when the stream has no id-less quarantined records (the usual case): nothing to watch. */
  static load(db: Database, scope: StreamScope): AnchorWatch | null {
    const rows = anchoredQuarantine(db, scope.connectionId, scope.stream);
    return rows.length ? new AnchorWatch(rows) : null;
  }

  observe(validIds: readonly string[], idlessKeys: readonly string[]): void {
    for (const id of validIds) if (this.#anchors.has(id)) this.#seenAnchors.add(id);
    for (const key of idlessKeys) this.#seenKeys.add(key);
  }

  resolved(): string[] {
    return this.#rows
      .filter((r) => !this.#seenKeys.has(r.recordKey) && r.anchors.some((a) => this.#seenAnchors.has(a)))
      .map((r) => r.recordKey);
  }
}
