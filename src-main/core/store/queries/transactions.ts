import type { Database } from 'better-sqlite3';
import type { TransactionSummary } from '../../model/transaction-summary.ts';
import { AppError } from '../../model/app-error.ts';
import { all, get, sql } from '../sql.ts';

/** The columns every list of transactions selects (t = transactions, c = connections). */
export const SUMMARY_COLUMNS = sql`t.id, t.provider, t.connection_id, c.name AS connection_name, t.external_id, t.kind,
  t.amount_minor, t.currency, t.status, t.provider_status, t.occurred_at, t.business_date, t.customer_name, t.method,
  t.description`;

export interface SummaryRow {
  id: number;
  provider: string;
  connection_id: string;
  connection_name: string;
  external_id: string;
  kind: string;
  amount_minor: number;
  currency: string;
  status: string;
  provider_status: string | null;
  occurred_at: string;
  business_date: string;
  customer_name: string | null;
  method: string | null;
  description: string | null;
}

type Cursor = [businessDate: string, id: number];

function encodeCursor(c: Cursor): string {
  return Buffer.from(JSON.stringify(c)).toString('base64url');
}

function decodeCursor(text: string): Cursor {
  try {
    const value: unknown = JSON.parse(Buffer.from(text, 'base64url').toString('utf8'));
    if (
      Array.isArray(value) &&
      value.length === 2 &&
      typeof value[0] === 'string' &&
      Number.isSafeInteger(value[1])
    ) {
      return value as Cursor;
    }
  } catch {
    // fall through to the error below
  }
  throw new AppError('BAD_INPUT', 'The page cursor is not valid; start again from the first page.');
}

/**
 * Newest business day first, keyset-paged on (business_date, id) so that pages stay stable while a
 * sync inserts rows (an OFFSET would shift under it).
 */
export function listTransactions(
  db: Database,
  limit: number,
  cursor: string | null | undefined,
): { items: TransactionSummary[]; nextCursor: string | null } {
  const after = cursor ? decodeCursor(cursor) : null;
  const where = after ? sql`WHERE (t.business_date, t.id) < (${after[0]}, ${after[1]})` : sql``;
  const rows = all<SummaryRow>(
    db,
    sql`SELECT ${SUMMARY_COLUMNS}
          FROM transactions t JOIN connections c ON c.id = t.connection_id
          ${where}
         ORDER BY t.business_date DESC, t.id DESC
         LIMIT ${limit + 1}`,
  );
  const page = rows.slice(0, limit);
  const last = page.at(-1);
  return {
    items: page.map(toSummary),
    nextCursor: rows.length > limit && last ? encodeCursor([last.business_date, last.id]) : null,
  };
}

export function toSummary(r: SummaryRow): TransactionSummary {
  return {
    id: r.id,
    provider: r.provider as TransactionSummary['provider'],
    connectionId: r.connection_id,
    connectionName: r.connection_name,
    externalId: r.external_id,
    kind: r.kind as TransactionSummary['kind'],
    amountMinor: r.amount_minor,
    currency: r.currency,
    status: r.status as TransactionSummary['status'],
    providerStatus: r.provider_status,
    occurredAt: r.occurred_at,
    businessDate: r.business_date,
    customerName: r.customer_name,
    method: r.method,
    description: r.description,
  };
}

export function countRows(db: Database): { transactions: number; connections: number; changeLog: number } {
  const row = get<{ t: number; c: number; l: number }>(
    db,
    sql`SELECT (SELECT count(*) FROM transactions) AS t, (SELECT count(*) FROM connections) AS c,
               (SELECT count(*) FROM change_log) AS l`,
  );
  return { transactions: row?.t ?? 0, connections: row?.c ?? 0, changeLog: row?.l ?? 0 };
}
