import type { SearchFilters } from '../api/schemas.ts';
import { type Sql, joinSql, rawSql, sql } from '../store/sql.ts';
import { RECON_STATE } from './summaries.ts';

function inList(column: Sql, values: readonly string[] | undefined): Sql | null {
  if (!values || values.length === 0) return null;
  return sql`${column} IN (${joinSql(
    values.map((v) => sql`${v}`),
    ', ',
  )})`;
}

const present = (parts: (Sql | null)[]): Sql[] => parts.filter((p): p is Sql => p !== null);

/** The dimensions the day rollup carries, as conditions on table alias `a` (t or the rollup). */
function dimensionFilters(f: SearchFilters, a: string): Sql[] {
  // Alias and column names come from the fixed lists in this file, never from input.
  const col = (name: string) => rawSql(`${a}.${name}`);
  return present([
    f.dateFrom ? sql`${col('business_date')} >= ${f.dateFrom}` : null,
    f.dateTo ? sql`${col('business_date')} <= ${f.dateTo}` : null,
    inList(col('provider'), f.providers),
    inList(col('connection_id'), f.connectionIds),
    inList(col('status'), f.statuses),
    inList(col('kind'), f.kinds),
    inList(col('currency'), f.currencies),
    inList(col('method'), f.methods),
    inList(col('network'), f.networks),
  ]);
}

/** Every filter except the text, as conditions on `t` (transactions). */
export function rowFilters(f: SearchFilters): Sql[] {
  return [
    ...dimensionFilters(f, 't'),
    ...present([
      // The very expression the list's column shows, so the filter and the column never disagree; each
      // of its look-ups is by primary key, and it is checked only on rows the other filters let through.
      inList(RECON_STATE, f.reconStates),
      f.amountMinMinor !== undefined ? sql`t.amount_minor >= ${f.amountMinMinor}` : null,
      f.amountMaxMinor !== undefined ? sql`t.amount_minor <= ${f.amountMaxMinor}` : null,
      f.hasLines === undefined
        ? null
        : f.hasLines
          ? sql`EXISTS (SELECT 1 FROM transaction_lines l WHERE l.transaction_id = t.id)`
          : sql`NOT EXISTS (SELECT 1 FROM transaction_lines l WHERE l.transaction_id = t.id)`,
    ]),
  ];
}

/**
 * The non-date conditions on a rollup table `alias`, or null when a filter is finer than the rollups'
 * dimensions (an amount range, a reconciliation state). Dates are split over the day and month rollups by the caller.
 */
export function rollupFilters(f: SearchFilters, alias: string): Sql[] | null {
  if (f.amountMinMinor !== undefined || f.amountMaxMinor !== undefined) return null;
  // The rollups do not know where a record stands in reconciliation: those totals read the rows.
  if (f.reconStates?.length) return null;
  const parts = dimensionFilters({ ...f, dateFrom: undefined, dateTo: undefined }, alias);
  if (f.hasLines !== undefined) parts.push(sql`${rawSql(`${alias}.has_lines`)} = ${f.hasLines ? 1 : 0}`);
  return parts;
}

export function whereClause(parts: readonly Sql[]): Sql {
  return parts.length ? sql`WHERE ${joinSql(parts, ' AND ')}` : sql``;
}
