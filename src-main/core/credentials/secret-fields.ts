import type { SecretFields } from './credential-store.ts';
import { InvalidCredentialInputError, MalformedSecretError } from './credential-errors.ts';

/** Keychains key entries by account; a runaway id is a bug, not a connection. */
const MAX_CONNECTION_ID_LENGTH = 200;

export function assertConnectionId(connectionId: unknown): asserts connectionId is string {
  if (typeof connectionId !== 'string' || connectionId.trim() === '') {
    throw new InvalidCredentialInputError('A connection id must be a non-empty string.');
  }
  if (connectionId.length > MAX_CONNECTION_ID_LENGTH) {
    throw new InvalidCredentialInputError(
      `A connection id must be at most ${MAX_CONNECTION_ID_LENGTH} characters.`,
    );
  }
}

/**
 * Checks a secret before it is stored. Errors name the offending field, never a value: the value is
 * the secret.
 */
export function assertSecretFields(secret: unknown): asserts secret is SecretFields {
  if (typeof secret !== 'object' || secret === null || Array.isArray(secret)) {
    throw new InvalidCredentialInputError('A secret must be an object of named text fields.');
  }
  const names = Object.keys(secret);
  if (names.length === 0) throw new InvalidCredentialInputError('A secret must have at least one field.');
  for (const name of names) {
    if (name === '') throw new InvalidCredentialInputError('A secret field needs a name.');
    if (typeof (secret as Record<string, unknown>)[name] !== 'string') {
      throw new InvalidCredentialInputError(`Secret field "${name}" must be a string.`);
    }
  }
}

/** The keychain entry's text: one JSON object holding every field of the connection's secret. */
export function serializeSecretFields(secret: SecretFields): string {
  assertSecretFields(secret);
  // Copy own enumerable fields only, so a class instance or a proxy cannot smuggle anything else in.
  return JSON.stringify(Object.fromEntries(Object.entries(secret)));
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * Reads a keychain entry back. Anything that is not UTF-8 JSON of an object of strings (someone
 * else's entry, a truncated write) is a `MalformedSecretError` that says nothing about the value:
 * the parser's own errors are dropped because V8's `SyntaxError` quotes the input.
 */
export function parseSecretFields(connectionId: string, stored: Uint8Array | string): SecretFields {
  let parsed: unknown;
  try {
    parsed = JSON.parse(typeof stored === 'string' ? stored : utf8.decode(stored));
  } catch {
    throw new MalformedSecretError(connectionId);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new MalformedSecretError(connectionId);
  }
  const entries = Object.entries(parsed);
  if (entries.length === 0 || entries.some(([name, value]) => name === '' || typeof value !== 'string')) {
    throw new MalformedSecretError(connectionId);
  }
  return Object.fromEntries(entries) as SecretFields;
}
