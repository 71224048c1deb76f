import type { Database } from 'better-sqlite3';
import path from 'node:path';
import { mkdirSync } from 'node:fs';
import type { SyncReport, SyncStatusEntry } from '../../core/api/schemas.ts';
import type { Core } from '../../core/core.ts';
import { CONNECTORS } from '../../core/providers/registry.ts';
import { fxRate } from '../../core/sandbox/world/catalog.ts';
import { type RunningSandbox, startSandbox } from '../../core/sandbox/index.ts';
import { transactionCount } from '../../core/store/queries/connections.ts';
import { readSettings } from '../../core/store/queries/settings.ts';
import { prepareDemoConnections } from '../../core/sync/demo-connections.ts';
import { shopToday } from '../../core/sync/engine.ts';
import { ExportService } from '../../core/export/export-service.ts';
import { exportsDir } from '../../core/export/export-api.ts';
import { lastFullMonth } from '../../core/export/period.ts';
import { type CliIo, EXIT, printError, printJson, printLine } from '../output.ts';
import { printSummary } from './reconcile.ts';
import { createCliCore, exitCodeFor, printReports, progressReporter } from './sync.ts';

export interface DemoOptions {
  json: boolean;
  seed?: number;
  days?: number;
  /** Test knob: a smaller world. */
  salesPerDay?: number;
}

/**
 * The sandbox compresses time by this factor (rate-limit windows, token lifetimes) and the engine's
 * budgets follow, so the demo's two months of history sync in seconds rather than minutes.
 */
const DEMO_SPEED_UP = 20;

/**
 * SensePass settles the demo shop's sales in ILS and USD. A real shop enters its rates in Settings; the
 * demo enters the sandbox's own (one unit of each currency in the shop's), unless rates are there.
 */
function setDemoRates(
  core: Core,
  world: { currency: string; sensePassCurrencies: string[]; firstDay: string },
) {
  if (core.reconcile.settings().fxRates.length) return;
  core.reconcile.configure({
    fxRates: world.sensePassCurrencies
      .filter((c) => c !== world.currency)
      .map((currency) => ({
        currency,
        rate: 1 / fxRate(world.currency, currency),
        from: world.firstDay,
        to: null,
      })),
  });
}

function summarize(db: Database, status: SyncStatusEntry[], ids: string[]) {
  return status
    .filter((s) => ids.includes(s.connectionId))
    .map((s) => ({
      provider: s.provider,
      connection: s.connectionName,
      transactions: transactionCount(db, s.connectionId),
      quarantined: s.quarantined,
      days: s.days,
    }));
}

/**
 * `posrecon demo`: starts the sandbox in-process, points a demo connection per provider at it (with
 * its published, non-secret credentials: no keychain needed), syncs everything into the home's cache,
 * prints what arrived, and stops the sandbox, leaving the cache ready for `posrecon serve`.
 */
export async function runDemo(
  home: string,
  opts: DemoOptions,
  io: CliIo & { signal: AbortSignal },
): Promise<number> {
  const core = await createCliCore(home, { budgetSpeedUp: DEMO_SPEED_UP });
  let sandbox: RunningSandbox | null = null;
  try {
    const { timeZone } = readSettings(core.store.db);
    const today = shopToday(timeZone);
    if (!opts.json)
      io.stderr.write(`Starting the sandbox (seed ${opts.seed ?? 1}, ${opts.days ?? 60} days)…\n`);
    sandbox = await startSandbox({
      seed: opts.seed,
      days: opts.days,
      salesPerDay: opts.salesPerDay,
      timeZone,
      today,
      speedUp: DEMO_SPEED_UP,
    });
    const world = sandbox.world.options;
    const connectors = Object.values(CONNECTORS).filter((c) => c !== undefined);
    const ids = prepareDemoConnections(core.store.db, connectors, sandbox, world, 'cli');
    setDemoRates(core, world);
    const progress = progressReporter(io, opts.json);
    let reports: SyncReport[];
    try {
      reports = await core.sync.start({
        connectionIds: ids,
        signal: io.signal,
        onProgress: progress.onProgress,
      });
    } finally {
      progress.stop();
    }
    const providers = summarize(core.store.db, core.sync.status(), ids);
    const code = exitCodeFor(reports);
    // The sync reconciled the days it brought in; the summary covers the whole demo period.
    const reconciliation = core.reconcile.summary({});
    // The demo ends with what a shop sends its accountant: last full month's workbook.
    const month = lastFullMonth(today);
    // Into the exports folder, so the Exports view lists it with a download link like its own.
    mkdirSync(exportsDir(home), { recursive: true });
    const workbook = path.join(exportsDir(home), `posrecon-${month.from}-to-${month.to}.xlsx`);
    await new ExportService({ db: core.store.db, databaseFile: core.store.file, actor: 'cli' }).run('demo', {
      period: month,
      format: 'xlsx',
      out: workbook,
    });
    if (opts.json) {
      printJson(io, {
        ok: code === EXIT.OK,
        home,
        world: { seed: world.seed, days: world.days, today },
        reports,
        providers,
        reconciliation,
        workbook,
      });
    } else {
      printReports(io, reports);
      printLine(io);
      printLine(io, 'Provider     Transactions  Quarantined  Days complete/open/partial');
      for (const p of providers) {
        const days = `${p.days.complete}/${p.days.open}/${p.days.partial}`;
        printLine(
          io,
          `${p.provider.padEnd(12)} ${String(p.transactions).padStart(12)}  ${String(p.quarantined).padStart(11)}  ${days}`,
        );
      }
      printLine(io);
      printSummary(io, reconciliation);
      printLine(io);
      printLine(io, `Last month's workbook for the accountant: ${workbook}`);
      printLine(io, `The cache in ${home} is ready: run \`posrecon serve --home ${home}\` to browse it.`);
    }
    return code;
  } catch (err) {
    printError(io, opts.json, 'DEMO_FAILED', `The demo could not run: ${(err as Error).message}`);
    return EXIT.FAILURE;
  } finally {
    await sandbox?.close();
    core.close();
  }
}
