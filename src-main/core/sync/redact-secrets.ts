import type { SecretFields } from '../providers/connector.ts';
import { BOUND_ORIGINS } from './secret-binding.ts';

/**
 * Cuts every secret value out of a message before it is shown, logged or stored: connectors and
 * libraries sometimes echo a request (URL, body) in an error. Very short values are left alone,
 * since replacing "1" everywhere would garble messages without protecting anything.
 */
export function redactSecrets(message: string, secrets: SecretFields): string {
  let out = message;
  for (const [key, value] of Object.entries(secrets)) {
    // The origins a secret is bound to are addresses, not secrets; messages name them on purpose.
    if (key !== BOUND_ORIGINS && value.length >= 4) out = out.split(value).join('[redacted]');
  }
  return out;
}
