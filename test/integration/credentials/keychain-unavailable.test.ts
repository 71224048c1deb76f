import { readdir, rm } from 'node:fs/promises';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import {
  makeIsolatedDir,
  secretServiceSkipNote,
  startSecretService,
  unreachableBusEnv,
} from '../../support/secret-service.ts';
import { errorOf, runInChildStore, type StoreOp } from './child-credential-store.ts';

const skipNote = secretServiceSkipNote();
const SECRET = 'never-shown-3b9d';

// Every operation, including the read-only ones: none may pretend "no secret saved" when it cannot look.
const EVERY_OP: StoreOp[] = [
  { op: 'set', connectionId: 'adyen-1', secret: { apiKey: SECRET } },
  { op: 'get', connectionId: 'adyen-1' },
  { op: 'has', connectionId: 'adyen-1' },
  { op: 'delete', connectionId: 'adyen-1' },
];

function expectAllUnavailable(results: Awaited<ReturnType<typeof runInChildStore>>): void {
  expect(results.results).toHaveLength(EVERY_OP.length);
  for (const result of results.results) {
    const error = errorOf(result);
    expect(error.name).toBe('KeychainUnavailableError');
    expect(error.code).toBe('KEYCHAIN_UNAVAILABLE');
    expect(error.message).toMatch(
      /^No OS keychain is available: install and unlock GNOME Keyring or KWallet/,
    );
    expect(JSON.stringify(error)).not.toContain(SECRET);
  }
  expect(results.stderr).not.toContain(SECRET);
}

describe('OsKeychainCredentialStore without a Secret Service', () => {
  const cleanups: (() => Promise<void>)[] = [];
  afterAll(async () => {
    for (const cleanup of cleanups) await cleanup();
  });
  beforeEach((ctx) => {
    if (skipNote !== undefined) ctx.skip(skipNote);
  });

  it('fails with KeychainUnavailableError when no D-Bus session is reachable', async () => {
    const dir = await makeIsolatedDir();
    cleanups.push(() => rm(dir, { recursive: true, force: true }));
    const run = await runInChildStore(unreachableBusEnv(dir), EVERY_OP);
    expectAllUnavailable(run);
    expect(errorOf(run.results[0]).cause).toMatch(/Failed to connect to socket/);
  });

  it('fails with KeychainUnavailableError when nothing on the bus provides org.freedesktop.secrets', async () => {
    const session = await startSecretService({ keyring: 'none' });
    cleanups.push(() => session.stop());
    const run = await runInChildStore(session.env, EVERY_OP);
    expectAllUnavailable(run);
    expect(errorOf(run.results[0]).cause).toMatch(/org\.freedesktop\.secrets/);
  });

  it('never falls back to a file or the kernel keyring', async () => {
    const dir = await makeIsolatedDir();
    cleanups.push(() => rm(dir, { recursive: true, force: true }));
    // Unpinned, @napi-rs/keyring quietly falls back to the kernel keyring (a read then answers "nothing
    // saved"). Pinned, both calls fail, and nothing is written under HOME or the XDG dirs either.
    const run = await runInChildStore(unreachableBusEnv(dir), [EVERY_OP[0]!, EVERY_OP[1]!]);
    expect(run.results.map((r) => r.ok)).toEqual([false, false]);
    const files = (await readdir(dir, { recursive: true, withFileTypes: true })).filter(
      (e) => !e.isDirectory(),
    );
    expect(files.map((e) => e.name)).toEqual([]);
  });
});
