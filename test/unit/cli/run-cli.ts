import { PassThrough } from 'node:stream';
import { runCli } from '../../../src-main/cli/main.ts';

/** Runs the CLI in-process and captures what it printed; tests assert on code, stdout and stderr. */
export async function cli(
  args: string[],
  env: NodeJS.ProcessEnv = {},
): Promise<{ code: number; out: string; err: string }> {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let out = '';
  let err = '';
  stdout.on('data', (c: Buffer) => (out += c.toString()));
  stderr.on('data', (c: Buffer) => (err += c.toString()));
  const code = await runCli(args, { stdout, stderr, env, signal: new AbortController().signal });
  return { code, out, err };
}
