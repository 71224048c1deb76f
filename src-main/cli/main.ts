import { Command, CommanderError, InvalidArgumentError, Option } from 'commander';
import { resolveHome } from '../core/home.ts';
import { APP_VERSION } from '../core/version.ts';
import { isIsoDate } from '../core/model/time.ts';
import { TRANSACTION_KINDS } from '../core/model/transaction.ts';
import { resolveFaults } from '../core/sandbox/faults/fault-config.ts';
import { runDbCheck } from './commands/db-check.ts';
import { runDemo } from './commands/demo.ts';
import { runExport, runReopen } from './commands/export.ts';
import { runSandboxCommand } from './commands/sandbox.ts';
import { runReconcileDecision, runReconcileList, runReconcileSummary } from './commands/reconcile.ts';
import { runMcp } from './commands/mcp.ts';
import { runReport } from './commands/report.ts';
import { runSearch, type SearchOptions } from './commands/search.ts';
import { runServe } from './commands/serve.ts';
import { runSync } from './commands/sync.ts';
import { addQuarantineCommands } from './commands/quarantine.ts';
import {
  runConnectionsAdd,
  runConnectionsList,
  runConnectionsRemove,
  runConnectionsTest,
  runConnectionsUpdate,
} from './commands/connections.ts';
import type { CliInput } from './commands/secret-input.ts';
import { type CliIo, EXIT, printError } from './output.ts';
import { AppError } from '../core/model/app-error.ts';
import { StoreError } from '../core/store/store-error.ts';

export interface CliContext extends CliIo {
  env: NodeJS.ProcessEnv;
  signal: AbortSignal;
  /** Where secrets are read from (`--secret-stdin` or a hidden prompt); default process.stdin. */
  stdin?: CliInput;
  /** The clock (default: the system's); tests move it to see the demo shop trade on. */
  now?: () => Date;
}

interface GlobalOptions {
  home?: string;
  json?: boolean;
}

function parsePort(value: string): number {
  const port = Number(value);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new InvalidArgumentError('must be a port number between 0 and 65535');
  }
  return port;
}

function parseDate(value: string): string {
  if (!isIsoDate(value))
    throw new InvalidArgumentError('must be a calendar date written YYYY-MM-DD, such as 2026-11-30');
  return value;
}

/** A fault profile is checked while the line is read, so a typo fails before any world is built. */
function parseFaults(value: string): string {
  try {
    resolveFaults(value);
  } catch (err) {
    throw new InvalidArgumentError((err as Error).message);
  }
  return value;
}

function parseCount(min: number) {
  return (value: string): number => {
    const n = Number(value);
    if (!Number.isInteger(n) || n < min)
      throw new InvalidArgumentError(`must be a whole number of at least ${min}`);
    return n;
  };
}

function collect(value: string, previous: string[] = []): string[] {
  return [...previous, value];
}

function parseLimit(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1 || n > 500)
    throw new InvalidArgumentError('must be a whole number from 1 to 500');
  return n;
}

/** Every command takes --home and --json, wherever they appear on the line. */
function common(cmd: Command): Command {
  return cmd
    .addOption(new Option('--home <dir>', 'data directory (default: $POSRECON_HOME or the app-data folder)'))
    .addOption(new Option('--json', 'print one JSON document instead of text'));
}

function buildProgram(ctx: CliContext, setExit: (code: number) => void): Command {
  const program = common(new Command('posrecon'))
    .description('Point-of-sale reconciliation: sync, search, match and export provider data.')
    .version(APP_VERSION, '-v, --version', 'print the version')
    .exitOverride()
    .showHelpAfterError()
    .configureOutput({ writeOut: (s) => ctx.stdout.write(s), writeErr: (s) => ctx.stderr.write(s) });

  const home = (cmd: Command): { home: string; json: boolean } => {
    const o = cmd.optsWithGlobals<GlobalOptions>();
    return { home: resolveHome(o.home, ctx.env), json: o.json ?? false };
  };

  common(program.command('serve'))
    .description('serve the app to a browser on 127.0.0.1 (browser mode)')
    .option('--port <n>', 'port to listen on (default: any free port)', parsePort)
    .action(async (opts: { port?: number }, cmd: Command) => {
      const g = home(cmd);
      setExit(await runServe(g.home, { port: opts.port, json: g.json }, ctx));
    });

  common(program.command('search'))
    .description(
      'search the cached transactions: free text (names, phones, emails, references, lines) and filters',
    )
    .argument('[text]', 'words that must each match the start of a name, reference, id or line')
    .option('--from <date>', 'first business date (YYYY-MM-DD)', parseDate)
    .option('--to <date>', 'last business date (YYYY-MM-DD)', parseDate)
    .option('--provider <ids...>', 'sentrypos, vipps, tgi, sensepass, cents (comma-separated or repeated)')
    .option(
      '--kind <kinds...>',
      `kind of money: ${TRANSACTION_KINDS.join(', ')} (payment means capture; comma-separated or repeated)`,
    )
    .option('--status <statuses...>', 'normalized status: completed, refunded, failed, disputed, …')
    .option('--currency <code>', 'ISO 4217 code; --min/--max are in this currency')
    .option('--min <amount>', 'smallest amount, a decimal such as 100 or -50.5')
    .option('--max <amount>', 'largest amount, a decimal')
    .addOption(
      new Option('--sort <order>', 'newest first (the default), oldest first, or by amount').choices([
        'time_desc',
        'time_asc',
        'amount_desc',
        'amount_asc',
      ]),
    )
    .option('--limit <n>', 'rows to print (1-500)', parseLimit, 50)
    .action(async (text: string | undefined, opts: Omit<SearchOptions, 'json'>, cmd: Command) => {
      const g = home(cmd);
      setExit(await runSearch(g.home, text, { ...opts, json: g.json }, ctx));
    });

  const db = common(program.command('db')).description('inspect the local cache');
  common(db.command('check'))
    .description('check the database file for damage and report its schema version')
    .option('--full', 'run the full integrity_check instead of quick_check')
    .action(async (opts: { full?: boolean }, cmd: Command) => {
      const g = home(cmd);
      setExit(await runDbCheck(g.home, { json: g.json, full: opts.full ?? false }, ctx));
    });

  common(program.command('sync'))
    .description('fetch new and changed records from every connection (or the named ones) into the cache')
    .option('--connection <name>', 'sync only this connection (repeatable)', collect, [])
    .option('--all', 'sync every connection (the default)')
    .option(
      '--since <date>',
      'fetch again from this date (YYYY-MM-DD), whatever was synced before',
      parseDate,
    )
    .action(async (opts: { connection: string[]; all?: boolean; since?: string }, cmd: Command) => {
      const g = home(cmd);
      setExit(
        await runSync(
          g.home,
          { json: g.json, connections: opts.connection, all: opts.all ?? false, since: opts.since ?? null },
          ctx,
        ),
      );
    });

  common(program.command('demo'))
    .description(
      'sync a simulated shop from the built-in sandbox into the cache (no accounts or keychain needed)',
    )
    .option('--seed <n>', 'world seed (default 1)', parseCount(0))
    .option('--days <n>', 'days of history (default 60)', parseCount(1))
    .addOption(
      new Option('--sales-per-day <n>', 'sales per day (default 120)').argParser(parseCount(0)).hideHelp(),
    )
    .action(async (opts: { seed?: number; days?: number; salesPerDay?: number }, cmd: Command) => {
      const g = home(cmd);
      setExit(await runDemo(g.home, { json: g.json, ...opts }, ctx));
    });

  common(program.command('export'))
    .description(
      "write a period's workbook for the accountant (or CSV files), from one snapshot of the cache",
    )
    .option('--from <date>', 'first business day, YYYY-MM-DD')
    .option('--to <date>', 'last business day, YYYY-MM-DD')
    .option('--format <xlsx|csv>', 'xlsx (default) or csv (one file per sheet)', 'xlsx')
    .option('--sheets <list>', 'comma-separated: summary,sales,payments,daily,payouts,discrepancies,journal')
    .option('--out <path>', 'the file to write (default: posrecon-FROM-to-TO.xlsx here)')
    .option('--locale <tag>', 'CSV delimiter and decimal mark (nb-NO: ; and ,)', 'en-GB')
    .option(
      '--close',
      'close the books for the period once its workbook is written (decisions on its days freeze)',
    )
    .action(
      async (
        opts: {
          from?: string;
          to?: string;
          format: string;
          sheets?: string;
          out?: string;
          locale?: string;
          close?: boolean;
        },
        cmd: Command,
      ) => {
        const g = home(cmd);
        setExit(await runExport(g.home, { json: g.json, ...opts }, ctx));
      },
    );

  common(program.command('reopen'))
    .description('reopen the latest closed period, saying why (audited); --list shows every close')
    .option('--from <date>', 'first day of the closed period, YYYY-MM-DD')
    .option('--to <date>', 'last day of the closed period, YYYY-MM-DD')
    .option('--reason <text>', 'why it is reopened (required)')
    .option('--list', 'list the periods closed and reopened')
    .action(async (opts: { from?: string; to?: string; reason?: string; list?: boolean }, cmd: Command) => {
      const g = home(cmd);
      setExit(await runReopen(g.home, { json: g.json, ...opts }, ctx));
    });

  common(program.command('report'))
    .description(
      "the period's sales figures, as the Dashboard shows them: revenue and growth, best days, networks, failed payments",
    )
    .addOption(
      new Option('--period <preset>', 'which days')
        .choices(['today', 'yesterday', 'last7', 'last30', 'thisMonth', 'lastMonth'])
        .default('last30'),
    )
    .option('--from <date>', 'first business day (YYYY-MM-DD), with --to', parseDate)
    .option('--to <date>', 'last business day (YYYY-MM-DD), with --from', parseDate)
    .action(async (opts: { period: string; from?: string; to?: string }, cmd: Command) => {
      const g = home(cmd);
      setExit(await runReport(g.home, { ...opts, json: g.json }, ctx));
    });

  program
    .command('mcp')
    .description(
      "a read-only Model Context Protocol server on stdin/stdout for AI agents: the report, search, a record's chain, the reconciliation summary",
    )
    .addOption(new Option('--home <dir>', 'data directory (default: $POSRECON_HOME or the app-data folder)'))
    .action(async (_opts: unknown, cmd: Command) => {
      const g = home(cmd);
      setExit(await runMcp(g.home, { stdin: process.stdin, stdout: process.stdout, signal: ctx.signal }));
    });

  const reconcile = common(program.command('reconcile')).description(
    'link sales to payments and payouts, and show what does not add up (offline, on the cache)',
  );
  common(reconcile.command('summary', { isDefault: true }))
    .description('bring reconciliation up to date with the cache and print the summary (the default)')
    .option('--from <date>', 'first business date (YYYY-MM-DD)', parseDate)
    .option('--to <date>', 'last business date (YYYY-MM-DD)', parseDate)
    .option('--full', 'rebuild every day, not only the days syncs changed')
    .action(async (opts: { from?: string; to?: string; full?: boolean }, cmd: Command) => {
      const g = home(cmd);
      setExit(await runReconcileSummary(g.home, { ...opts, json: g.json }, ctx));
    });
  common(reconcile.command('list'))
    .description('list sales in review or unmatched, or the discrepancies')
    .addOption(
      new Option('--state <state>', 'what to list')
        .choices(['review', 'unmatched', 'discrepancy', 'linked', 'explained'])
        .default('review'),
    )
    .option('--class <class>', 'one discrepancy class, e.g. sale_without_payment')
    .option('--from <date>', 'first business date (YYYY-MM-DD)', parseDate)
    .option('--to <date>', 'last business date (YYYY-MM-DD)', parseDate)
    .option('--limit <n>', 'rows to print (1-500)', parseLimit, 50)
    .option('--cursor <c>', 'the next page, as the previous page printed it')
    .action(
      async (
        opts: { state: string; class?: string; from?: string; to?: string; limit: number; cursor?: string },
        cmd: Command,
      ) => {
        const g = home(cmd);
        setExit(await runReconcileList(g.home, { ...opts, json: g.json }, ctx));
      },
    );
  common(reconcile.command('explain <key>'))
    .description('why a sale is linked as it is: each field of the score, and why the runner-up lost')
    .action(async (key: string, _opts: unknown, cmd: Command) => {
      const g = home(cmd);
      setExit(await runReconcileDecision(g.home, { action: 'explain', key, json: g.json }, ctx));
    });
  for (const action of ['accept', 'reject', 'link', 'unlink'] as const) {
    common(reconcile.command(`${action} <key>`))
      .description(
        {
          accept: "accept a sale's suggested payment(s)",
          reject: "reject a sale's suggested payment(s): they are never suggested again",
          link: 'link a payment to a sale by hand',
          unlink: 'take a payment out of a sale',
        }[action],
      )
      .option('--payment <id>', 'the payment record (required for link and unlink)', parseCount(1))
      .option('--version <v>', 'the version shown with the sale: refused if a sync changed it since')
      .option('--note <text>', 'why, for the audit log')
      .action(
        async (key: string, opts: { payment?: number; version?: string; note?: string }, cmd: Command) => {
          const g = home(cmd);
          setExit(await runReconcileDecision(g.home, { action, key, ...opts, json: g.json }, ctx));
        },
      );
  }
  common(reconcile.command('undo'))
    .description('undo the latest decision (or the one given)')
    .option('--decision <id>', 'a decision id', parseCount(1))
    .action(async (opts: { decision?: number }, cmd: Command) => {
      const g = home(cmd);
      setExit(await runReconcileDecision(g.home, { action: 'undo', ...opts, json: g.json }, ctx));
    });

  common(program.command('sandbox'))
    .description('serve the five provider emulators on 127.0.0.1 with published demo credentials')
    .option('--port <n>', 'port to listen on (default: any free port)', parsePort)
    .option('--seed <n>', 'world seed', parseCount(0), 1)
    .option('--days <n>', 'days of history', parseCount(1), 60)
    .option('--sales-per-day <n>', 'sales per day', parseCount(0), 120)
    .option(
      '--faults <profile>',
      'fault profile: none, flaky, all, changing (comma-separated to combine)',
      parseFaults,
    )
    .action(
      async (
        opts: { port?: number; seed: number; days: number; salesPerDay: number; faults?: string },
        cmd: Command,
      ) => {
        setExit(await runSandboxCommand({ ...opts, json: home(cmd).json }, ctx));
      },
    );

  addConnectionsCommands(program, ctx, home, setExit);
  addQuarantineCommands(program, common, home, setExit, ctx);
  return program;
}

function addConnectionsCommands(
  program: Command,
  ctx: CliContext,
  home: (cmd: Command) => { home: string; json: boolean },
  setExit: (code: number) => void,
): void {
  const io = { stdout: ctx.stdout, stderr: ctx.stderr, stdin: ctx.stdin ?? process.stdin, env: ctx.env };
  const connections = common(program.command('connections')).description(
    'add, list, update, test and remove provider connections (secrets go to the OS keychain)',
  );
  common(connections.command('add'))
    .description('add a connection; the secret is read from stdin or a hidden prompt, never from arguments')
    .argument('<provider>', 'sentrypos, vipps, tgi, sensepass or cents')
    .requiredOption('--name <name>', 'a name for the connection')
    .option('--base-url <url>', "the API address (default: the provider's production URL)")
    .option('--set <key=value>', 'another non-secret setting, e.g. clientId=… (repeatable)', collect, [])
    .option('--secret-stdin', 'read the secret from stdin: the value, or key=value lines for several fields')
    .action(
      async (
        provider: string,
        opts: { name: string; baseUrl?: string; set: string[]; secretStdin?: boolean },
        cmd: Command,
      ) => {
        const g = home(cmd);
        const options = { ...opts, json: g.json, secretStdin: opts.secretStdin ?? false };
        setExit(await runConnectionsAdd(g.home, provider, options, io));
      },
    );
  common(connections.command('list'))
    .description('list connections with their state and whether a secret is saved')
    .action(async (_opts: unknown, cmd: Command) => {
      const g = home(cmd);
      setExit(await runConnectionsList(g.home, { json: g.json }, io));
    });
  common(connections.command('update'))
    .description('change a connection; a new address needs its secret again (--secret-stdin)')
    .argument('<name>', 'the connection')
    .option('--rename <name>', 'a new name for the connection')
    .option('--base-url <url>', 'a new API address')
    .option('--set <key=value>', 'another non-secret setting to change (repeatable)', collect, [])
    .option('--secret-stdin', 'read a new secret from stdin, as for add')
    .action(
      async (
        name: string,
        opts: { rename?: string; baseUrl?: string; set: string[]; secretStdin?: boolean },
        cmd: Command,
      ) => {
        const g = home(cmd);
        const options = { ...opts, json: g.json, secretStdin: opts.secretStdin ?? false };
        setExit(await runConnectionsUpdate(g.home, name, options, io));
      },
    );
  common(connections.command('test'))
    .description('make one authenticated request and report the result in plain words')
    .argument('<name>', 'the connection')
    .action(async (name: string, _opts: unknown, cmd: Command) => {
      const g = home(cmd);
      setExit(await runConnectionsTest(g.home, name, { json: g.json }, io));
    });
  common(connections.command('remove'))
    .description('remove a connection, its keychain entry and (with confirmation) its cached records')
    .argument('<name>', 'the connection')
    .option('--yes', 'confirm deleting its cached records')
    .action(async (name: string, opts: { yes?: boolean }, cmd: Command) => {
      const g = home(cmd);
      setExit(await runConnectionsRemove(g.home, name, { json: g.json, yes: opts.yes ?? false }, io));
    });
}

/** Runs the CLI in-process and returns its exit code; tests call this directly. */
export async function runCli(argv: string[], ctx: CliContext): Promise<number> {
  let exitCode: number = EXIT.OK;
  const program = buildProgram(ctx, (code) => (exitCode = code));
  if (argv.length === 0) {
    program.outputHelp({ error: true });
    return EXIT.USAGE;
  }
  try {
    await program.parseAsync(argv, { from: 'user' });
  } catch (err) {
    if (err instanceof CommanderError) {
      if (err.code === 'commander.helpDisplayed' || err.code === 'commander.version') return EXIT.OK;
      // Unknown commands and flags, missing or bad arguments: usage was printed; 2 as is customary.
      return EXIT.USAGE;
    }
    // A cache that cannot be used (foreign, damaged, read-only, too new) is an expected failure:
    // its message already says what to do, so it is one line, never a stack.
    if (err instanceof StoreError || err instanceof AppError) {
      printError(ctx, program.opts<GlobalOptions>().json ?? argv.includes('--json'), err.code, err.message);
      return EXIT.FAILURE;
    }
    throw err;
  }
  return exitCode;
}

export async function main(): Promise<void> {
  const controller = new AbortController();
  for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => controller.abort());
  try {
    process.exitCode = await runCli(process.argv.slice(2), {
      stdout: process.stdout,
      stderr: process.stderr,
      env: process.env,
      signal: controller.signal,
    });
  } catch (err) {
    process.stderr.write(`posrecon: ${(err as Error).message}\n`);
    process.exitCode = EXIT.FAILURE;
  }
}

if (import.meta.main) await main();
