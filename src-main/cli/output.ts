/** How a command talks back: human lines, or one JSON document with --json. Nothing else writes to stdout. */
export interface CliIo {
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
}

export function printJson(io: CliIo, value: unknown): void {
  io.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
}

export function printLine(io: CliIo, line = ''): void {
  io.stdout.write(`${line}\n`);
}

export function printError(io: CliIo, json: boolean, code: string, message: string): void {
  if (json) printJson(io, { ok: false, error: { code, message } });
  else io.stderr.write(`posrecon: ${message}\n`);
}

/** Exit codes shared by every command; `sync` adds PARTIAL for runs that quarantined records. */
export const EXIT = { OK: 0, FAILURE: 1, USAGE: 2, PARTIAL: 3 } as const;
