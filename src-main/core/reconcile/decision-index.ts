import type { Database } from 'better-sqlite3';
import { all, sql } from '../store/sql.ts';
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

/**
 * People's decisions in force, by sale and record key. For one pair the latest decision wins, so a link
 * after a reject (or an unlink after an accept) is what counts.
 */
export class DecisionIndex {
  readonly #links = new Map<string, string[]>();
  readonly #rejects = new Set<string>();
  readonly #saleOf = new Map<string, string>();
  /** External ids of the records decisions in force name: matching asks about every record near a sale, and most have none. */
  readonly #named = new Set<string>();

  constructor(rows: readonly DecisionRow[]) {
    const latest = new Map<string, DecisionRow>();
    for (const r of [...rows].sort((a, b) => a.id - b.id)) {
      latest.set(`${r.sale_key}|${r.record_provider}:${r.record_connection}:${r.record_external_id}`, r);
    }
    for (const [pair, r] of latest) {
      const record = pair.slice(pair.indexOf('|') + 1);
      this.#named.add(r.record_external_id);
      if (r.action === 'accept' || r.action === 'link') {
        const list = this.#links.get(r.sale_key) ?? [];
        list.push(record);
        this.#links.set(r.sale_key, list);
        this.#saleOf.set(record, r.sale_key);
      } else this.#rejects.add(pair);
    }
  }

  static load(db: Database): DecisionIndex {
    return new DecisionIndex(
      all<DecisionRow>(db, sql`SELECT * FROM recon_decisions WHERE undone_at IS NULL`),
    );
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
}
