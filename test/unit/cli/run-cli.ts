import { PassThrough } from 'node:stream';
import { runCli } from '../../../src-main/cli/main.ts';

/** Runs the CLI in-process and captures what it printed; tests assert on code, stdout and stderr. */
export async function cli(
  args: string[],
  env: NodeJS.ProcessEnv = {},
  /** The CLI's clock (default: the system's); tests move it to see the demo shop trade on. */
  now?: Date,
): Promise<{ code: number; out: string; err: string }> {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let out = '';
  let err = '';
  stdout.on('data', (c: Buffer) => (out += c.toString()));
  stderr.on('data', (c: Buffer) => (err += c.toString()));
  const signal = new AbortController().signal;
  const code = await runCli(args, { stdout, stderr, env, signal, now: now && (() => now) });
  return { code, out, err };
}
