import { AsyncEntry, type EntryOptions } from '@napi-rs/keyring';
import type { CredentialStore, SecretFields } from './credential-store.ts';
import { classifyKeychainError } from './credential-errors.ts';
import { assertConnectionId, parseSecretFields, serializeSecretFields } from './secret-fields.ts';

/** The keychain service every posrecon entry is filed under; the account is the connection id. */
export const KEYCHAIN_SERVICE = 'posrecon';

/**
 * On Linux, pin the Secret Service (GNOME Keyring, KWallet, KeePassXC). Left to its default,
 * @napi-rs/keyring silently falls back to the kernel keyutils store, which forgets everything at
 * logout and would make a missing keychain look like "no secret saved".
 */
export const KEYCHAIN_ENTRY_OPTIONS: EntryOptions = { linux: { store: 'secret-service' } };

/** The slice of @napi-rs/keyring's `AsyncEntry` this store uses; tests substitute their own. */
export interface KeychainEntry {
  setSecret(secret: Uint8Array): Promise<void>;
  getSecret(): Promise<ArrayLike<number> | null>;
  deleteCredential(): Promise<boolean>;
}

export type KeychainEntryFactory = (service: string, account: string) => KeychainEntry;

export const createNapiKeychainEntry: KeychainEntryFactory = (service, account) =>
  new AsyncEntry(service, account, KEYCHAIN_ENTRY_OPTIONS);

export interface OsKeychainCredentialStoreOptions {
  createEntry?: KeychainEntryFactory;
}

/**
 * `CredentialStore` on the OS keychain (macOS Keychain, Windows Credential Manager, Secret Service
 * on Linux): one entry per connection whose secret is the JSON of its fields.
 *
 * Nothing ever falls back to a file, the kernel keyring or plaintext: when the keychain cannot be
 * used, every call throws `KeychainUnavailableError` or `KeychainLockedError`.
 *
 * On Linux, @napi-rs/keyring fixes the D-Bus session address the first time any entry talks to the
 * bus; changing `DBUS_SESSION_BUS_ADDRESS` later in the same process has no effect.
 */
export class OsKeychainCredentialStore implements CredentialStore {
  readonly #createEntry: KeychainEntryFactory;

  constructor(options: OsKeychainCredentialStoreOptions = {}) {
    this.#createEntry = options.createEntry ?? createNapiKeychainEntry;
  }

  async set(connectionId: string, secret: SecretFields): Promise<void> {
    assertConnectionId(connectionId);
    // Bytes rather than setPassword, so the buffer can be wiped once the keychain has it.
    const bytes = new TextEncoder().encode(serializeSecretFields(secret));
    try {
      await this.#entry(connectionId).setSecret(bytes);
    } catch (error) {
      throw classifyKeychainError(error);
    } finally {
      bytes.fill(0);
    }
  }

  async get(connectionId: string): Promise<SecretFields | undefined> {
    const stored = await this.#read(connectionId);
    if (stored === null) return undefined;
    try {
      return parseSecretFields(connectionId, stored);
    } finally {
      stored.fill(0);
    }
  }

  async has(connectionId: string): Promise<boolean> {
    // Presence only: a malformed entry still counts, so the settings screen offers to replace it.
    return (await this.#read(connectionId)) !== null;
  }

  async delete(connectionId: string): Promise<boolean> {
    assertConnectionId(connectionId);
    try {
      return await this.#entry(connectionId).deleteCredential();
    } catch (error) {
      throw classifyKeychainError(error);
    }
  }

  // getSecret rather than getPassword: bytes that are not UTF-8 then reach our own decoder, whose
  // error says nothing about them, instead of the library's encoding error.
  async #read(connectionId: string): Promise<Uint8Array | null> {
    assertConnectionId(connectionId);
    let stored: ArrayLike<number> | null;
    try {
      stored = await this.#entry(connectionId).getSecret();
    } catch (error) {
      throw classifyKeychainError(error);
    }
    return stored === null ? null : Uint8Array.from(stored);
  }

  // Entries are cheap handles; making one per call keeps the store free of per-connection state.
  #entry(connectionId: string): KeychainEntry {
    return this.#createEntry(KEYCHAIN_SERVICE, connectionId);
  }
}
