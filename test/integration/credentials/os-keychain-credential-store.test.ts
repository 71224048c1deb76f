import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  secretServiceSkipNote,
  startSecretService,
  type SecretServiceSession,
} from '../../support/secret-service.ts';
import { errorOf, runInChildStore, valueOf } from './child-credential-store.ts';

const skipNote = secretServiceSkipNote();

describe('OsKeychainCredentialStore on a real Secret Service (gnome-keyring)', () => {
  let session: SecretServiceSession | undefined;
  let startError: unknown;

  // A start failure (under CI: a missing tool) is rethrown by every test, so each one fails by name.
  beforeAll(async () => {
    if (skipNote !== undefined) return;
    try {
      session = await startSecretService();
    } catch (error) {
      startError = error;
    }
  });
  afterAll(async () => {
    await session?.stop();
  });
  beforeEach((ctx) => {
    if (skipNote !== undefined) ctx.skip(skipNote);
  });

  function live(): SecretServiceSession {
    if (session === undefined) throw startError ?? new Error('Secret Service session did not start');
    return session;
  }

  // keyring-rs files entries under the attributes `service` and `username` (not `account`).
  const lookup = (id: string) => live().secretTool(['lookup', 'service', 'posrecon', 'username', id]);

  it('round-trips, updates and deletes one entry per connection, visible outside the app', async () => {
    const first = { clientSecret: 'cs-first-7f3a', subscriptionKey: 'sk-first-91bd' };
    const second = { clientSecret: 'cs-second-c20e', subscriptionKey: 'sk-second-44aa' };

    const created = await runInChildStore(live().env, [
      { op: 'has', connectionId: 'vipps-1' },
      { op: 'get', connectionId: 'vipps-1' },
      { op: 'set', connectionId: 'vipps-1', secret: first },
      { op: 'has', connectionId: 'vipps-1' },
      { op: 'get', connectionId: 'vipps-1' },
    ]);
    expect(created.results.map(valueOf)).toEqual([false, null, null, true, first]);
    const stored = await lookup('vipps-1');
    expect(stored.status).toBe(0);
    expect(JSON.parse(stored.stdout)).toEqual(first);

    const updated = await runInChildStore(live().env, [
      { op: 'set', connectionId: 'vipps-1', secret: second },
      { op: 'get', connectionId: 'vipps-1' },
    ]);
    expect(updated.results.map(valueOf)).toEqual([null, second]);
    expect(JSON.parse((await lookup('vipps-1')).stdout)).toEqual(second);
    // An update replaces the entry rather than adding a second one beside it.
    const search = await live().secretTool(['search', '--all', 'service', 'posrecon', 'username', 'vipps-1']);
    expect(search.stdout.match(/^secret = /gm)).toHaveLength(1);

    const deleted = await runInChildStore(live().env, [
      { op: 'delete', connectionId: 'vipps-1' },
      { op: 'get', connectionId: 'vipps-1' },
      { op: 'has', connectionId: 'vipps-1' },
      { op: 'delete', connectionId: 'vipps-1' },
    ]);
    expect(deleted.results.map(valueOf)).toEqual([true, null, false, false]);
    const gone = await lookup('vipps-1');
    expect(gone.status).not.toBe(0);
    expect(gone.stdout).toBe('');

    for (const run of [created, updated, deleted]) {
      for (const secret of [...Object.values(first), ...Object.values(second)])
        expect(run.stderr).not.toContain(secret);
    }
  });

  it('keeps connections apart', async () => {
    const run = await runInChildStore(live().env, [
      { op: 'set', connectionId: 'zettle-1', secret: { apiKey: 'zettle-one' } },
      { op: 'set', connectionId: 'zettle-2', secret: { apiKey: 'zettle-two' } },
      { op: 'delete', connectionId: 'zettle-1' },
      { op: 'get', connectionId: 'zettle-1' },
      { op: 'get', connectionId: 'zettle-2' },
      { op: 'delete', connectionId: 'zettle-2' },
    ]);
    expect(run.results.map(valueOf)).toEqual([null, null, true, null, { apiKey: 'zettle-two' }, true]);
  });

  it.each([
    ['not JSON', 'MARKER-not-json-5e1c {'],
    ['a JSON array', '["MARKER-array-5e1c"]'],
    ['an object with a non-string field', '{"clientSecret":"MARKER-field-5e1c","port":443}'],
    ['an empty object', '{}'],
  ])('reports a stored value that is %s as malformed, without echoing it', async (label, raw) => {
    const id = `foreign-${label.replace(/\W+/g, '-')}`;
    // Written by another program under our service name, exactly as a stray or corrupted entry would be.
    const store = await live().secretTool(
      ['store', '--label=foreign', 'service', 'posrecon', 'username', id],
      raw,
    );
    expect(store.status).toBe(0);

    const run = await runInChildStore(live().env, [
      { op: 'get', connectionId: id },
      { op: 'has', connectionId: id },
      { op: 'set', connectionId: id, secret: { clientSecret: 'replacement' } },
      { op: 'get', connectionId: id },
      { op: 'delete', connectionId: id },
    ]);
    const error = errorOf(run.results[0]);
    expect(error.code).toBe('SECRET_MALFORMED');
    expect(error.message).toContain(`connection "${id}" are unreadable`);
    expect(JSON.stringify(error)).not.toContain('MARKER');
    expect(run.stderr).not.toContain('MARKER');
    // The entry still counts as present, and saving a secret again repairs it.
    expect(run.results.slice(1).map(valueOf)).toEqual([true, null, { clientSecret: 'replacement' }, true]);
  });
});
