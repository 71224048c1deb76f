import type { Database } from 'better-sqlite3';
import { AppError } from '../../model/app-error.ts';
import { all, get, sql } from '../sql.ts';

/** A period whose books are closed (reopened ones are kept, with who, when and why). */
export interface ClosedPeriod {
  id: number;
  from: string;
  to: string;
  closedAt: string;
  closedBy: string;
  exportId: number | null;
  rows: number;
  sha256: string;
  reopenedAt: string | null;
  reopenedBy: string | null;
  reopenReason: string | null;
}

const COLUMNS = sql`id, period_from AS "from", period_to AS "to", closed_at AS closedAt, closed_by AS closedBy,
  export_id AS exportId, rows, sha256, reopened_at AS reopenedAt, reopened_by AS reopenedBy,
  reopen_reason AS reopenReason`;

/** Every period ever closed, newest first; `inForce` leaves out the reopened ones. */
export function closedPeriods(db: Database, inForce = false): ClosedPeriod[] {
  return all<ClosedPeriod>(
    db,
    sql`SELECT ${COLUMNS} FROM closed_periods WHERE ${inForce ? 1 : 0} = 0 OR reopened_at IS NULL
        ORDER BY period_to DESC, id DESC`,
  );
}

/** The closed period (in force) that holds any of these business dates, or null. */
export function closedPeriodHolding(db: Database, dates: readonly string[]): ClosedPeriod | null {
  if (!dates.length) return null;
  return (
    get<ClosedPeriod>(
      db,
      sql`SELECT ${COLUMNS} FROM closed_periods p WHERE reopened_at IS NULL
            AND EXISTS (SELECT 1 FROM json_each(${JSON.stringify(dates)}) d
                         WHERE d.value BETWEEN p.period_from AND p.period_to)
          ORDER BY period_to LIMIT 1`,
    ) ?? null
  );
}

/**
 * Decisions on a closed date are frozen: the accountant has booked what they led to. Refused in plain
 * words, with what to do instead.
 */
export function refuseIfClosed(db: Database, dates: readonly string[]): void {
  const p = closedPeriodHolding(db, dates);
  if (p)
    throw new AppError(
      'PERIOD_CLOSED',
      `The books for ${p.from} to ${p.to} are closed, so decisions on those days are frozen. A change there is shown as a post-close adjustment in the next period's export; to decide again, reopen the period on the Exports page.`,
      { periodId: p.id, from: p.from, to: p.to },
    );
}
