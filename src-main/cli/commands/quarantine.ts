import { type Command, InvalidArgumentError } from 'commander';
import type { OperationOutput } from '../../core/api/contract.ts';
import type { Core } from '../../core/core.ts';
import { getConnectionByName, listConnections } from '../../core/store/queries/connections.ts';
import type { QuarantineItem } from '../../core/sync/quarantine-schemas.ts';
import { type CliIo, EXIT, printError, printJson, printLine } from '../output.ts';
import { createCliCore, printReports, progressReporter } from './sync.ts';
import { type TextClock, textClock } from './text-clock.ts';
import type { common, Home } from '../options.ts';

type Common = typeof common;

interface Ctx extends CliIo {
  signal: AbortSignal;
}

function parseId(value: string, previous: number[] = []): number[] {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError('must be a record number from the list');
  return [...previous, n];
}

/** The connection's id, or undefined for all; null (after printing why) when no such name exists. */
function connectionId(
  core: Core,
  io: CliIo,
  json: boolean,
  name: string | undefined,
): string | undefined | null {
  if (name === undefined) return undefined;
  const c = getConnectionByName(core.store.db, name);
  if (c) return c.id;
  const known = listConnections(core.store.db).map((k) => k.name);
  printError(io, json, 'NOT_FOUND', `No connection named "${name}". Known connections: ${known.join(', ')}.`);
  return null;
}

function printItem(io: CliIo, q: QuarantineItem, clock: TextClock): void {
  const day = q.day ? `day ${clock.date(q.day)}` : 'day unknown';
  printLine(
    io,
    `#${q.id}  ${q.connectionName} (${q.stream})  ${day}  first seen ${clock.time(q.firstSeenAt)}`,
  );
  printLine(io, `     ${q.reason}`);
  if (q.dismissedAt) printLine(io, `     Dismissed ${clock.time(q.dismissedAt)}: ${q.dismissedReason ?? ''}`);
  printLine(io, `     Sent: ${JSON.stringify(q.raw)}`);
}

async function withCore(home: string, fn: (core: Core) => Promise<number>): Promise<number> {
  const core = await createCliCore(home);
  try {
    return await fn(core);
  } finally {
    core.close();
  }
}

async function runList(
  home: string,
  o: { json: boolean; connection?: string; all: boolean },
  io: CliIo,
): Promise<number> {
  return withCore(home, async (core) => {
    const id = connectionId(core, io, o.json, o.connection);
    if (id === null) return EXIT.USAGE;
    const r = await core.dispatch('quarantine:list', { connectionId: id, includeDismissed: o.all });
    if (!r.ok) return (printError(io, o.json, r.error.code, r.error.message), EXIT.FAILURE);
    if (o.json) return (printJson(io, r.value), EXIT.OK);
    const { items } = r.value as OperationOutput<'quarantine:list'>;
    if (!items.length)
      return (printLine(io, 'Nothing waits in quarantine: every record was stored.'), EXIT.OK);
    const waiting = items.filter((q) => !q.dismissedAt).length;
    printLine(io, `${waiting} record${waiting === 1 ? '' : 's'} could not be stored and wait in quarantine.`);
    const clock = textClock(core.store.db, io.env);
    for (const q of items) {
      printLine(io);
      printItem(io, q, clock);
    }
    printLine(io);
    printLine(io, 'Every sync tries these again. To try now: posrecon quarantine retry');
    printLine(io, 'To let one go: posrecon quarantine dismiss <#> --reason "why"');
    return EXIT.OK;
  });
}

async function runRetry(
  home: string,
  o: { json: boolean; connection?: string; id: number[] },
  io: Ctx,
): Promise<number> {
  return withCore(home, async (core) => {
    const id = connectionId(core, io, o.json, o.connection);
    if (id === null) return EXIT.USAGE;
    const progress = progressReporter(io, o.json);
    try {
      const input = { connectionId: id, ids: o.id.length ? o.id : undefined };
      const r = await core.quarantine.retry(input, { signal: io.signal, onProgress: progress.onProgress });
      progress.stop();
      if (o.json) printJson(io, r);
      else if (r.retried === 0) printLine(io, 'Nothing waits in quarantine.');
      else {
        printReports(io, r.reports);
        printLine(io, `Retried ${r.retried}: ${r.stored} stored now, ${r.remaining} still in quarantine.`);
      }
      return r.remaining > 0 ? EXIT.PARTIAL : EXIT.OK;
    } catch (err) {
      progress.stop();
      throw err;
    }
  });
}

async function runDismiss(
  home: string,
  o: { json: boolean; ids: number[]; reason: string },
  io: CliIo,
): Promise<number> {
  return withCore(home, async (core) => {
    const r = await core.dispatch('quarantine:dismiss', { ids: o.ids, reason: o.reason });
    if (!r.ok) {
      // The contract's field message says what is missing ("Say why …"), not the zod summary.
      const details = r.error.details as { fieldErrors?: Record<string, string[]> } | undefined;
      const message = details?.fieldErrors?.reason?.[0] ?? r.error.message;
      printError(io, o.json, r.error.code, message);
      return EXIT.FAILURE;
    }
    if (o.json) printJson(io, r.value);
    else {
      const { dismissed } = r.value as OperationOutput<'quarantine:dismiss'>;
      printLine(io, `Dismissed ${dismissed}; the reason is in the audit log.`);
    }
    return EXIT.OK;
  });
}

/** `posrecon quarantine list|retry|dismiss`. */
export function addQuarantineCommands(
  program: Command,
  common: Common,
  home: Home,
  setExit: (code: number) => void,
  ctx: Ctx,
): void {
  const q = common(program.command('quarantine')).description(
    'records a sync could not store: see why, try them again, or let them go',
  );
  common(q.command('list', { isDefault: true }))
    .description('list the records waiting in quarantine, with the reason and what the provider sent')
    .option('--connection <name>', 'only this connection')
    .option('--all', 'include dismissed records')
    .action(async (opts: { connection?: string; all?: boolean }, cmd: Command) => {
      const g = home(cmd);
      setExit(
        await runList(g.home, { json: g.json, connection: opts.connection, all: opts.all ?? false }, ctx),
      );
    });
  common(q.command('retry'))
    .description("sync the records' connections again now, reading from the records' days")
    .option('--connection <name>', 'only this connection')
    .option('--id <#>', 'only this record (repeatable)', parseId, [])
    .action(async (opts: { connection?: string; id: number[] }, cmd: Command) => {
      const g = home(cmd);
      setExit(await runRetry(g.home, { json: g.json, ...opts }, ctx));
    });
  common(q.command('dismiss'))
    .description('let records go: they stop counting as missing; the reason goes into the audit log')
    .argument('<ids...>', 'record numbers from the list')
    .option('--reason <text>', 'why they can be let go (required)')
    .action(async (ids: string[], opts: { reason?: string }, cmd: Command) => {
      const g = home(cmd);
      const numbers = ids.reduce<number[]>((acc, v) => parseId(v, acc), []);
      setExit(await runDismiss(g.home, { json: g.json, ids: numbers, reason: opts.reason ?? '' }, ctx));
    });
}
