import cliProgress from 'cli-progress';
import { existsSync, statSync } from 'node:fs';
import path from 'node:path';
import { ExportService } from '../../core/export/export-service.ts';
import { ExportCancelled } from '../../core/export/export-workbook.ts';
import { PeriodError, checkPeriod } from '../../core/export/period.ts';
import { SHEET_IDS, type SheetId } from '../../core/export/sheets.ts';
import { AppError } from '../../core/model/app-error.ts';
import { closedPeriods } from '../../core/store/queries/closed-periods.ts';
import { openStore } from '../../core/store/open-store.ts';
import { databaseFile } from '../../core/home.ts';
import { type CliIo, EXIT, printError, printJson, printLine } from '../output.ts';

export interface ExportCommandOptions {
  json: boolean;
  from?: string;
  to?: string;
  format: string;
  sheets?: string;
  out?: string;
  locale?: string;
  /** Close the books for the period once its workbook is written. */
  close?: boolean;
}

function parseSheets(list: string | undefined): SheetId[] {
  if (!list) return [...SHEET_IDS];
  const ids = list
    .split(',')
    .map((s) => s.trim().toLowerCase())
    .filter(Boolean);
  const bad = ids.filter((s) => !(SHEET_IDS as readonly string[]).includes(s));
  if (bad.length)
    throw new PeriodError(`Unknown sheet ${bad.join(', ')}: choose from ${SHEET_IDS.join(', ')}.`);
  return ids as SheetId[];
}

/**
 * `posrecon export`: the period's workbook (or CSVs) for the accountant, written on a worker thread
 * from one snapshot of the cache, with a progress bar on a terminal.
 */
export async function runExport(
  home: string,
  o: ExportCommandOptions,
  io: CliIo & { signal: AbortSignal },
): Promise<number> {
  let period;
  let sheets: SheetId[];
  if (o.format !== 'xlsx' && o.format !== 'csv') {
    printError(io, o.json, 'BAD_INPUT', `--format ${o.format} is not one of xlsx, csv.`);
    return EXIT.USAGE;
  }
  try {
    period = checkPeriod(o.from, o.to);
    sheets = parseSheets(o.sheets);
  } catch (err) {
    printError(io, o.json, 'BAD_INPUT', (err as Error).message);
    return EXIT.USAGE;
  }
  const format = o.format;
  if (o.close && (format !== 'xlsx' || o.sheets)) {
    printError(
      io,
      o.json,
      'BAD_INPUT',
      'A period is closed with its whole workbook: leave out --format csv and --sheets.',
    );
    return EXIT.USAGE;
  }
  const out = path.resolve(
    o.out ?? `posrecon-${period.from}-to-${period.to}${o.close ? '-closed' : ''}.${format}`,
  );
  if (!existsSync(path.dirname(out)) || !statSync(path.dirname(out)).isDirectory()) {
    printError(io, o.json, 'BAD_INPUT', `The folder ${path.dirname(out)} does not exist.`);
    return EXIT.USAGE;
  }
  const file = databaseFile(home);
  if (!existsSync(file)) {
    printError(
      io,
      o.json,
      'NOT_FOUND',
      `There is no cache in ${home} yet: run \`posrecon demo\` or \`posrecon sync\` first.`,
    );
    return EXIT.FAILURE;
  }
  // The store is opened (and migrated) first: the export's own connection reads the same schema.
  const store = await openStore(file);
  const service = new ExportService({ db: store.db, databaseFile: file, actor: 'cli' });
  const tty = !o.json && (io.stderr as NodeJS.WriteStream).isTTY === true;
  const bar = tty
    ? new cliProgress.SingleBar(
        {
          format: 'Exporting {sheet} [{bar}] {percentage}% {value}/{total} rows',
          stream: io.stderr,
          hideCursor: true,
        },
        cliProgress.Presets.shades_classic,
      )
    : null;
  let started = false;
  try {
    const result = await service.run(`cli-${process.pid}`, {
      period,
      format,
      sheets,
      out,
      locale: o.locale,
      close: o.close,
      signal: io.signal,
      onProgress: (p) => {
        if (!bar) return;
        if (!started) bar.start(Math.max(p.totalRows, 1), 0, { sheet: p.sheet });
        started = true;
        bar.update(Math.min(p.rows, p.totalRows), { sheet: p.sheet === 'done' ? '' : p.sheet });
      },
    });
    bar?.stop();
    if (o.json) printJson(io, { ok: true, period, format, ...result });
    else {
      printLine(io, `Wrote ${result.rows.toLocaleString('en-GB')} rows for ${period.from} to ${period.to}:`);
      for (const f of result.files) printLine(io, `  ${f}`);
      printLine(io, `SHA-256 ${result.sha256}`);
      if (result.closedPeriodId !== null)
        printLine(
          io,
          `Closed the books for ${period.from} to ${period.to}: decisions on those days are frozen, and a later change is booked as a post-close adjustment in the next period.`,
        );
      else if (result.adjustments)
        printLine(
          io,
          `Includes ${result.adjustments} post-close adjustment(s) to closed days (sheet "Post-close adjustments").`,
        );
    }
    return EXIT.OK;
  } catch (err) {
    bar?.stop();
    if (err instanceof ExportCancelled) {
      printError(io, o.json, 'CANCELLED', 'The export was cancelled; no file was left behind.');
      return EXIT.FAILURE;
    }
    if (err instanceof AppError) {
      printError(io, o.json, err.code, err.message);
      return err.code === 'BAD_INPUT' || err.code === 'PERIOD_CLOSED' ? EXIT.USAGE : EXIT.FAILURE;
    }
    printError(io, o.json, 'EXPORT_FAILED', `The export could not be written: ${(err as Error).message}`);
    return EXIT.FAILURE;
  } finally {
    store.close();
  }
}

/**
 * `posrecon reopen --from --to --reason`: reopens the latest closed period (audited with the reason);
 * `--list` prints every period closed, and reopened, newest first.
 */
export async function runReopen(
  home: string,
  o: { json: boolean; from?: string; to?: string; reason?: string; list?: boolean },
  io: CliIo,
): Promise<number> {
  const file = databaseFile(home);
  if (!existsSync(file)) {
    printError(io, o.json, 'NOT_FOUND', `There is no cache in ${home} yet: nothing has been closed.`);
    return EXIT.FAILURE;
  }
  const store = await openStore(file);
  try {
    const periods = closedPeriods(store.db);
    if (o.list) {
      if (o.json) printJson(io, { periods });
      else if (!periods.length) printLine(io, 'No period has been closed.');
      else
        for (const p of periods)
          printLine(
            io,
            `${p.from} to ${p.to}: closed ${p.closedAt.slice(0, 10)} by ${p.closedBy}` +
              (p.reopenedAt
                ? `; reopened ${p.reopenedAt.slice(0, 10)} by ${p.reopenedBy}: ${p.reopenReason}`
                : ''),
          );
      return EXIT.OK;
    }
    const p = periods.find((x) => !x.reopenedAt && x.from === o.from && x.to === o.to);
    if (!p) {
      printError(
        io,
        o.json,
        'NOT_FOUND',
        `${o.from ?? '?'} to ${o.to ?? '?'} is not a closed period (see posrecon reopen --list).`,
      );
      return EXIT.USAGE;
    }
    const service = new ExportService({ db: store.db, databaseFile: file, actor: 'cli' });
    const r = service.reopen(p.id, o.reason ?? '');
    if (o.json) printJson(io, { ok: true, period: r });
    else printLine(io, `Reopened ${r.from} to ${r.to}: decisions on those days can change again.`);
    return EXIT.OK;
  } catch (err) {
    if (!(err instanceof AppError)) throw err;
    printError(io, o.json, err.code, err.message);
    return err.code === 'BAD_INPUT' ? EXIT.USAGE : EXIT.FAILURE;
  } finally {
    store.close();
  }
}
