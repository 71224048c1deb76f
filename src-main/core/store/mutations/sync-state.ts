import { createHash } from 'node:crypto';
import type { Database } from 'better-sqlite3';
import type { DayCompleteness } from '../../model/day-completeness.ts';
import { get, run, sql } from '../sql.ts';

/**
 * Writes of the sync engine other than the records themselves. None opens a transaction: the engine
 * calls them inside the page transaction, so rows, quarantine, completeness and bookmark commit together.
 */
export interface StreamScope {
  provider: string;
  connectionId: string;
  stream: string;
}

export interface QuarantineInput {
  externalId: string | null;
  raw: unknown;
  error: string;
  /** For a record without an id: external ids of valid neighbours in its page (see the migration). */
  anchors?: readonly string[];
  /** The record's own date as its connector reads it from the raw JSON; what a retry reads again. */
  day?: string | null;
}

export interface RunCounts {
  pages: number;
  records: number;
  inserted: number;
  updated: number;
  unchanged: number;
  quarantined: number;
}

export type RunStatus = 'ok' | 'partial' | 'failed' | 'cancelled';

export function markStreamRunning(db: Database, connectionId: string, stream: string, now: string): void {
  run(
    db,
    sql`INSERT INTO sync_state (connection_id, stream, status, last_started_at) VALUES (${connectionId}, ${stream}, 'running', ${now})
        ON CONFLICT (connection_id, stream) DO UPDATE SET status = 'running', last_started_at = excluded.last_started_at`,
  );
}

export function saveBookmark(db: Database, connectionId: string, stream: string, bookmark: string): void {
  run(
    db,
    sql`UPDATE sync_state SET bookmark = ${bookmark} WHERE connection_id = ${connectionId} AND stream = ${stream}`,
  );
}

export function markStreamDone(db: Database, scope: StreamScope, error: string | null, now: string): void {
  run(
    db,
    sql`UPDATE sync_state SET status = ${error ? 'failed' : 'idle'}, last_finished_at = ${now}, last_error = ${error}
         WHERE connection_id = ${scope.connectionId} AND stream = ${scope.stream}`,
  );
}

/** Opens a run row; a run of this connection still 'running' was cut off by a crash or kill. */
export function startRun(db: Database, connectionId: string, now: string): number {
  return db.transaction(() => {
    run(
      db,
      sql`UPDATE sync_runs SET status = 'failed', finished_at = ${now},
                 error = 'The sync was interrupted (the app closed or crashed); it resumes from the last saved page.'
           WHERE connection_id = ${connectionId} AND status = 'running'`,
    );
    run(
      db,
      sql`UPDATE sync_state SET status = 'idle' WHERE connection_id = ${connectionId} AND status = 'running'`,
    );
    return Number(
      run(
        db,
        sql`INSERT INTO sync_runs (connection_id, started_at, status) VALUES (${connectionId}, ${now}, 'running')`,
      ).lastInsertRowid,
    );
  })();
}

export function addRunCounts(db: Database, runId: number, c: RunCounts): void {
  run(
    db,
    sql`UPDATE sync_runs SET pages = pages + ${c.pages}, records = records + ${c.records}, inserted = inserted + ${c.inserted},
               updated = updated + ${c.updated}, unchanged = unchanged + ${c.unchanged}, quarantined = quarantined + ${c.quarantined}
         WHERE id = ${runId}`,
  );
}

export function finishRun(
  db: Database,
  runId: number,
  status: RunStatus,
  error: string | null,
  now: string,
): void {
  run(
    db,
    sql`UPDATE sync_runs SET status = ${status}, error = ${error}, finished_at = ${now} WHERE id = ${runId}`,
  );
}

/** A record without an external id is keyed by its raw JSON, so seeing it again updates one row. */
function recordKey(q: QuarantineInput, raw: string): string {
  return q.externalId ?? `sha256:${createHash('sha256').update(raw).digest('hex')}`;
}

/** Upserts quarantine rows; returns the keys of the id-less ones, which the engine tracks per run. */
export function quarantineRecords(
  db: Database,
  scope: StreamScope,
  records: readonly QuarantineInput[],
  now: string,
): string[] {
  const idless: string[] = [];
  for (const q of records) {
    const raw = JSON.stringify(q.raw) ?? 'null';
    const key = recordKey(q, raw);
    if (q.externalId === null) idless.push(key);
    const anchors = q.externalId === null && q.anchors?.length ? JSON.stringify(q.anchors) : null;
    run(
      db,
      // A dismissed record seen bad again stays dismissed: the manager has already let it go.
      sql`INSERT INTO quarantine (provider, connection_id, stream, record_key, external_id, raw_json, error, anchors,
                                  first_seen_at, last_seen_at, day)
          VALUES (${scope.provider}, ${scope.connectionId}, ${scope.stream}, ${key}, ${q.externalId}, ${raw}, ${q.error},
                  ${anchors}, ${now}, ${now}, ${q.day ?? null})
          ON CONFLICT (connection_id, stream, record_key) DO UPDATE
            SET raw_json = excluded.raw_json, error = excluded.error, anchors = excluded.anchors,
                last_seen_at = excluded.last_seen_at, day = coalesce(excluded.day, day)`,
    );
  }
  return idless;
}

/** Drops quarantine rows by key: records delivered valid, or id-less ones whose page was re-read without them. */
export function releaseQuarantined(db: Database, scope: StreamScope, recordKeys: readonly string[]): number {
  let released = 0;
  for (const key of recordKeys) {
    released += run(
      db,
      sql`DELETE FROM quarantine WHERE connection_id = ${scope.connectionId} AND stream = ${scope.stream} AND record_key = ${key}`,
    ).changes;
  }
  return released;
}

/** A record delivered valid is no longer a problem: drop it from quarantine (same stream, same id). */
export function clearQuarantined(db: Database, scope: StreamScope, externalIds: readonly string[]): number {
  // Most syncs have nothing quarantined: one cheap probe saves a delete per record.
  const any = get<{ n: number }>(
    db,
    sql`SELECT count(*) AS n FROM quarantine WHERE connection_id = ${scope.connectionId} AND stream = ${scope.stream}`,
  );
  if (!any?.n) return 0;
  // For records with an id, the key is the id.
  return releaseQuarantined(db, scope, externalIds);
}

export function saveCompleteness(
  db: Database,
  connectionId: string,
  days: readonly DayCompleteness[],
  now: string,
): void {
  for (const d of days) {
    run(
      db,
      sql`INSERT INTO day_completeness (connection_id, stream, date, state, detail, checked_at)
          VALUES (${connectionId}, ${d.stream}, ${d.date}, ${d.state}, ${d.detail ?? null}, ${now})
          ON CONFLICT (connection_id, stream, date) DO UPDATE
            SET state = excluded.state, detail = excluded.detail, checked_at = excluded.checked_at`,
    );
  }
}
