import type { Database } from 'better-sqlite3';
import { isCurrencyCode } from '../model/money.ts';
import { isIsoDate } from '../model/time.ts';
import { type CanonicalTransaction, NORMALIZED_STATUSES, TRANSACTION_KINDS } from '../model/transaction.ts';
import type { StreamPage } from '../providers/connector.ts';
import { upsertWithinTransaction } from '../store/mutations/upsert-transactions.ts';
import {
  type QuarantineInput,
  type RunCounts,
  type StreamScope,
  addRunCounts,
  clearQuarantined,
  quarantineRecords,
  saveBookmark,
  saveCompleteness,
} from '../store/mutations/sync-state.ts';

const KINDS = new Set<string>(TRANSACTION_KINDS);
const STATUSES = new Set<string>(NORMALIZED_STATUSES);

/**
 * Last line of defence before SQLite: a canonical record that would violate a constraint must not
 * roll back its whole page (and stall the bookmark forever), so it is quarantined with the reason.
 */
export function canonicalProblem(r: CanonicalTransaction, scope: StreamScope): string | null {
  if (r.provider !== scope.provider || r.connectionId !== scope.connectionId) {
    return `record belongs to ${r.provider}/${r.connectionId}, not this connection`;
  }
  if (typeof r.externalId !== 'string' || r.externalId === '') return 'record has no external id';
  if (!KINDS.has(r.kind)) return `unknown kind ${JSON.stringify(r.kind)}`;
  if (!STATUSES.has(r.status)) return `unknown normalized status ${JSON.stringify(r.status)}`;
  if (!Number.isSafeInteger(r.amountMinor))
    return `amount ${String(r.amountMinor)} is not an integer of minor units`;
  if (!isCurrencyCode(r.currency)) return `currency ${JSON.stringify(r.currency)} is not an ISO 4217 code`;
  if (!isIsoDate(r.businessDate)) return `business date ${JSON.stringify(r.businessDate)} is not YYYY-MM-DD`;
  if (r.ledgerDate !== null && !isIsoDate(r.ledgerDate))
    return `ledger date ${JSON.stringify(r.ledgerDate)} is not YYYY-MM-DD`;
  if (typeof r.occurredAt !== 'string' || Number.isNaN(Date.parse(r.occurredAt)))
    return 'occurredAt is not an instant';
  const lineNos = new Set(r.lines.map((l) => l.lineNo));
  if (lineNos.size !== r.lines.length) return 'two order lines share a line number';
  for (const l of r.lines) {
    if (!Number.isSafeInteger(l.lineGrossMinor) || !Number.isSafeInteger(l.discountMinor)) {
      return `line ${l.lineNo} has an amount that is not integer minor units`;
    }
  }
  return null;
}

export interface PageResult extends RunCounts {
  changes: number;
  /** External ids of the valid records, in page order. */
  validIds: string[];
  /** Quarantine keys of the records that had no id. */
  idlessKeys: string[];
}

/** A connector that cannot read the day of a broken record must not fail the page that carries it. */
function safeDay(dayOf: (raw: unknown) => string | null, raw: unknown): string | null {
  try {
    const day = dayOf(raw);
    return day !== null && isIsoDate(day) ? day : null;
  } catch {
    return null;
  }
}

/** The nearest valid ids before and after position `i`: where an id-less record sat in its page. */
function neighbours(ids: readonly (string | null)[], i: number): string[] {
  const out: string[] = [];
  for (let j = i - 1; j >= 0; j--) {
    const id = ids[j];
    if (id) {
      out.push(id);
      break;
    }
  }
  for (let j = i + 1; j < ids.length; j++) {
    const id = ids[j];
    if (id) {
      out.push(id);
      break;
    }
  }
  return out;
}

/**
 * Commits one page in ONE SQLite transaction: valid records upserted (with their change log), bad ones
 * quarantined, re-delivered-valid ones released from quarantine, day completeness, the run counters
 * and the bookmark. Either all of it is on disk or none: a crash anywhere loses and duplicates nothing.
 */
export function commitPage(
  db: Database,
  scope: StreamScope,
  runId: number,
  page: StreamPage,
  now: string,
  dayOf: (raw: unknown) => string | null = () => null,
): PageResult {
  const valid: CanonicalTransaction[] = [];
  const bad: (QuarantineInput & { at: number })[] = [];
  // Per position: the id of a valid record, else null (what anchors an id-less bad one).
  const ids: (string | null)[] = [];
  page.outcomes.forEach((o, at) => {
    const problem = o.ok ? canonicalProblem(o.record, scope) : o.error;
    if (problem === null && o.ok) {
      valid.push(o.record);
      ids.push(o.record.externalId);
    } else {
      const externalId = o.ok ? o.record.externalId || null : o.externalId;
      const raw = o.ok ? o.record.raw : o.raw;
      bad.push({ externalId, raw, error: problem ?? '', at, day: safeDay(dayOf, raw) });
      ids.push(null);
    }
  });
  for (const b of bad) if (b.externalId === null) b.anchors = neighbours(ids, b.at);
  return db.transaction((): PageResult => {
    const upserted = upsertWithinTransaction(db, valid, now);
    clearQuarantined(
      db,
      scope,
      valid.map((r) => r.externalId),
    );
    const idlessKeys = quarantineRecords(db, scope, bad, now);
    if (page.completeness?.length) saveCompleteness(db, scope.connectionId, page.completeness, now);
    if (page.bookmark !== null) saveBookmark(db, scope.connectionId, scope.stream, page.bookmark);
    const counts: PageResult = {
      pages: 1,
      records: page.outcomes.length,
      inserted: upserted.inserted,
      updated: upserted.updated,
      unchanged: upserted.unchanged,
      quarantined: bad.length,
      changes: upserted.changes,
      validIds: valid.map((r) => r.externalId),
      idlessKeys,
    };
    addRunCounts(db, runId, counts);
    return counts;
  })();
}
