/**
 * Child-process side of `runInChildStore`: reads a JSON list of operations on stdin, runs them in
 * order on a real `OsKeychainCredentialStore`, and prints one JSON result per operation. It runs in
 * its own process because @napi-rs/keyring keeps the first D-Bus address it sees for good.
 */
import { OsKeychainCredentialStore } from '../../../src-main/core/credentials/os-keychain-credential-store.ts';
import type { StoreOp, StoreOpResult } from './child-credential-store.ts';

async function run(store: OsKeychainCredentialStore, op: StoreOp): Promise<unknown> {
  switch (op.op) {
    case 'set':
      return store.set(op.connectionId, op.secret);
    case 'get':
      return store.get(op.connectionId);
    case 'has':
      return store.has(op.connectionId);
    case 'delete':
      return store.delete(op.connectionId);
  }
}

let input = '';
for await (const chunk of process.stdin) input += String(chunk);
const store = new OsKeychainCredentialStore();
const results: StoreOpResult[] = [];
for (const op of JSON.parse(input) as StoreOp[]) {
  try {
    results.push({ ok: true, value: (await run(store, op)) ?? null });
  } catch (error) {
    const e = error as Error & { code?: unknown };
    results.push({
      ok: false,
      error: {
        name: e.name,
        code: typeof e.code === 'string' ? e.code : undefined,
        message: e.message,
        cause: e.cause instanceof Error ? e.cause.message : undefined,
      },
    });
  }
}
process.stdout.write(JSON.stringify(results));
