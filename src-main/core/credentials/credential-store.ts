import type { SecretFields } from '../model/secret-fields.ts';

export type { SecretFields };

/**
 * Where connection secrets live. The only production implementation is the OS keychain
 * (`OsKeychainCredentialStore`); secrets never go to SQLite, files, logs or argv.
 *
 * `get` is for core services that call providers. The API contract must never expose it to the
 * renderer: the renderer may only `set` a secret and ask whether one `has` been saved.
 */
export interface CredentialStore {
  /** Saves (or replaces) the secret of a connection. */
  set(connectionId: string, secret: SecretFields): Promise<void>;
  /** The saved secret, or `undefined` when the connection has none. Core-internal only. */
  get(connectionId: string): Promise<SecretFields | undefined>;
  /** Whether a secret is saved for the connection, without interpreting it. */
  has(connectionId: string): Promise<boolean>;
  /** Removes the secret; `false` when there was none. */
  delete(connectionId: string): Promise<boolean>;
}
