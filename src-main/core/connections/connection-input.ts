import type { SecretFields } from '../credentials/credential-store.ts';
import type { Connector } from '../providers/connector.ts';
import { SECRET_FIELD_NAMES } from './connection-schemas.ts';
import { describeProvider } from './provider-forms.ts';

type FieldErrors = Record<string, string[]>;
type ConfigInput = Record<string, string | number | boolean | null>;

function addError(errors: FieldErrors, key: string, message: string): void {
  (errors[key] ??= []).push(message);
}

/**
 * A form's (or the CLI's) settings, checked against the connector's schema. Empty fields are left out
 * so defaults apply; whole numbers typed as text become numbers. Field errors land in `errors` under
 * the config key. A secret's name is refused here, without its value, so a secret typed into the
 * wrong place never reaches SQLite.
 */
export function parseConfigInput(connector: Connector, input: ConfigInput, errors: FieldErrors): unknown {
  const fields = new Map(describeProvider(connector).fields.map((f) => [f.key, f]));
  const secretKeys = new Set<string>([...SECRET_FIELD_NAMES, ...connector.secretFields.map((f) => f.key)]);
  const config: Record<string, unknown> = {};
  for (const [key, raw] of Object.entries(input)) {
    if (secretKeys.has(key)) {
      addError(errors, key, `${key} is a secret: enter it as a secret, never as a setting`);
      continue;
    }
    const field = fields.get(key);
    if (!field) {
      addError(errors, key, `${connector.displayName} has no setting called ${key}`);
      continue;
    }
    const value = typeof raw === 'string' ? raw.trim() : raw;
    if (value === '' || value === null) continue;
    if (field.type === 'integer' && typeof value === 'string') {
      if (/^-?\d+$/.test(value)) config[key] = Number(value);
      else addError(errors, key, 'Enter a whole number');
      continue;
    }
    config[key] = value;
  }
  const parsed = connector.configSchema.safeParse(config);
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      const key = String(issue.path[0] ?? 'config');
      // A required field left empty: zod says "expected string, received undefined"; people need its name.
      const missing = config[key] === undefined && fields.get(key);
      addError(errors, key, missing ? `Enter the ${missing.label}` : issue.message);
    }
    return undefined;
  }
  return parsed.data;
}

/**
 * A secret's fields, checked by name only: the messages never quote a value. Blank fields are
 * dropped; `required` asks for at least one field to be filled.
 */
export function parseSecretInput(
  connector: Connector,
  input: Record<string, string>,
  errors: FieldErrors,
  required: boolean,
): SecretFields | undefined {
  const known = new Set(connector.secretFields.map((f) => f.key));
  const secret: SecretFields = {};
  let ok = true;
  for (const [key, value] of Object.entries(input)) {
    if (!known.has(key)) {
      addError(errors, `secret.${key}`, `${connector.displayName} has no secret called ${key}`);
      ok = false;
    } else if (value.trim() !== '') secret[key] = value.trim();
  }
  if (required && Object.keys(secret).length === 0) {
    const first = connector.secretFields[0];
    addError(errors, `secret.${first?.key ?? 'secret'}`, `Enter the ${first?.label ?? 'secret'}`);
    ok = false;
  }
  return ok ? secret : undefined;
}
