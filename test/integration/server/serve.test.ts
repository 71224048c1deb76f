import { writeFileSync } from 'node:fs';
import { request } from 'node:http';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningServer, startServer } from '../../../src-main/server/serve.ts';
import { useTempHome } from '../../support/temp-home.ts';

interface RawResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/** Raw node:http so the test controls Host, Origin and unnormalized paths exactly. */
function raw(
  port: number,
  method: string,
  path: string,
  headers: Record<string, string> = {},
  body?: string,
): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, method, path, headers, timeout: 10_000 }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () =>
        resolve({
          status: res.statusCode ?? 0,
          headers: res.headers,
          body: Buffer.concat(chunks).toString('utf8'),
        }),
      );
    });
    req.on('error', reject);
    req.end(body);
  });
}

const tempHome = useTempHome();

describe('posrecon serve (browser mode)', () => {
  let server: RunningServer;
  let auth: Record<string, string>;
  let home: string;

  beforeAll(async () => {
    home = tempHome();
    // The transport is under test here, not the UI bundle (the E2E serves the real one): a fixture page.
    const ui = tempHome();
    writeFileSync(path.join(ui, 'index.html'), '<!doctype html><body><div id="app"></div></body>');
    writeFileSync(path.join(tempHome(), 'package.json'), '{"name": "posrecon"}');
    server = await startServer({ home, rendererDir: ui });
    auth = { 'x-posrecon-token': server.token };
  });
  afterAll(async () => server?.close());

  const call = (op: string, input: unknown, headers = auth) =>
    raw(
      server.port,
      'POST',
      `/api/call/${op}`,
      { 'content-type': 'application/json', ...headers },
      JSON.stringify(input),
    );

  it('prints a loopback URL that carries the token once', () => {
    expect(server.url).toMatch(
      new RegExp(`^http://127\\.0\\.0\\.1:${server.port}/\\?token=[A-Za-z0-9_-]{40,}$`),
    );
  });

  it('answers 401 without the token and does not reach the core', async () => {
    const res = await call('settings:set', { shopName: 'Hacked' }, {});
    expect(res.status).toBe(401);
    expect(res.body).toMatch(/token/);
    const wrong = await call('settings:set', { shopName: 'Hacked' }, { 'x-posrecon-token': 'nope' });
    expect(wrong.status).toBe(401);
    expect((await raw(server.port, 'GET', '/')).status).toBe(401);
    expect((await raw(server.port, 'GET', '/api/events')).status).toBe(401);
    const settings = JSON.parse((await call('settings:get', {})).body);
    expect(settings.value.shopName).toBe('My shop');
  });

  it('swaps the URL token for an HttpOnly cookie, then serves the app with a strict CSP', async () => {
    const first = await raw(server.port, 'GET', `/?token=${server.token}`);
    expect(first.status).toBe(303);
    expect(first.headers.location).toBe('/');
    const cookie = String(first.headers['set-cookie']);
    expect(cookie).toMatch(/HttpOnly/);
    expect(cookie).toMatch(/SameSite=Strict/);
    const page = await raw(server.port, 'GET', '/', { cookie: cookie.split(';')[0] ?? '' });
    expect(page.status).toBe(200);
    expect(page.body).toMatch(/<div id="app"|<body/);
    expect(page.headers['content-security-policy']).toMatch(/script-src 'self'/);
    expect(page.headers['content-security-policy']).not.toMatch(/unsafe-eval/);
  });

  it('checks Host and Origin', async () => {
    expect((await raw(server.port, 'GET', '/', { ...auth, host: 'evil.example' })).status).toBe(421);
    expect(
      (await raw(server.port, 'GET', '/', { ...auth, host: `evil.example:${server.port}` })).status,
    ).toBe(421);
    const cross = await call(
      'settings:set',
      { shopName: 'CSRF' },
      { ...auth, origin: 'http://evil.example' },
    );
    expect(cross.status).toBe(403);
    const same = await call('settings:get', {}, { ...auth, origin: `http://127.0.0.1:${server.port}` });
    expect(same.status).toBe(200);
  });

  it('runs the contract: validation errors, bad JSON, unknown operations', async () => {
    const bad = await call('settings:set', { timeZone: 'Atlantis/Nowhere' });
    expect(bad.status).toBe(400);
    expect(JSON.parse(bad.body)).toMatchObject({
      ok: false,
      error: { code: 'BAD_INPUT', details: { fieldErrors: { timeZone: [expect.any(String)] } } },
    });
    const garbage = await raw(server.port, 'POST', '/api/call/settings:set', auth, '{"shopName": ');
    expect(garbage.status).toBe(400);
    expect(JSON.parse(garbage.body).error.code).toBe('BAD_JSON');
    expect((await call('nope:nothing', {})).status).toBe(404);
    const ok = await call('settings:set', { shopName: 'Kiosk Nord' });
    expect(JSON.parse(ok.body)).toEqual({
      ok: true,
      value: { shopName: 'Kiosk Nord', timeZone: 'Europe/Oslo', currency: 'NOK' },
    });
    const info = JSON.parse((await call('app:info', {})).body);
    expect(info.value.dataDir).toBe(home);
  });

  it('refuses path traversal in every spelling', async () => {
    for (const p of [
      '/../package.json',
      '/%2e%2e/package.json',
      '/..%2fpackage.json',
      '/%2e%2e%2f%2e%2e%2fetc/passwd',
      '/..\\package.json',
      '//etc/passwd',
    ]) {
      const res = await raw(server.port, 'GET', p, auth);
      expect(res.status, p).not.toBe(200);
      expect(res.body, p).not.toMatch(/"name": "posrecon"|root:x:0/);
    }
  });

  it('streams core events to the browser', async () => {
    let change: Promise<unknown> = Promise.resolve();
    const received = new Promise<string>((resolve, reject) => {
      const req = request(
        { host: '127.0.0.1', port: server.port, path: '/api/events', headers: auth },
        (res) => {
          expect(res.headers['content-type']).toMatch(/text\/event-stream/);
          let text = '';
          res.on('data', (c: Buffer) => {
            text += c.toString('utf8');
            if (text.includes('event: settings:changed')) {
              req.destroy();
              resolve(text);
            } else if (text.includes(': connected')) {
              change = call('settings:set', { shopName: 'Evented' });
            }
          });
        },
      );
      req.on('error', (e) => (e.message.includes('aborted') ? undefined : reject(e)));
      req.end();
    });
    const text = await received;
    // Wait for the call's own answer too, so no request is still open when the server closes.
    expect(JSON.parse(((await change) as RawResponse).body)).toMatchObject({ ok: true });
    expect(text).toMatch(/data: \{"shopName":"Evented"/);
  });
});
