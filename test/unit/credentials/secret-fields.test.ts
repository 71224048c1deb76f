import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  assertConnectionId,
  parseSecretFields,
  serializeSecretFields,
} from '../../../src-main/core/credentials/secret-fields.ts';

/** The error `work` throws; fails the test when it throws nothing, so a parser that accepts cannot pass. */
function thrownBy(work: () => unknown): Error {
  try {
    work();
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected the input to be refused, but it was accepted');
}

describe('secret fields', () => {
  it('round-trips any object of string fields', () => {
    fc.assert(
      fc.property(fc.dictionary(fc.string({ minLength: 1 }), fc.string(), { minKeys: 1 }), (secret) => {
        const parsed = parseSecretFields('c1', serializeSecretFields(secret));
        expect(parsed).toEqual(Object.fromEntries(Object.entries(secret)));
      }),
    );
  });

  it('reads UTF-8 bytes as stored by the keychain', () => {
    const bytes = new TextEncoder().encode('{"clientSecret":"ø-æ-å"}');
    expect(parseSecretFields('c1', bytes)).toEqual({ clientSecret: 'ø-æ-å' });
  });

  it.each([
    ['not JSON', 'MARKER {'],
    ['JSON null', 'null'],
    ['a JSON string', '"MARKER"'],
    ['a JSON array', '["MARKER"]'],
    ['a nested object', '{"a":{"b":"MARKER"}}'],
    ['a number field', '{"a":"MARKER","b":1}'],
    ['an empty object', '{}'],
    ['an empty field name', '{"":"MARKER"}'],
  ])('rejects %s without echoing it', (_label, raw) => {
    expect(() => parseSecretFields('c1', raw)).toThrowError(
      expect.objectContaining({ code: 'SECRET_MALFORMED', connectionId: 'c1' }),
    );
    const error = thrownBy(() => parseSecretFields('c1', raw));
    expect(String(error)).not.toContain('MARKER');
    expect(error.cause).toBeUndefined();
  });

  it('rejects bytes that are not UTF-8', () => {
    expect(() => parseSecretFields('c1', Uint8Array.of(0x7b, 0xff, 0xfe, 0x7d))).toThrowError(/unreadable/);
  });

  it('never echoes arbitrary garbage', () => {
    fc.assert(
      fc.property(fc.string({ minLength: 1 }), (junk) => {
        // Starts with `x`, so never JSON: every input must be refused, and never quoted.
        const error = thrownBy(() => parseSecretFields('c1', `x${junk}MARKER`));
        expect(error).toMatchObject({ code: 'SECRET_MALFORMED' });
        expect(String(error)).not.toContain('MARKER');
      }),
    );
  });

  it.each([
    ['null', null],
    ['an array', ['MARKER']],
    ['an empty object', {}],
    ['a number field', { apiKey: 'MARKER', port: 443 }],
    ['an empty field name', { '': 'MARKER' }],
  ])('refuses to store %s, naming at most the field', (_label, secret) => {
    expect(() => serializeSecretFields(secret as never)).toThrowError(
      expect.objectContaining({ code: 'CREDENTIAL_INPUT_INVALID' }),
    );
    expect(() => serializeSecretFields(secret as never)).not.toThrowError(/MARKER/);
  });

  it('names the field that is not a string', () => {
    expect(() => serializeSecretFields({ apiKey: 'x', port: 443 } as never)).toThrowError(
      'Secret field "port" must be a string.',
    );
  });

  it.each([[''], ['   '], [42], ['x'.repeat(201)]])('rejects connection id %j', (id) => {
    expect(() => assertConnectionId(id)).toThrowError(
      expect.objectContaining({ code: 'CREDENTIAL_INPUT_INVALID' }),
    );
  });
});
