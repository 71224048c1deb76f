import { describe, expect, it } from 'vitest';
import {
  KEYCHAIN_ENTRY_OPTIONS,
  KEYCHAIN_SERVICE,
  OsKeychainCredentialStore,
  type KeychainEntry,
} from '../../../src-main/core/credentials/os-keychain-credential-store.ts';
import {
  KeychainFailedError,
  KeychainLockedError,
  KeychainUnavailableError,
  classifyKeychainError,
} from '../../../src-main/core/credentials/credential-errors.ts';

/** Mimics @napi-rs/keyring's errors: a plain Error whose code is always "GenericFailure". */
function napiError(message: string): Error {
  return Object.assign(new Error(message), { code: 'GenericFailure' });
}

function failingEntry(error: Error): KeychainEntry {
  return {
    setSecret: () => Promise.reject(error),
    getSecret: () => Promise.reject(error),
    deleteCredential: () => Promise.reject(error),
  };
}

describe('OsKeychainCredentialStore', () => {
  it('pins the Linux Secret Service and files entries under posrecon / connection id', async () => {
    expect(KEYCHAIN_ENTRY_OPTIONS).toEqual({ linux: { store: 'secret-service' } });
    const stored = new Map<string, Uint8Array>();
    const store = new OsKeychainCredentialStore({
      createEntry: (service, account) => ({
        setSecret: async (bytes) => void stored.set(`${service}/${account}`, Uint8Array.from(bytes)),
        getSecret: async () => stored.get(`${service}/${account}`) ?? null,
        deleteCredential: async () => stored.delete(`${service}/${account}`),
      }),
    });
    await store.set('vipps-1', { clientSecret: 'a', subscriptionKey: 'b' });
    expect([...stored.keys()]).toEqual([`${KEYCHAIN_SERVICE}/vipps-1`]);
    expect(new TextDecoder().decode(stored.get('posrecon/vipps-1'))).toBe(
      '{"clientSecret":"a","subscriptionKey":"b"}',
    );
    expect(await store.get('vipps-1')).toEqual({ clientSecret: 'a', subscriptionKey: 'b' });
    expect(await store.has('vipps-1')).toBe(true);
    expect(await store.delete('vipps-1')).toBe(true);
    expect(await store.get('vipps-1')).toBeUndefined();
  });

  it.each([
    [
      'no session bus',
      'Platform failure: DBus error: Failed to connect to socket /run/user/1000/bus: No such file or directory',
      KeychainUnavailableError,
    ],
    [
      'no Secret Service',
      'Platform failure: DBus error: The name org.freedesktop.secrets was not provided by any .service files',
      KeychainUnavailableError,
    ],
    [
      'no bus address',
      'Platform failure: DBus error: Using X11 for dbus-daemon autolaunch was disabled at compile time, set your DBUS_SESSION_BUS_ADDRESS instead',
      KeychainUnavailableError,
    ],
    [
      'a dismissed unlock prompt',
      "Couldn't access platform storage: Secret Service: unlock prompt was dismissed",
      KeychainLockedError,
    ],
    ['an ambiguous entry', 'Entry is matched by 2 credentials', KeychainFailedError],
  ])('turns %s into %O on every operation', async (_label, message, expected) => {
    const store = new OsKeychainCredentialStore({ createEntry: () => failingEntry(napiError(message)) });
    for (const call of [
      () => store.set('c1', { apiKey: 'SECRET-VALUE' }),
      () => store.get('c1'),
      () => store.has('c1'),
      () => store.delete('c1'),
    ]) {
      const error: unknown = await call().then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(error).toBeInstanceOf(expected);
      expect((error as Error).cause).toBeInstanceOf(Error);
      expect(String(error)).not.toContain('SECRET-VALUE');
    }
  });

  it('classifies errors thrown while creating the entry too', async () => {
    const store = new OsKeychainCredentialStore({
      createEntry: () => {
        throw napiError('Platform failure: DBus error: Failed to connect to socket');
      },
    });
    await expect(store.get('c1')).rejects.toBeInstanceOf(KeychainUnavailableError);
  });

  it('gives each typed error a stable code', () => {
    expect(new KeychainUnavailableError().code).toBe('KEYCHAIN_UNAVAILABLE');
    expect(new KeychainLockedError().code).toBe('KEYCHAIN_LOCKED');
    expect(classifyKeychainError('something odd').code).toBe('KEYCHAIN_FAILED');
  });

  it('reports a malformed entry as such while still counting it as present', async () => {
    const junk = new TextEncoder().encode('MARKER-not-json');
    const store = new OsKeychainCredentialStore({
      createEntry: () => ({
        setSecret: async () => undefined,
        getSecret: async () => Array.from(junk),
        deleteCredential: async () => true,
      }),
    });
    await expect(store.get('c1')).rejects.toMatchObject({ code: 'SECRET_MALFORMED' });
    await expect(store.get('c1')).rejects.not.toThrowError(/MARKER/);
    expect(await store.has('c1')).toBe(true);
  });
});
