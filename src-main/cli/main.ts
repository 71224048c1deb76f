import { Command, CommanderError, Option } from 'commander';
import { resolveHome } from '../core/home.ts';
import { APP_VERSION } from '../core/version.ts';
import { TRANSACTION_KINDS } from '../core/model/transaction.ts';
import { runDbCheck } from './commands/db-check.ts';
import { runDemo } from './commands/demo.ts';
import { runExport, runReopen } from './commands/export.ts';
import { runSandboxCommand } from './commands/sandbox.ts';
import { addReconcileCommands } from './commands/reconcile-commands.ts';
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
import { collect, common, parseCount, parseDate, parseFaults, parseLimit, parsePort } from './options.ts';
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

  addReconcileCommands(program, home, setExit, ctx);

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
  // A reader that stops early (`posrecon search | head`) closes the pipe: that ends the output, it is
  // no failure, and a stack trace would be noise on the reader's terminal.
  process.stdout.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code !== 'EPIPE') throw err;
    process.exit(EXIT.OK);
  });
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
