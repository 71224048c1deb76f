import { readFileSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ApiResult } from '../../../src-main/core/api/contract.ts';
import { type CommandResult, runCommand } from '../../support/secret-service.ts';

const CLI = path.resolve('src-main/cli/main.ts');
const CHILD_CORE = fileURLToPath(new URL('./child-core-main.ts', import.meta.url));

/** Everything the children printed, so a test can check no secret ever reached a terminal or a log. */
export const captured: string[] = [];

/** The real `posrecon` CLI in its own process with exactly `env`; `input` is its stdin (the secret). */
export async function posrecon(
  env: NodeJS.ProcessEnv,
  home: string,
  args: readonly string[],
  input = '',
): Promise<CommandResult> {
  const result = await runCommand(process.execPath, [CLI, ...args, '--home', home], env, input);
  captured.push(result.stdout, result.stderr);
  return result;
}

/** Dispatches contract operations on a real core (with the OS keychain) in a child process. */
export async function dispatchInChild(
  env: NodeJS.ProcessEnv,
  home: string,
  ops: readonly { op: string; input: unknown }[],
): Promise<ApiResult<unknown>[]> {
  const result = await runCommand(process.execPath, [CHILD_CORE], env, JSON.stringify({ home, ops }));
  captured.push(result.stdout, result.stderr);
  if (result.status !== 0) throw new Error(`core child exited with ${result.status}: ${result.stderr}`);
  return JSON.parse(result.stdout) as ApiResult<unknown>[];
}

/** Every regular file under `dir` whose bytes contain `needle` (SQLite files, WAL and -shm included). */
export function filesContaining(dir: string, needle: string): string[] {
  const hits: string[] = [];
  const bytes = Buffer.from(needle, 'utf8');
  const walk = (at: string) => {
    for (const entry of readdirSync(at, { withFileTypes: true })) {
      const full = path.join(at, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (entry.isFile() && statSync(full).size > 0 && readFileSync(full).includes(bytes))
        hits.push(full);
    }
  };
  walk(dir);
  return hits;
}
