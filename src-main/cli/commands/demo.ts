import type { Database } from 'better-sqlite3';
import path from 'node:path';
import { mkdirSync } from 'node:fs';
import type { SyncReport, SyncStatusEntry } from '../../core/api/schemas.ts';
import type { Core } from '../../core/core.ts';
import { CONNECTORS } from '../../core/providers/registry.ts';
import { fxRate } from '../../core/sandbox/world/catalog.ts';
import { transactionCount } from '../../core/store/queries/connections.ts';
import { readSettings } from '../../core/store/queries/settings.ts';
import { type DemoWorld, prepareDemoConnections, readDemoWorld } from '../../core/sync/demo-connections.ts';
import type { DemoLease } from '../../core/sync/demo-sandbox.ts';
import { shopToday } from '../../core/sync/engine.ts';
import { DateTime } from 'luxon';
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
 * The demo shop asked for. The same seed, size, history and shop as last time is the same shop: it
 * keeps its first day and has simply gone on trading since (decisions on it survive); anything else
 * starts a new one whose history ends today.
 */
function demoWorld(
  previous: DemoWorld | null,
  opts: DemoOptions,
  shop: { timeZone: string; currency: string },
  today: string,
): DemoWorld {
  const days = opts.days ?? 60;
  const firstDay =
    DateTime.fromISO(today, { zone: shop.timeZone })
      .minus({ days: days - 1 })
      .toISODate() ?? today;
  const world = { seed: opts.seed ?? 1, salesPerDay: opts.salesPerDay ?? 120, days, ...shop, firstDay };
  const same = previous && JSON.stringify({ ...previous, firstDay }) === JSON.stringify(world);
  return same && previous.firstDay <= today ? previous : world;
}

/**
 * `posrecon demo`: records which demo shop this home has, points a demo connection per provider at
 * the embedded sandbox that serves it (published, non-secret credentials: no keychain needed), syncs
 * everything into the home's cache and prints what arrived. The sandbox is not needed afterwards:
 * every later sync or test of a demo connection (CLI, browser mode, app) starts it again in-process,
 * its world brought up to the clock.
 */
export async function runDemo(
  home: string,
  opts: DemoOptions,
  io: CliIo & { signal: AbortSignal; now?: () => Date },
): Promise<number> {
  const core = await createCliCore(home, { now: io.now });
  let lease: DemoLease | null = null;
  try {
    const { timeZone, currency } = readSettings(core.store.db);
    const today = shopToday(timeZone, io.now?.());
    const spec = demoWorld(readDemoWorld(core.store.db), opts, { timeZone, currency }, today);
    if (!opts.json)
      io.stderr.write(`Starting the demo shop (seed ${spec.seed}, trading since ${spec.firstDay})…\n`);
    lease = await core.demo.acquire(spec);
    const { sandbox } = lease;
    const world = sandbox.world.options;
    const connectors = Object.values(CONNECTORS).filter((c) => c !== undefined);
    const ids = prepareDemoConnections(core.store.db, connectors, sandbox, spec, 'cli');
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
        world: {
          seed: world.seed,
          days: world.days,
          firstDay: world.firstDay,
          today,
          groundTruthPath: sandbox.groundTruthPath,
        },
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
    lease?.release();
    core.close();
  }
}
