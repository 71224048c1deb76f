import type { CredentialStore, SecretFields } from './credential-store.ts';
import { assertConnectionId, parseSecretFields, serializeSecretFields } from './secret-fields.ts';

/**
 * A `CredentialStore` held in process memory, for unit tests of modules that need one.
 *
 * NOT FOR PRODUCTION: secrets kept here are lost on exit and are not protected by the OS. The app
 * must only ever be wired to `OsKeychainCredentialStore`. It validates and serializes exactly like
 * the keychain store, so tests see the same errors and get copies rather than shared objects.
 */
export class InMemoryCredentialStore implements CredentialStore {
  readonly #entries = new Map<string, string>();

  async set(connectionId: string, secret: SecretFields): Promise<void> {
    assertConnectionId(connectionId);
    this.#entries.set(connectionId, serializeSecretFields(secret));
  }

  async get(connectionId: string): Promise<SecretFields | undefined> {
    assertConnectionId(connectionId);
    const stored = this.#entries.get(connectionId);
    return stored === undefined ? undefined : parseSecretFields(connectionId, stored);
  }

  async has(connectionId: string): Promise<boolean> {
    assertConnectionId(connectionId);
    return this.#entries.has(connectionId);
  }

  async delete(connectionId: string): Promise<boolean> {
    assertConnectionId(connectionId);
    return this.#entries.delete(connectionId);
  }
}
