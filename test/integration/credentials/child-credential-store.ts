import { fileURLToPath } from 'node:url';
import type { SecretFields } from '../../../src-main/core/credentials/credential-store.ts';
import { runCommand } from '../../support/secret-service.ts';

export type StoreOp =
  | { op: 'set'; connectionId: string; secret: SecretFields }
  | { op: 'get' | 'has' | 'delete'; connectionId: string };

export interface StoreOpError {
  name: string;
  code: string | undefined;
  message: string;
  /** The keychain library's own message, kept as `cause` for logs. */
  cause: string | undefined;
}

export type StoreOpResult = { ok: true; value: unknown } | { ok: false; error: StoreOpError };

export interface ChildRun {
  results: StoreOpResult[];
  /** What the child wrote to stderr (its log), to check that no secret leaked into it. */
  stderr: string;
}

const MAIN = fileURLToPath(new URL('./child-credential-store-main.ts', import.meta.url));

/**
 * Runs the operations on an `OsKeychainCredentialStore` in a fresh Node process with exactly `env`.
 * The operations (secrets included) travel over stdin, never argv.
 */
export async function runInChildStore(env: NodeJS.ProcessEnv, ops: readonly StoreOp[]): Promise<ChildRun> {
  const result = await runCommand(process.execPath, [MAIN], env, JSON.stringify(ops));
  if (result.status !== 0) {
    throw new Error(`credential store child exited with ${result.status}: ${result.stderr}`);
  }
  return { results: JSON.parse(result.stdout) as StoreOpResult[], stderr: result.stderr };
}

/** The value of a successful result, failing loudly (with the error) otherwise. */
export function valueOf(result: StoreOpResult | undefined): unknown {
  if (result === undefined) throw new Error('missing result');
  if (!result.ok) throw new Error(`expected success, got ${JSON.stringify(result.error)}`);
  return result.value;
}

/** The error of a failed result, failing loudly (with the value) otherwise. */
export function errorOf(result: StoreOpResult | undefined): StoreOpError {
  if (result === undefined) throw new Error('missing result');
  if (result.ok) throw new Error(`expected an error, got ${JSON.stringify(result.value)}`);
  return result.error;
}
