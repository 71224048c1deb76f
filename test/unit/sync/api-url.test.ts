import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { ConnectorError } from '../../../src-main/core/providers/connector-error.ts';
import {
  apiUrlProblem,
  isLoopbackHost,
  joinApiUrl,
} from '../../../src-main/core/providers/shared/api-url.ts';
import { createProviderHttp } from '../../../src-main/core/providers/shared/provider-http.ts';
import {
  BOUND_ORIGINS,
  bindSecret,
  boundOrigins,
  withoutBinding,
} from '../../../src-main/core/sync/secret-binding.ts';
import { redactSecrets } from '../../../src-main/core/sync/redact-secrets.ts';

describe('provider addresses', () => {
  it('accepts https anywhere and http only on this computer', () => {
    expect(apiUrlProblem('https://api.vipps.no')).toBeNull();
    expect(apiUrlProblem('https://api.example.com:8443/v1/')).toBeNull();
    for (const local of [
      'http://127.0.0.1:4000/x',
      'http://localhost:1',
      'http://[::1]:2/',
      'http://127.9.9.9',
    ]) {
      expect(apiUrlProblem(local), local).toBeNull();
    }
    expect(apiUrlProblem('http://api.vipps.no')).toMatch(/must start with https:\/\//);
    expect(apiUrlProblem('http://127.0.0.1.evil.example/')).toMatch(/must start with https:\/\//);
    expect(isLoopbackHost('localhost.evil.example')).toBe(false);
  });

  it('refuses credentials, queries, fragments and other schemes, in plain words', () => {
    expect(apiUrlProblem('https://user:pass@api.example.com')).toMatch(/user name or password/);
    expect(apiUrlProblem('https://key@api.example.com')).toMatch(/user name or password/);
    expect(apiUrlProblem('https://api.example.com/v1?api_key=1')).toMatch(/must not contain a query/);
    expect(apiUrlProblem('https://api.example.com/v1?')).toMatch(/must not contain a query/);
    expect(apiUrlProblem('https://api.example.com/v1#x')).toMatch(/# part/);
    expect(apiUrlProblem('ftp://api.example.com')).toMatch(/must start with https:\/\//);
    expect(apiUrlProblem('api.example.com')).toMatch(/full address/);
  });

  it('joins a path below the base, never after a query, never outside it', () => {
    expect(joinApiUrl('https://h.example/v1', '/transactions?limit=5').href).toBe(
      'https://h.example/v1/transactions?limit=5',
    );
    expect(joinApiUrl('https://h.example/v1/', 'a/b').href).toBe('https://h.example/v1/a/b');
    expect(joinApiUrl('https://h.example', 'a').href).toBe('https://h.example/a');
    expect(() => joinApiUrl('https://h.example/v1?api_key=k', 'a')).toThrow(/must not contain a query/);
    for (const escape of ['https://evil.example/a', '../a', '/%2e%2e/a', 'http:evil']) {
      expect(() => joinApiUrl('https://h.example/v1', escape), escape).toThrow(/leaves the API address/);
    }
    // A scheme-relative path stays below the base: it is a path, not a host.
    expect(joinApiUrl('https://h.example/v1', '//evil.example/a').href).toBe(
      'https://h.example/v1/evil.example/a',
    );
  });

  it('the HTTP client refuses a base with a query before asking for the secret or sending anything', async () => {
    let requests = 0;
    let authorized = 0;
    const server = createServer((_req, res) => {
      requests++;
      res.end('{}');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    try {
      const http = createProviderHttp({
        providerName: 'Test',
        baseUrl: `http://127.0.0.1:${port}/v1?api_key=k`,
        signal: new AbortController().signal,
        retries: 0,
        authorize: async () => {
          authorized++;
        },
      });
      const err = await http.request('GET', 'transactions').catch((e: unknown) => e);
      expect(err).toBeInstanceOf(ConnectorError);
      expect((err as ConnectorError).kind).toBe('config');
      expect((err as Error).message).toMatch(/must not contain a query/);
      expect([requests, authorized]).toEqual([0, 0]);

      const ok = createProviderHttp({
        providerName: 'Test',
        baseUrl: `http://127.0.0.1:${port}/v1`,
        signal: new AbortController().signal,
        retries: 0,
        onAttempt: ({ url }) => expect(new URL(url).pathname).toBe('/v1/transactions'),
      });
      await ok.request('GET', '/transactions', { searchParams: { limit: 2 } });
      expect(requests).toBe(1);
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });
});

describe('secret binding', () => {
  it('stores the origins beside the fields and takes them off again', () => {
    const bound = bindSecret({ apiKey: 'k1234' }, ['https://a.example', 'https://b.example']);
    expect(bound).toEqual({ apiKey: 'k1234', [BOUND_ORIGINS]: 'https://a.example https://b.example' });
    expect(boundOrigins(bound)).toEqual(['https://a.example', 'https://b.example']);
    expect(boundOrigins({ apiKey: 'k1234' })).toBeNull();
    expect(withoutBinding(bound)).toEqual({ apiKey: 'k1234' });
    // Messages may name the addresses: only the secret's values are cut out.
    expect(redactSecrets('k1234 at https://a.example', bound)).toBe('[redacted] at https://a.example');
  });
});
