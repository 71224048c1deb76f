import type { Database } from 'better-sqlite3';
import { get, sql } from '../sql.ts';

/** The columns every list of transactions selects (t = transactions, c = connections). */
export const SUMMARY_COLUMNS = sql`t.id, t.provider, t.connection_id, c.name AS connection_name, t.external_id, t.kind,
  t.amount_minor, t.currency, t.status, t.provider_status, t.occurred_at, t.business_date, t.customer_name, t.method,
  t.network, t.description AS provider_text`;

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
  network: string | null;
  /** The text the provider gave the record (transactions.description); search/summaries.ts describes it. */
  provider_text: string | null;
}

/**
 * How many records the cache holds, from the month rollups (0003: triggers add and remove every record
 * as it is written), instead of count(*), which walks an index of every record: ~0.15–0.8 s at 1.75M,
 * and app:info has to answer within 100 ms while an export or a sync runs.
 */
export const countTransactions = sql`SELECT coalesce(sum(n), 0) FROM search_month_totals`;

export function countRows(db: Database): { transactions: number; connections: number; changeLog: number } {
  const row = get<{ t: number; c: number; l: number }>(
    db,
    sql`SELECT (${countTransactions}) AS t, (SELECT count(*) FROM connections) AS c,
               (SELECT count(*) FROM change_log) AS l`,
  );
  return { transactions: row?.t ?? 0, connections: row?.c ?? 0, changeLog: row?.l ?? 0 };
}
