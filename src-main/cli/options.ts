import { Command, InvalidArgumentError, Option } from 'commander';
import { isIsoDate } from '../core/model/time.ts';
import { resolveFaults } from '../core/sandbox/faults/fault-config.ts';

/** How a command's registration reads --home/--json: the resolved data directory and the output mode. */
export type Home = (cmd: Command) => { home: string; json: boolean };

export function parsePort(value: string): number {
  const port = Number(value);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new InvalidArgumentError('must be a port number between 0 and 65535');
  }
  return port;
}

export function parseDate(value: string): string {
  if (!isIsoDate(value))
    throw new InvalidArgumentError('must be a calendar date written YYYY-MM-DD, such as 2026-11-30');
  return value;
}

/** A fault profile is checked while the line is read, so a typo fails before any world is built. */
export function parseFaults(value: string): string {
  try {
    resolveFaults(value);
  } catch (err) {
    throw new InvalidArgumentError((err as Error).message);
  }
  return value;
}

export function parseCount(min: number) {
  return (value: string): number => {
    const n = Number(value);
    if (!Number.isInteger(n) || n < min)
      throw new InvalidArgumentError(`must be a whole number of at least ${min}`);
    return n;
  };
}

export function collect(value: string, previous: string[] = []): string[] {
  return [...previous, value];
}

export function parseLimit(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1 || n > 500)
    throw new InvalidArgumentError('must be a whole number from 1 to 500');
  return n;
}

/** Every command takes --home and --json, wherever they appear on the line. */
export function common(cmd: Command): Command {
  return cmd
    .addOption(new Option('--home <dir>', 'data directory (default: $POSRECON_HOME or the app-data folder)'))
    .addOption(new Option('--json', 'print one JSON document instead of text'));
}
