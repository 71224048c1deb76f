import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  secretServiceSkipNote,
  startSecretService,
  type SecretServiceSession,
} from '../../support/secret-service.ts';
import { errorOf, runInChildStore, valueOf, type StoreOpResult } from './child-credential-store.ts';

const skipNote = secretServiceSkipNote();

function expectLocked(result: StoreOpResult | undefined, secret: string): void {
  const error = errorOf(result);
  expect(error.name).toBe('KeychainLockedError');
  expect(error.code).toBe('KEYCHAIN_LOCKED');
  expect(error.message).toMatch(/keychain is locked\. Unlock it/);
  expect(JSON.stringify(error)).not.toContain(secret);
}

// The private bus activates no prompter, so gnome-keyring dismisses every unlock prompt at once: the
// same outcome as a user pressing Cancel on the desktop's unlock dialog.
describe('OsKeychainCredentialStore on a locked keychain', () => {
  let session: SecretServiceSession | undefined;
  afterEach(async () => {
    await session?.stop();
    session = undefined;
  });
  beforeEach((ctx) => {
    if (skipNote !== undefined) ctx.skip(skipNote);
  });

  it('asks the user to unlock instead of failing obscurely, for reads, writes and deletes', async () => {
    session = await startSecretService();
    const saved = { clientSecret: 'saved-before-lock-8d21' };
    const before = await runInChildStore(session.env, [
      { op: 'set', connectionId: 'vipps-1', secret: saved },
    ]);
    expect(before.results.map(valueOf)).toEqual([null]);
    await session.lock();

    const replacement = 'typed-while-locked-0c7e';
    const locked = await runInChildStore(session.env, [
      { op: 'get', connectionId: 'vipps-1' },
      { op: 'has', connectionId: 'vipps-1' },
      { op: 'set', connectionId: 'vipps-1', secret: { clientSecret: replacement } },
      { op: 'set', connectionId: 'vipps-2', secret: { clientSecret: replacement } },
      { op: 'delete', connectionId: 'vipps-1' },
    ]);
    for (const result of locked.results) expectLocked(result, replacement);
    expect(JSON.stringify(locked.results)).not.toContain(saved.clientSecret);
    expect(locked.stderr).not.toContain(replacement);
  });

  it('reports a connection without an entry as absent even while locked', async () => {
    // Searching by attributes needs no unlocking in the Secret Service API, so only entries that
    // exist make the store ask for the keychain to be unlocked.
    session = await startSecretService({ keyring: 'locked' });
    const run = await runInChildStore(session.env, [
      { op: 'get', connectionId: 'never-saved' },
      { op: 'has', connectionId: 'never-saved' },
      { op: 'delete', connectionId: 'never-saved' },
      { op: 'set', connectionId: 'never-saved', secret: { apiKey: 'new-while-locked-5a90' } },
    ]);
    expect(run.results.slice(0, 3).map(valueOf)).toEqual([null, false, false]);
    expectLocked(run.results[3], 'new-while-locked-5a90');
  });
});
