import type { Database } from 'better-sqlite3';
import { AppError } from '../model/app-error.ts';
import { appendAudit } from '../store/mutations/audit.ts';
import { type ClosedPeriod, closedPeriods } from '../store/queries/closed-periods.ts';
import { readSettings } from '../store/queries/settings.ts';
import { run, sql } from '../store/sql.ts';
import { shopToday } from '../sync/engine.ts';
import type { BookedChunk } from './booked-rows.ts';
import type { ExportPeriod } from './period.ts';
import type { BookedFigures } from './post-close.ts';

/*
 * Closing the books for a period, as data: the close keeps the rows and figures its workbook booked
 * (closed_periods, closed_period_rows), freezes decisions on its days (refuseIfClosed), and is
 * audited; a reopening is audited with its reason and keeps the record of the close.
 */

const overlapping = (db: Database, p: ExportPeriod) =>
  closedPeriods(db, true).filter((c) => c.from <= p.to && c.to >= p.from);

const closedWords = (c: ClosedPeriod) =>
  `${c.from} to ${c.to} (closed ${c.closedAt.slice(0, 10)} by ${c.closedBy})`;

/**
 * Which closed period an export of `p` re-exports as booked: `p` itself if it is closed, none if no
 * closed day is in it. A period that mixes closed and open days is refused: its figures would be
 * partly booked and partly not.
 */
export function bookedPeriodFor(db: Database, p: ExportPeriod): number | null {
  const hit = overlapping(db, p);
  if (!hit.length) return null;
  const exact = hit.find((c) => c.from === p.from && c.to === p.to);
  if (exact && hit.length === 1) return exact.id;
  throw new AppError(
    'PERIOD_CLOSED',
    `${p.from} to ${p.to} takes in closed days: ${hit.map(closedWords).join('; ')}. Export a closed period on its own (it gives the figures as booked), or days outside it.`,
    { closed: hit.map((c) => ({ id: c.id, from: c.from, to: c.to })) },
  );
}

/** Refuses a close that overlaps or precedes a closed period, or of days not over yet. */
export function checkCanClose(db: Database, p: ExportPeriod, now?: Date): null {
  const hit = overlapping(db, p);
  if (hit.length)
    throw new AppError('PERIOD_CLOSED', `Already closed: ${hit.map(closedWords).join('; ')}.`, {
      closed: hit.map((c) => ({ id: c.id, from: c.from, to: c.to })),
    });
  const last = closedPeriods(db, true)[0];
  if (last && last.to >= p.from)
    throw new AppError(
      'BAD_INPUT',
      `The books are closed up to ${last.to}; periods are closed in order, so the next one starts after ${last.to}.`,
    );
  const today = shopToday(readSettings(db).timeZone, now);
  if (p.to >= today)
    throw new AppError(
      'BAD_INPUT',
      `${p.from} to ${p.to} is not over yet (today is ${today} in the shop): a period is closed once its last day has ended.`,
    );
  return null;
}

/** Keeps a close: the period, its booked figures and rows, and the audit entry. In the caller's transaction. */
export function keepClosedPeriod(
  db: Database,
  o: {
    period: ExportPeriod;
    actor: string;
    exportId: number;
    booked: { rows: number; sha256: string; figures: BookedFigures };
    chunks: readonly BookedChunk[];
  },
): number {
  const id = Number(
    run(
      db,
      sql`INSERT INTO closed_periods (period_from, period_to, closed_at, closed_by, export_id, rows, sha256, figures)
          VALUES (${o.period.from}, ${o.period.to}, ${new Date().toISOString()}, ${o.actor}, ${o.exportId},
                  ${o.booked.rows}, ${o.booked.sha256}, ${JSON.stringify(o.booked.figures)})`,
    ).lastInsertRowid,
  );
  for (const c of o.chunks)
    run(
      db,
      sql`INSERT INTO closed_period_rows (period_id, sheet, chunk, rows, body)
          VALUES (${id}, ${c.sheet}, ${c.chunk}, ${c.rows}, ${Buffer.from(c.body.buffer, c.body.byteOffset, c.body.byteLength)})`,
    );
  appendAudit(db, {
    actor: o.actor,
    action: 'export:close',
    subject: `${o.period.from}..${o.period.to}`,
    details: { closedPeriod: id, export: o.exportId, rows: o.booked.rows, sha256: o.booked.sha256 },
  });
  return id;
}

/**
 * Reopens a closed period, latest first (a later close booked adjustments against it). The record
 * of the close stays, with who reopened it, when and why; its kept rows are let go, as nothing is
 * booked from them any more.
 */
export function reopenPeriod(db: Database, id: number, reason: string, actor: string): ClosedPeriod {
  const why = reason.trim();
  if (why.length < 3)
    throw new AppError('BAD_INPUT', 'Say why the period is reopened (the accountant will ask): a few words.');
  return db.transaction(() => {
    const all = closedPeriods(db);
    const c = all.find((x) => x.id === id);
    if (!c) throw new AppError('NOT_FOUND', `There is no closed period number ${id}.`);
    if (c.reopenedAt)
      throw new AppError(
        'ALREADY_REOPENED',
        `${c.from} to ${c.to} was already reopened on ${c.reopenedAt.slice(0, 10)}.`,
      );
    const later = all.find((x) => !x.reopenedAt && x.from > c.to);
    if (later)
      throw new AppError(
        'BAD_INPUT',
        `Reopen ${later.from} to ${later.to} first: periods are reopened from the latest, as a later close booked its adjustments against this one.`,
      );
    run(
      db,
      sql`UPDATE closed_periods SET reopened_at = ${new Date().toISOString()}, reopened_by = ${actor}, reopen_reason = ${why}
           WHERE id = ${id}`,
    );
    run(db, sql`DELETE FROM closed_period_rows WHERE period_id = ${id}`);
    appendAudit(db, {
      actor,
      action: 'export:reopen',
      subject: `${c.from}..${c.to}`,
      details: { closedPeriod: id, reason: why },
    });
    return closedPeriods(db).find((x) => x.id === id)!;
  })();
}
