import type { ConnectionInfo, Connector, SecretFields } from '../providers/connector.ts';
import { ConnectorError } from '../providers/connector-error.ts';
import { originOf } from '../providers/shared/api-url.ts';

/**
 * A stored secret is bound to the origins it was entered for: they are saved inside the same keychain
 * entry, so no edit of the settings (through the app or by hand in SQLite) can send it anywhere else.
 * The field name cannot be a provider's secret field (`parseSecretInput` accepts only those).
 */
export const BOUND_ORIGINS = '@origins';

/** Every origin a connection's secret (or a token made from it) is sent to, sorted. */
export function secretOrigins(connector: Connector, config: unknown): string[] {
  const origins = connector.secretOrigins?.(config) ?? [
    (config as { baseUrl?: string }).baseUrl ?? connector.defaultBaseUrl,
  ];
  return [...new Set(origins.map(originOf))].sort();
}

/** The same origins, the same way round (both lists come from `secretOrigins` or the entry). */
export function sameOrigins(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((o, i) => o === b[i]);
}

export function bindSecret(fields: SecretFields, origins: readonly string[]): SecretFields {
  const { [BOUND_ORIGINS]: _old, ...plain } = fields;
  return { ...plain, [BOUND_ORIGINS]: origins.join(' ') };
}

/** The origins an entry was bound to, or null for an entry saved before secrets were bound. */
export function boundOrigins(stored: SecretFields): string[] | null {
  const bound = stored[BOUND_ORIGINS];
  return bound === undefined ? null : bound.split(' ').filter(Boolean).sort();
}

export function withoutBinding(stored: SecretFields): SecretFields {
  const { [BOUND_ORIGINS]: _bound, ...plain } = stored;
  return plain;
}

/**
 * The secret's fields, for use against the connection's current settings; refuses when they point
 * at another origin than the one the secret was entered for. Demo connections use the sandbox's
 * published credentials, which are not secret. Entries from before binding carry no origins and
 * are used as they are: `connections:update` already refuses to move them to another origin.
 */
export function secretForUse(
  connector: Connector,
  connection: ConnectionInfo,
  stored: SecretFields,
): SecretFields {
  const bound = boundOrigins(stored);
  if (connection.isDemo || bound === null) return withoutBinding(stored);
  const current = secretOrigins(connector, connection.config);
  if (!sameOrigins(bound, current)) {
    throw new ConnectorError(
      'auth',
      `The saved secret of ${connection.name} was entered for ${bound.join(' and ')}, but its settings now ` +
        `point to ${current.join(' and ')}. It was not sent. Enter the secret again in Connections to use the new address.`,
    );
  }
  return withoutBinding(stored);
}
