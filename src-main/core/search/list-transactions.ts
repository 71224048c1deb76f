import type { Database } from 'better-sqlite3';
import { AppError } from '../model/app-error.ts';
import type { TransactionSummary } from '../model/transaction-summary.ts';
import { type SummaryRow, SUMMARY_COLUMNS } from '../store/queries/transactions.ts';
import { all, sql } from '../store/sql.ts';
import { toSummaries } from './summaries.ts';

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
    items: toSummaries(db, page),
    nextCursor: rows.length > limit && last ? encodeCursor([last.business_date, last.id]) : null,
  };
}
