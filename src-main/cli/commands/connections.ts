import type { ApiErrorBody, OperationName, OperationOutput } from '../../core/api/contract.ts';
import type { ConnectionView, ProviderDescription } from '../../core/connections/connection-schemas.ts';
import type { Core } from '../../core/core.ts';
import { type CliIo, EXIT, printError, printJson, printLine } from '../output.ts';
import { type CliInput, confirm, parseSecretText, promptHidden, readAll } from './secret-input.ts';
import { createCliCore } from './sync.ts';
import { textClock } from './text-clock.ts';

export interface ConnectionsIo extends CliIo {
  stdin: CliInput;
}

export interface AddOptions {
  json: boolean;
  name: string;
  baseUrl?: string;
  set: string[];
  secretStdin: boolean;
}

class CommandFailed extends Error {
  readonly code: string;
  readonly exit: number;
  readonly details: unknown;
  constructor(error: ApiErrorBody, exit: number = EXIT.FAILURE) {
    super(error.message);
    this.code = error.code;
    this.exit = exit;
    this.details = error.details;
  }
}

async function call<N extends OperationName>(core: Core, op: N, input: unknown): Promise<OperationOutput<N>> {
  const result = await core.dispatch(op, input);
  if (!result.ok) throw new CommandFailed(result.error);
  return result.value as OperationOutput<N>;
}

/** Opens the home's core, runs `work`, and turns every failure into a message and an exit code. */
async function withCore(home: string, json: boolean, io: CliIo, work: (core: Core) => Promise<number>) {
  const core = await createCliCore(home);
  try {
    return await work(core);
  } catch (err) {
    if (!(err instanceof CommandFailed)) throw err;
    const fields = (err.details as { fieldErrors?: Record<string, string[]> } | undefined)?.fieldErrors ?? {};
    const lines = Object.entries(fields).map(([field, messages]) => `  ${field}: ${messages.join(' ')}`);
    printError(io, json, err.code, [err.message, ...lines].join('\n'));
    return err.exit;
  } finally {
    core.close();
  }
}

function byName(connections: readonly ConnectionView[], name: string): ConnectionView {
  const found = connections.find((c) => c.name === name);
  if (found) return found;
  const known = connections.map((c) => c.name);
  const hint = known.length ? `Known connections: ${known.join(', ')}.` : 'There are no connections yet.';
  throw new CommandFailed(
    { code: 'NOT_FOUND', message: `No connection named "${name}". ${hint}` },
    EXIT.USAGE,
  );
}

/** `--set key=value` pairs; a secret's name is refused by the core without its value being echoed. */
function settingsFrom(opts: Pick<AddOptions, 'baseUrl' | 'set'>): Record<string, string> {
  const config: Record<string, string> = {};
  for (const pair of opts.set) {
    const at = pair.indexOf('=');
    if (at <= 0) {
      throw new CommandFailed({ code: 'USAGE', message: 'Each --set takes key=value.' }, EXIT.USAGE);
    }
    config[pair.slice(0, at).trim()] = pair.slice(at + 1);
  }
  if (opts.baseUrl !== undefined) config.baseUrl = opts.baseUrl;
  return config;
}

/** The secret from stdin (`--secret-stdin`) or, on a terminal, from a prompt that does not echo. */
async function readSecret(
  provider: ProviderDescription,
  secretStdin: boolean,
  io: ConnectionsIo,
): Promise<Record<string, string>> {
  if (secretStdin) {
    const parsed = parseSecretText(await readAll(io.stdin), provider.secretFields);
    if (!parsed.ok) throw new CommandFailed({ code: 'BAD_SECRET', message: parsed.message }, EXIT.USAGE);
    return parsed.secret;
  }
  if (io.stdin.isTTY !== true) {
    throw new CommandFailed(
      {
        code: 'SECRET_REQUIRED',
        message:
          'Pipe the secret in with --secret-stdin, or run in a terminal to be asked for it. ' +
          'Secrets are never taken from the command line.',
      },
      EXIT.USAGE,
    );
  }
  const secret: Record<string, string> = {};
  for (const field of provider.secretFields) {
    const optional = provider.secretFields.length > 1 ? ' (Enter to skip)' : '';
    secret[field.key] = await promptHidden(`${field.label}${optional}: `, io.stdin, io.stderr);
  }
  return secret;
}

export async function runConnectionsAdd(home: string, provider: string, opts: AddOptions, io: ConnectionsIo) {
  return withCore(home, opts.json, io, async (core) => {
    const { providers } = await call(core, 'connections:providers', {});
    const described = providers.find((p) => p.provider === provider);
    if (!described) {
      const known = providers.map((p) => p.provider).join(', ');
      throw new CommandFailed(
        { code: 'USAGE', message: `Unknown provider "${provider}". Use one of: ${known}.` },
        2,
      );
    }
    const config = settingsFrom(opts);
    const secret = await readSecret(described, opts.secretStdin, io);
    const connection = await call(core, 'connections:add', { provider, name: opts.name, config, secret });
    if (opts.json) printJson(io, { ok: true, connection });
    else
      printLine(
        io,
        `Added ${connection.name} (${connection.providerName}); its secret is in the OS keychain.`,
      );
    return EXIT.OK;
  });
}

export interface UpdateOptions {
  json: boolean;
  rename?: string;
  baseUrl?: string;
  set: string[];
  secretStdin: boolean;
}

/**
 * Changes the given settings and keeps the others. A new address needs `--secret-stdin` (or the
 * prompt) with it: the core never sends the saved secret to an address it was not entered for.
 */
export async function runConnectionsUpdate(
  home: string,
  name: string,
  opts: UpdateOptions,
  io: ConnectionsIo,
) {
  return withCore(home, opts.json, io, async (core) => {
    const [{ providers }, { connections }] = await Promise.all([
      call(core, 'connections:providers', {}),
      call(core, 'connections:overview', {}),
    ]);
    const connection = byName(connections, name);
    const described = providers.find((p) => p.provider === connection.provider);
    const changes = settingsFrom(opts);
    const config = Object.keys(changes).length > 0 ? { ...connection.config, ...changes } : undefined;
    const secret = opts.secretStdin && described ? await readSecret(described, true, io) : undefined;
    const input = { id: connection.id, name: opts.rename, config, secret };
    const updated = await call(core, 'connections:update', input).catch((err: unknown) => {
      const fields =
        err instanceof CommandFailed ? (err.details as { fieldErrors?: object }).fieldErrors : {};
      if (!opts.secretStdin && Object.keys(fields ?? {}).some((k) => k.startsWith('secret.'))) {
        const message = `${(err as Error).message} Pipe the secret in with --secret-stdin.`;
        throw new CommandFailed({ code: 'SECRET_REQUIRED', message, details: { fieldErrors: fields } });
      }
      throw err;
    });
    if (opts.json) printJson(io, { ok: true, connection: updated });
    else printLine(io, `Updated ${updated.name}${secret ? '; its new secret is in the OS keychain' : ''}.`);
    return EXIT.OK;
  });
}

export async function runConnectionsList(home: string, opts: { json: boolean }, io: ConnectionsIo) {
  return withCore(home, opts.json, io, async (core) => {
    const overview = await call(core, 'connections:overview', {});
    if (opts.json) {
      printJson(io, { ok: true, ...overview });
      return EXIT.OK;
    }
    if (overview.connections.length === 0) printLine(io, 'There are no connections yet.');
    const clock = textClock(core.store.db, io.env);
    for (const c of overview.connections) {
      const secret = c.isDemo
        ? 'demo credentials'
        : c.hasSecret === null
          ? 'secret: unknown'
          : c.hasSecret
            ? 'secret saved'
            : 'no secret';
      const synced = c.lastSyncAt ? `last sync ${clock.time(c.lastSyncAt)}` : 'never synced';
      printLine(io, `${c.name} (${c.providerName}): ${c.state.replace('_', ' ')}, ${secret}, ${synced}`);
      // A demo connection's stored address is wherever the demo shop last listened; it is started
      // afresh for each use, so the address says nothing.
      printLine(io, `  ${c.isDemo ? 'the built-in demo shop' : String(c.config.baseUrl ?? '')}`);
    }
    if (overview.keychainError) io.stderr.write(`posrecon: ${overview.keychainError}\n`);
    return EXIT.OK;
  });
}

export async function runConnectionsTest(
  home: string,
  name: string,
  opts: { json: boolean },
  io: ConnectionsIo,
) {
  return withCore(home, opts.json, io, async (core) => {
    const { connections } = await call(core, 'connections:overview', {});
    const result = await call(core, 'connections:test', { id: byName(connections, name).id });
    if (opts.json) printJson(io, { ok: result.ok, result });
    else if (result.ok) printLine(io, result.message);
    else io.stderr.write(`posrecon: ${name}: ${result.message}\n`);
    return result.ok ? EXIT.OK : EXIT.FAILURE;
  });
}

export async function runConnectionsRemove(
  home: string,
  name: string,
  opts: { json: boolean; yes: boolean },
  io: ConnectionsIo,
) {
  return withCore(home, opts.json, io, async (core) => {
    const { connections } = await call(core, 'connections:overview', {});
    const connection = byName(connections, name);
    let deleteCachedData = opts.yes;
    if (!deleteCachedData && connection.transactions > 0 && io.stdin.isTTY === true && !opts.json) {
      const question = `${name} has ${connection.transactions} cached records. Delete them with the connection? [y/N] `;
      deleteCachedData = await confirm(question, io.stdin, io.stderr);
      if (!deleteCachedData) throw new CommandFailed({ code: 'CANCELLED', message: 'Nothing was removed.' });
    }
    const result = await call(core, 'connections:remove', { id: connection.id, deleteCachedData }).catch(
      (err) => {
        if (err instanceof CommandFailed && err.code === 'CONFIRMATION_REQUIRED') {
          const message = `${name} has ${connection.transactions} cached records, deleted with it: pass --yes to remove both.`;
          throw new CommandFailed({ code: err.code, message }, EXIT.USAGE);
        }
        throw err;
      },
    );
    if (opts.json) printJson(io, { ok: true, ...result });
    else {
      const records = result.transactionsRemoved ? ` and ${result.transactionsRemoved} cached records` : '';
      const secret = result.secretRemoved ? ', its keychain entry' : '';
      printLine(io, `Removed ${name}${secret}${records}.`);
    }
    return EXIT.OK;
  });
}
