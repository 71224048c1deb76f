/**
 * Errors a `CredentialStore` throws. Each has a stable `code` the UI and API can switch on, and a
 * message written for a shop manager. No message ever contains a secret or a stored value: the
 * keychain's own wording is kept only as `cause`, for logs, and it never carries secret bytes.
 */
export type CredentialErrorCode =
  | 'KEYCHAIN_UNAVAILABLE'
  | 'KEYCHAIN_LOCKED'
  | 'KEYCHAIN_FAILED'
  | 'SECRET_MALFORMED'
  | 'CREDENTIAL_INPUT_INVALID';

export abstract class CredentialError extends Error {
  abstract readonly code: CredentialErrorCode;
}

/** No Secret Service (or other OS keychain) can be reached: no D-Bus session, or nothing serving it. */
export class KeychainUnavailableError extends CredentialError {
  readonly code = 'KEYCHAIN_UNAVAILABLE';
  override readonly name = 'KeychainUnavailableError';

  constructor(options?: ErrorOptions) {
    super(
      'No OS keychain is available: install and unlock GNOME Keyring or KWallet (or another Secret Service ' +
        'provider), then try again. posrecon never stores secrets anywhere else.',
      options,
    );
  }
}

/** The keychain is locked and was not unlocked: the unlock prompt was dismissed or could not be shown. */
export class KeychainLockedError extends CredentialError {
  readonly code = 'KEYCHAIN_LOCKED';
  override readonly name = 'KeychainLockedError';

  constructor(options?: ErrorOptions) {
    super(
      'Your OS keychain is locked. Unlock it (for example GNOME Keyring or KWallet, usually with your login ' +
        'password) and try again.',
      options,
    );
  }
}

/** Any other keychain failure (for example two entries claiming the same connection). */
export class KeychainFailedError extends CredentialError {
  readonly code = 'KEYCHAIN_FAILED';
  override readonly name = 'KeychainFailedError';

  constructor(options?: ErrorOptions) {
    super(
      'The OS keychain could not complete the request. Try again; if it keeps failing, restart the keychain.',
      options,
    );
  }
}

/** The keychain holds something for the connection that is not a JSON object of text fields. */
export class MalformedSecretError extends CredentialError {
  readonly code = 'SECRET_MALFORMED';
  override readonly name = 'MalformedSecretError';
  readonly connectionId: string;

  constructor(connectionId: string) {
    super(
      `The saved credentials for connection "${connectionId}" are unreadable. Enter them again in the ` +
        "connection's settings.",
    );
    this.connectionId = connectionId;
  }
}

/** A caller passed an unusable connection id or secret; a programming error, not a user error. */
export class InvalidCredentialInputError extends CredentialError {
  readonly code = 'CREDENTIAL_INPUT_INVALID';
  override readonly name = 'InvalidCredentialInputError';
}

// Wording observed from @napi-rs/keyring 2.1.2 against gnome-keyring (see test/integration/credentials):
// - "Platform failure: DBus error: Failed to connect to socket …" (no session bus)
// - "Platform failure: DBus error: The name org.freedesktop.secrets was not provided by any .service files"
// - "Platform failure: DBus error: Using X11 for dbus-daemon autolaunch was disabled …" (no bus address)
// - "Couldn't access platform storage: Secret Service: unlock prompt was dismissed" (locked)
const LOCKED = /prompt was dismissed|\blocked\b/i;
const UNAVAILABLE = /dbus|d-bus|secret service is not available|no such file|failed to connect|autolaunch/i;

/** Turns whatever the keychain library threw into one of the typed errors above. */
export function classifyKeychainError(error: unknown): CredentialError {
  if (error instanceof CredentialError) return error;
  const text = error instanceof Error ? `${error.message} ${String(error.cause ?? '')}` : String(error);
  // Locked is checked first: its wording can also mention the Secret Service.
  if (LOCKED.test(text)) return new KeychainLockedError({ cause: error });
  if (UNAVAILABLE.test(text)) return new KeychainUnavailableError({ cause: error });
  return new KeychainFailedError({ cause: error });
}
