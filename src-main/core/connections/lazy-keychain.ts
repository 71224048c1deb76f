import type { CredentialStore } from '../credentials/credential-store.ts';

/**
 * The OS keychain store, loaded on first use. Its module loads a native addon that connects to the
 * Secret Service; demo-only sessions (and a headless machine with no keychain) never pay for it.
 */
export function lazyOsKeychain(): CredentialStore {
  let store: Promise<CredentialStore> | undefined;
  const load = () =>
    (store ??= import('../credentials/os-keychain-credential-store.ts').then(
      (m) => new m.OsKeychainCredentialStore(),
    ));
  return {
    set: async (id, secret) => (await load()).set(id, secret),
    get: async (id) => (await load()).get(id),
    has: async (id) => (await load()).has(id),
    delete: async (id) => (await load()).delete(id),
  };
}
