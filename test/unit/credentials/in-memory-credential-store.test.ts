import { describe, expect, it } from 'vitest';
import { InMemoryCredentialStore } from '../../../src-main/core/credentials/in-memory-credential-store.ts';

describe('InMemoryCredentialStore', () => {
  it('sets, gets, updates and deletes like the keychain store', async () => {
    const store = new InMemoryCredentialStore();
    expect(await store.has('c1')).toBe(false);
    expect(await store.get('c1')).toBeUndefined();
    await store.set('c1', { clientSecret: 'a', subscriptionKey: 'b' });
    expect(await store.has('c1')).toBe(true);
    expect(await store.get('c1')).toEqual({ clientSecret: 'a', subscriptionKey: 'b' });
    await store.set('c1', { clientSecret: 'c' });
    expect(await store.get('c1')).toEqual({ clientSecret: 'c' });
    expect(await store.delete('c1')).toBe(true);
    expect(await store.delete('c1')).toBe(false);
    expect(await store.get('c1')).toBeUndefined();
  });

  it('hands out copies, so callers cannot change what is stored', async () => {
    const store = new InMemoryCredentialStore();
    const secret = { apiKey: 'original' };
    await store.set('c1', secret);
    secret.apiKey = 'mutated';
    const read = await store.get('c1');
    read!.apiKey = 'mutated again';
    expect(await store.get('c1')).toEqual({ apiKey: 'original' });
  });

  it('validates input the same way', async () => {
    const store = new InMemoryCredentialStore();
    await expect(store.set('', { a: 'b' })).rejects.toMatchObject({ code: 'CREDENTIAL_INPUT_INVALID' });
    await expect(store.set('c1', {})).rejects.toMatchObject({ code: 'CREDENTIAL_INPUT_INVALID' });
  });
});
