import { writeFileSync } from 'node:fs';
import { request } from 'node:http';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningServer, startServer } from '../../../src-main/server/serve.ts';
import { useTempHome } from '../../support/temp-home.ts';

const tempHome = useTempHome();

function raw(
  port: number,
  method: string,
  urlPath: string,
  headers: Record<string, string> = {},
  body?: string,
): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(
      { host: '127.0.0.1', port, method, path: urlPath, headers, timeout: 10_000 },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        // The event stream never ends: its head is enough.
        if (res.headers['content-type']?.startsWith('text/event-stream')) {
          req.destroy();
          resolve({ status: res.statusCode ?? 0, headers: res.headers, body: '' });
        }
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            headers: res.headers,
            body: Buffer.concat(chunks).toString(),
          }),
        );
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

function fixtureUi(): string {
  const ui = tempHome();
  writeFileSync(path.join(ui, 'index.html'), '<!doctype html><body></body>');
  return ui;
}

describe('browser mode hardening', () => {
  let a: RunningServer;
  let b: RunningServer;

  beforeAll(async () => {
    const ui = fixtureUi();
    [a, b] = await Promise.all([
      startServer({ home: tempHome(), rendererDir: ui, restartDelayMs: () => 50 }),
      startServer({ home: tempHome(), rendererDir: ui }),
    ]);
  });
  afterAll(async () => {
    await a?.close();
    await b?.close();
  });

  it('refuses look-alike hosts, origins and wrong ports', async () => {
    const auth = { 'x-posrecon-token': a.token };
    for (const host of [
      `localhost.evil.example:${a.port}`,
      `127.0.0.1.evil.example:${a.port}`,
      `127.0.0.1:${a.port}.evil.example`,
      `127.0.0.1:${b.port}`,
      `localhost:${a.port}0`,
      '127.0.0.1',
    ]) {
      expect((await raw(a.port, 'GET', '/', { ...auth, host })).status, host).toBe(421);
    }
    for (const origin of [
      'http://127.0.0.1.evil.example',
      `http://127.0.0.1.evil.example:${a.port}`,
      `http://localhost:${b.port}`,
      `https://127.0.0.1:${a.port}`,
      `http://127.0.0.1:${a.port}.evil.example`,
      'null',
    ]) {
      const res = await raw(a.port, 'POST', '/api/call/settings:get', { ...auth, origin }, '{}');
      expect(res.status, origin).toBe(403);
    }
  });

  it('names its session cookie per port, so two servers on 127.0.0.1 keep their own', async () => {
    const fromA = String((await raw(a.port, 'GET', `/?token=${a.token}`)).headers['set-cookie']);
    const fromB = String((await raw(b.port, 'GET', `/?token=${b.token}`)).headers['set-cookie']);
    expect(fromA).toMatch(new RegExp(`^posrecon_token_${a.port}=`));
    expect(fromB).toMatch(new RegExp(`^posrecon_token_${b.port}=`));
    // The browser sends both cookies to both ports; each server reads its own.
    const both = `${fromA.split(';')[0]}; ${fromB.split(';')[0]}`;
    expect((await raw(a.port, 'GET', '/', { cookie: both })).status).toBe(200);
    expect((await raw(b.port, 'GET', '/', { cookie: both })).status).toBe(200);
  });

  it('sends the security headers on the redirect and the event stream too', async () => {
    const redirect = await raw(a.port, 'GET', `/?token=${a.token}`);
    const stream = await raw(a.port, 'GET', '/api/events', { 'x-posrecon-token': a.token });
    for (const res of [redirect, stream]) {
      expect(res.headers['content-security-policy']).toMatch(/default-src/);
      expect(res.headers['x-content-type-options']).toBe('nosniff');
      expect(res.headers['referrer-policy']).toBe('no-referrer');
    }
  });

  it('restarts a core host that died and tells the UI', async () => {
    const seen: unknown[] = [];
    a.host.onEvent((name, payload) => name === 'host:status' && seen.push(payload));
    const before = a.host.host.pid;
    process.kill(before ?? 0, 'SIGKILL');
    await expect.poll(() => seen.length, { timeout: 30_000 }).toBeGreaterThanOrEqual(2);
    expect(seen).toEqual([
      expect.objectContaining({ state: 'restarting', attempt: 1 }),
      expect.objectContaining({ state: 'ready' }),
    ]);
    expect(a.host.host.pid).not.toBe(before);
    const res = await raw(a.port, 'POST', '/api/call/app:info', { 'x-posrecon-token': a.token }, '{}');
    expect(res.status).toBe(200);
  });
});
