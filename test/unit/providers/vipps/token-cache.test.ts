import { describe, expect, it } from 'vitest';
import { lifetimeSeconds, TokenCache } from '../../../../src-main/core/providers/shared/token-cache.ts';

describe('TokenCache', () => {
  it('reuses a token until a margin before expiry, then fetches a new one', async () => {
    let now = 0;
    let n = 0;
    const cache = new TokenCache({
      now: () => now,
      marginMs: 60_000,
      defaultLifetimeMs: 900_000,
      fetchToken: async () => ({ value: `t${++n}`, expiresInSeconds: 900 }),
    });
    expect(await cache.get()).toBe('t1');
    now = 839_999;
    expect(await cache.get()).toBe('t1');
    now = 840_000;
    expect(await cache.get()).toBe('t2');
    expect(await cache.get(true)).toBe('t3');
  });

  it('shares one fetch between concurrent callers and forgets a failed one', async () => {
    let n = 0;
    let fail = true;
    const cache = new TokenCache({
      defaultLifetimeMs: 60_000,
      fetchToken: async () => {
        n++;
        if (fail) throw new Error('down');
        return { value: 'ok', expiresInSeconds: null };
      },
    });
    await expect(Promise.all([cache.get(), cache.get()])).rejects.toThrow('down');
    expect(n).toBe(1);
    fail = false;
    expect(await Promise.all([cache.get(), cache.get()])).toEqual(['ok', 'ok']);
    expect(n).toBe(2);
  });

  it('accepts a lifetime as a number or as a string of digits', () => {
    expect(lifetimeSeconds.parse(900)).toBe(900);
    expect(lifetimeSeconds.parse('900')).toBe(900);
    expect(lifetimeSeconds.safeParse('15 minutes').success).toBe(false);
  });
});
