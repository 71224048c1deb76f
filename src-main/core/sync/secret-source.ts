import type { CredentialStore } from '../credentials/credential-store.ts';
import type { ConnectionInfo, SecretFields } from '../providers/connector.ts';
import { ConnectorError } from '../providers/connector-error.ts';
import { DEMO_CREDENTIALS } from '../sandbox/credentials.ts';

/**
 * Where the engine gets a connection's secrets. The engine does not care whether they come from the
 * OS keychain or, for demo connections, from the sandbox's published credentials.
 */
export type SecretSource = (connection: ConnectionInfo) => Promise<SecretFields>;

const noKeychain: SecretSource = (connection) =>
  Promise.reject(
    new ConnectorError('auth', `No credentials are stored for ${connection.name}. Add them in Connections.`),
  );

/**
 * Demo connections (`is_demo = 1`) open only the local sandbox, whose credentials are published and
 * not secret, so a headless machine without a keychain can run the demo. Every other connection goes
 * to `keychain`.
 */
export function demoAwareSecretSource(keychain: SecretSource = noKeychain): SecretSource {
  return async (connection) => {
    if (connection.isDemo) return DEMO_CREDENTIALS[connection.provider];
    return keychain(connection);
  };
}

/** Secrets from a CredentialStore (the OS keychain in production), by connection id. */
export function credentialStoreSecretSource(store: Pick<CredentialStore, 'get'>): SecretSource {
  return async (connection) => {
    let secret;
    try {
      secret = await store.get(connection.id);
    } catch (err) {
      // Credential errors never carry the value, so their message is safe to pass on.
      throw new ConnectorError(
        'auth',
        `Could not read the credentials of ${connection.name} from the system keychain (${(err as Error).message}).`,
        { cause: err },
      );
    }
    return secret ?? noKeychain(connection);
  };
}
