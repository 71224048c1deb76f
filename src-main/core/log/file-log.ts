import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { createStream, type RotatingFileStream } from 'rotating-file-stream';

/** Where a home's log lives; every "see the log" message names this path. */
export function logFile(home: string): string {
  return path.join(home, 'logs', 'posrecon.log');
}

export interface FileLog {
  readonly file: string;
  /** One line per event; `err` adds its stack, so a user's report carries the details. */
  write(message: string, err?: unknown): void;
  close(): Promise<void>;
}

function describe(err: unknown): string {
  if (err instanceof Error) return err.stack ?? `${err.name}: ${err.message}`;
  return String(err);
}

/**
 * A log file under the home, rotated by size like logrotate (posrecon.log, .1 … .5), so it never
 * grows without bound. rotating-file-stream does the rotation; we only choose the limits.
 */
export function openFileLog(home: string, options: { size?: string; keep?: number } = {}): FileLog {
  const file = logFile(home);
  mkdirSync(path.dirname(file), { recursive: true });
  let stream: RotatingFileStream | null = createStream(path.basename(file), {
    path: path.dirname(file),
    size: options.size ?? '5M',
    rotate: options.keep ?? 5,
  });
  // A log that cannot be written (disk full, folder removed) must never take the app down with it.
  stream.on('error', () => {});
  return {
    file,
    write(message, err) {
      const line = `${new Date().toISOString()} [${process.pid}] ${message}${err === undefined ? '' : `\n${describe(err)}`}\n`;
      stream?.write(line);
    },
    close: () =>
      new Promise<void>((resolve) => {
        const s = stream;
        stream = null;
        if (!s) return resolve();
        s.end(() => resolve());
      }),
  };
}
