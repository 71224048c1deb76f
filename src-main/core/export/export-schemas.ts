import { z } from 'zod';
import { IsoDate } from '../api/schemas.ts';
import { SHEET_IDS } from './sheets.ts';

export const SheetIdSchema = z.enum(SHEET_IDS);

/** The caller's own name for a run, so it can follow its progress events and cancel it. */
const JobId = z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, 'A job id is 1 to 64 letters, digits, - or _');

const Period = { from: IsoDate, to: IsoDate };

/** One finished export, as export_log holds it; `available` says whether its file is still there. */
export const ExportEntry = z.object({
  id: z.number().int(),
  at: z.string(),
  actor: z.string(),
  from: IsoDate,
  to: IsoDate,
  format: z.enum(['xlsx', 'csv']),
  sheets: z.array(SheetIdSchema),
  fileName: z.string(),
  bytes: z.number().int(),
  rows: z.number().int(),
  sha256: z.string(),
  available: z.boolean(),
  /** The figures are as booked when this closed period was closed (null: as the cache has them). */
  asBookedIn: z.number().int().nullable(),
  /** This export closed its period. */
  closes: z.boolean(),
  /** Changes to earlier closed days this export books. */
  postCloseAdjustments: z.number().int(),
});

/** A period whose books were closed; a reopened one says who reopened it, when and why. */
export const ClosedPeriodEntry = z.object({
  id: z.number().int(),
  from: IsoDate,
  to: IsoDate,
  closedAt: z.string(),
  closedBy: z.string(),
  /** The workbook written at close (export:file). */
  exportId: z.number().int().nullable(),
  rows: z.number().int(),
  sha256: z.string(),
  reopenedAt: z.string().nullable(),
  reopenedBy: z.string().nullable(),
  reopenReason: z.string().nullable(),
});

export const ExportProgressEvent = z.object({
  jobId: z.string(),
  /** The sheet being written, or 'done'. */
  sheet: z.string(),
  rows: z.number().int(),
  totalRows: z.number().int(),
});

export const exportOperations = {
  /**
   * Writes the period's workbook into the home's exports folder on a worker thread and answers when
   * it is finished (progress comes as `export:progress` events). The file is then fetched with
   * `export:file`: a download in browser mode, the save dialog in the app.
   */
  'export:xlsx': {
    input: z
      .object({ ...Period, sheets: z.array(SheetIdSchema).min(1).optional(), jobId: JobId.optional() })
      .strict(),
    output: ExportEntry,
  },
  /** One sheet as CSV: UTF-8 with BOM, delimiter and decimal mark by locale (nb-NO: `;` and `,`). */
  'export:csv': {
    input: z
      .object({
        ...Period,
        sheet: SheetIdSchema.exclude(['summary']),
        locale: z.string().max(35).optional(),
        jobId: JobId.optional(),
      })
      .strict(),
    output: ExportEntry,
  },
  /** Stops a running export (or all of them) between rows; its half-written file is removed. */
  'export:cancel': {
    input: z.object({ jobId: JobId.optional() }).strict(),
    output: z.object({ cancelled: z.number().int() }),
  },
  /** Past exports, newest first. */
  'export:list': {
    input: z.object({ limit: z.number().int().min(1).max(200).default(50) }).strict(),
    output: z.object({ exports: z.array(ExportEntry) }),
  },
  /** Where a finished export's file is: only logged exports, only inside the exports folder. */
  'export:file': {
    input: z.object({ id: z.number().int().positive() }).strict(),
    output: z.object({ file: z.string(), fileName: z.string(), contentType: z.string(), bytes: z.number() }),
  },
  /**
   * Closes the books for a period: writes its workbook (as `export:xlsx`, every sheet), keeps what it
   * booked, and freezes decisions on its days. A re-export of the period then gives the same values;
   * a later change on its days is a post-close adjustment in the next period's export. Periods close
   * in order, once their last day is over.
   */
  'export:close': {
    input: z.object({ ...Period, jobId: JobId.optional() }).strict(),
    output: z.object({ period: ClosedPeriodEntry, export: ExportEntry }),
  },
  /** Reopens the latest closed period, with a reason (audited); decisions on its days thaw. */
  'export:reopen': {
    input: z.object({ id: z.number().int().positive(), reason: z.string().trim().min(3).max(500) }).strict(),
    output: ClosedPeriodEntry,
  },
  /** Every period closed (and reopened), newest first. */
  'export:periods': {
    input: z.object({}).strict(),
    output: z.object({ periods: z.array(ClosedPeriodEntry) }),
  },
} as const;
