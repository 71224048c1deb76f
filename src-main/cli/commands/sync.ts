import cliProgress from 'cli-progress';
import type { SyncReport } from '../../core/api/schemas.ts';
import { type Core, type CoreOptions, createCore } from '../../core/core.ts';
import type { CredentialStore } from '../../core/credentials/credential-store.ts';
import { getConnectionByName, listConnections } from '../../core/store/queries/connections.ts';
import type { SyncProgress } from '../../core/sync/progress.ts';
import { credentialStoreSecretSource, demoAwareSecretSource } from '../../core/sync/secret-source.ts';
import { logFile } from '../../core/log/file-log.ts';
import { type CliIo, EXIT, printError, printJson, printLine } from '../output.ts';

export interface SyncCommandOptions {
  json: boolean;
  connections: string[];
  all: boolean;
  since: string | null;
}

/** The keychain module loads a native addon; only connections that need a secret pay for it. */
const lazyKeychain: Pick<CredentialStore, 'get'> = {
  async get(connectionId) {
    const { OsKeychainCredentialStore } =
      await import('../../core/credentials/os-keychain-credential-store.ts');
    return new OsKeychainCredentialStore().get(connectionId);
  },
};

/** The CLI's core: same services as the app's, secrets from the OS keychain (demo ones published). */
export function createCliCore(
  home: string,
  options: Pick<CoreOptions, 'syncTuning' | 'now'> = {},
): Promise<Core> {
  return createCore({
    home,
    actor: 'cli',
    ...options,
    secrets: demoAwareSecretSource(credentialStoreSecretSource(lazyKeychain)),
    // The stack goes to the log file (createCore writes it there); the terminal gets one line.
    onInternalError: (op, err) =>
      process.stderr.write(
        `posrecon: ${op}: ${(err as Error)?.message ?? String(err)} (details in ${logFile(home)})\n`,
      ),
  });
}

/**
 * Progress on stderr: a bar per stream on a terminal, one line per finished stream otherwise (logs),
 * nothing with --json (stdout holds exactly one JSON document; stderr stays quiet for scripts).
 */
export function progressReporter(
  io: CliIo,
  json: boolean,
): { onProgress: (p: SyncProgress) => void; stop(): void } {
  if (json) return { onProgress: () => {}, stop: () => {} };
  const tty = (io.stderr as NodeJS.WritableStream & { isTTY?: boolean }).isTTY === true;
  if (!tty) {
    return {
      onProgress: (p) => {
        if (p.done)
          io.stderr.write(`${p.connectionName} ${p.stream}: ${p.records} records in ${p.pages} pages\n`);
      },
      stop: () => {},
    };
  }
  const multi = new cliProgress.MultiBar(
    {
      stream: io.stderr as NodeJS.WriteStream,
      format: '{label} |{bar}| {value}/{total} records  {rate}/s  ETA {eta_text}',
      hideCursor: true,
      clearOnComplete: false,
    },
    cliProgress.Presets.shades_classic,
  );
  const bars = new Map<string, cliProgress.SingleBar>();
  return {
    onProgress: (p) => {
      const key = `${p.connectionId}/${p.stream}`;
      const total = Math.max(p.totalHint ?? p.records, p.records, 1);
      const payload = {
        label: `${p.connectionName} ${p.stream}`.padEnd(28).slice(0, 28),
        rate: p.ratePerSecond.toFixed(0),
        eta_text: p.done ? 'done' : p.etaSeconds === null ? '?' : `${p.etaSeconds}s`,
      };
      let bar = bars.get(key);
      if (!bar) bars.set(key, (bar = multi.create(total, 0, payload)));
      bar.setTotal(p.done ? Math.max(p.records, 1) : total);
      bar.update(p.done ? Math.max(p.records, 1) : p.records, payload);
    },
    stop: () => multi.stop(),
  };
}

/** 1 when any connection failed or was cancelled, else 3 when records sit in quarantine, else 0. */
export function exitCodeFor(reports: readonly SyncReport[]): number {
  if (reports.some((r) => r.status === 'failed' || r.status === 'cancelled')) return EXIT.FAILURE;
  if (reports.some((r) => r.status === 'partial')) return EXIT.PARTIAL;
  return EXIT.OK;
}

export function printReports(io: CliIo, reports: readonly SyncReport[]): void {
  for (const r of reports) {
    const counts = `${r.records} records: ${r.inserted} new, ${r.updated} changed, ${r.unchanged} unchanged`;
    const quarantine = r.quarantinedTotal ? `, ${r.quarantinedTotal} quarantined` : '';
    printLine(io, `${r.connectionName} (${r.provider}): ${r.status}, ${counts}${quarantine}`);
    if (r.error) printLine(io, `  ${r.error}`);
  }
}

/** `posrecon sync`: runs the engine in-process against the home's cache. */
export async function runSync(
  home: string,
  opts: SyncCommandOptions,
  io: CliIo & { signal: AbortSignal; now?: () => Date },
): Promise<number> {
  if (opts.all && opts.connections.length) {
    printError(io, opts.json, 'USAGE', 'Use either --connection or --all, not both.');
    return EXIT.USAGE;
  }
  const core = await createCliCore(home, { now: io.now });
  try {
    const ids: string[] = [];
    for (const name of opts.connections) {
      const c = getConnectionByName(core.store.db, name);
      if (!c) {
        const known = listConnections(core.store.db).map((k) => k.name);
        const hint = known.length
          ? `Known connections: ${known.join(', ')}.`
          : 'There are no connections yet.';
        printError(io, opts.json, 'NOT_FOUND', `No connection named "${name}". ${hint}`);
        return EXIT.USAGE;
      }
      ids.push(c.id);
    }
    if (listConnections(core.store.db).length === 0) {
      printError(io, opts.json, 'NO_CONNECTIONS', 'There are no connections to sync. Try `posrecon demo`.');
      return EXIT.FAILURE;
    }
    const progress = progressReporter(io, opts.json);
    let reports: SyncReport[];
    try {
      reports = await core.sync.start({
        connectionIds: ids.length ? ids : undefined,
        since: opts.since,
        signal: io.signal,
        onProgress: progress.onProgress,
      });
    } finally {
      progress.stop();
    }
    const code = exitCodeFor(reports);
    // The sync reconciled the days it touched; the nightly job's log says what now needs a person.
    const { totals, classes, warnings } = core.reconcile.summary({});
    const open = classes.filter((c) => c.count > 0 && c.class !== 'mistyped_reference');
    const reconciliation = {
      review: totals.review,
      unmatched: totals.unmatched,
      unmatchedPayments: totals.unmatchedPayments,
      discrepancies: open.reduce((s, c) => s + c.count, 0),
      warnings,
    };
    if (opts.json) printJson(io, { ok: code === EXIT.OK, reports, reconciliation });
    else {
      printReports(io, reports);
      printLine(
        io,
        `Reconciliation: ${reconciliation.review} sales wait for a decision, ${reconciliation.unmatched} have no payment, ${reconciliation.unmatchedPayments} payments have no sale; ${reconciliation.discrepancies} discrepancies (posrecon reconcile shows them).`,
      );
    }
    return code;
  } finally {
    core.close();
  }
}
