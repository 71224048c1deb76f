/** How a command talks back: human lines, or one JSON document with --json. Nothing else writes to stdout. */
export interface CliIo {
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
  /** The reader's environment: text output writes dates in their locale (LC_ALL, LC_TIME, LANG). */
  env?: NodeJS.ProcessEnv;
}

export function printJson(io: CliIo, value: unknown): void {
  io.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
}

export function printLine(io: CliIo, line = ''): void {
  io.stdout.write(`${line}\n`);
}

/**
 * Rows under a header row, each column as wide as its widest cell (two spaces between); the columns
 * in `right` (amounts) align right. Trailing spaces are trimmed so logs and diffs stay clean.
 */
export function printTable(
  io: CliIo,
  header: readonly string[],
  rows: readonly (readonly string[])[],
  right: ReadonlySet<number> = new Set(),
): void {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  for (const row of [header, ...rows]) {
    const cells = widths.map((w, i) =>
      right.has(i) ? (row[i] ?? '').padStart(w) : (row[i] ?? '').padEnd(w),
    );
    printLine(io, cells.join('  ').trimEnd());
  }
}

export function printError(io: CliIo, json: boolean, code: string, message: string): void {
  if (json) printJson(io, { ok: false, error: { code, message } });
  else io.stderr.write(`posrecon: ${message}\n`);
}

/** Exit codes shared by every command; `sync` adds PARTIAL for runs that quarantined records. */
export const EXIT = { OK: 0, FAILURE: 1, USAGE: 2, PARTIAL: 3 } as const;
