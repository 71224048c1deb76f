import fc from 'fast-check';
import { writeFileSync } from 'node:fs';
import { Agent, request } from 'node:http';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { operationNames } from '../../../src-main/core/api/contract.ts';
import { IPC_CALL_PREFIX } from '../../../src-main/core/api/bridge.ts';
import { bindOperations, type InvokeEventLike } from '../../../src-main/electron/ipc-binding.ts';
import { type RunningServer, startServer } from '../../../src-main/server/serve.ts';
import { useTempHome } from '../../support/temp-home.ts';

const tempHome = useTempHome();
const agent = new Agent({ keepAlive: true, maxSockets: 8 });

function post(
  port: number,
  token: string,
  op: string,
  body: Buffer,
): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: '127.0.0.1',
        port,
        method: 'POST',
        path: `/api/call/${encodeURIComponent(op).replace(/%3A/g, ':')}`,
        headers: { 'x-posrecon-token': token, 'content-type': 'application/json' },
        agent,
        timeout: 15_000,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString() }));
      },
    );
    req.on('timeout', () => req.destroy(new Error(`no answer to ${op} (hang)`)));
    req.on('error', reject);
    req.end(body);
  });
}

const nested = (depth: number, open = '{"a":', close = '}') => open.repeat(depth) + '1' + close.repeat(depth);

/** No input a real caller would mean: objects always carry a key no operation takes. */
const hostileValue = fc.oneof(
  fc.jsonValue({ maxDepth: 6 }).map((v) => ({ fuzz: v })),
  fc.dictionary(fc.string(), fc.jsonValue({ maxDepth: 3 })).map((d) => ({ ...d, fuzz: true })),
  fc.array(fc.anything({ maxDepth: 3 }), { maxLength: 20 }),
  fc.oneof(fc.string(), fc.integer(), fc.double(), fc.boolean()),
);

/** What goes on the wire: text in several encodings, raw bytes, deep nesting, oversized bodies. */
const hostileBody = fc.oneof(
  { weight: 4, arbitrary: hostileValue.map((v) => ({ text: JSON.stringify(v), value: v as unknown })) },
  {
    weight: 2,
    arbitrary: fc
      .tuple(
        fc.integer({ min: 33, max: 6000 }),
        fc.constantFrom(['{"a":', '}'], ['[', ']'], ['{"x":[', ']}']),
      )
      .map(([d, [o, c]]) => ({ text: nested(d, o, c), value: undefined as unknown })),
  },
  {
    weight: 2,
    arbitrary: fc
      .uint8Array({ minLength: 1, maxLength: 512 })
      .map((b) => ({ bytes: Buffer.from(b), value: Buffer.from(b).toString('latin1') as unknown })),
  },
  {
    weight: 1,
    arbitrary: fc
      .string({ unit: 'binary', minLength: 1 })
      .chain((t) =>
        fc
          .constantFrom<BufferEncoding>('utf16le', 'latin1', 'utf8')
          .map((e) => ({ bytes: Buffer.from(t, e), value: t as unknown })),
      ),
  },
);

const realOrNot = fc.oneof(
  { weight: 5, arbitrary: fc.constantFrom(...operationNames) },
  { weight: 1, arbitrary: fc.string({ maxLength: 30 }) },
);

function bodyBytes(b: { text?: string; bytes?: Buffer }): Buffer {
  return b.bytes ?? Buffer.from(b.text ?? '', 'utf8');
}

/** Bodies JSON reads as "no input", which the contract accepts for operations that take none. */
function meansNoInput(bytes: Buffer): boolean {
  const text = bytes.toString('utf8').trim();
  if (text === '') return true;
  try {
    const v: unknown = JSON.parse(text);
    return (
      v === null || (typeof v === 'object' && !Array.isArray(v) && Object.keys(v as object).length === 0)
    );
  } catch {
    return false;
  }
}

describe('hostile input over HTTP and IPC', () => {
  let server: RunningServer;
  const statuses: unknown[] = [];
  const ipc = new Map<string, (event: InvokeEventLike, ...args: unknown[]) => Promise<unknown>>();
  const trusted: InvokeEventLike = { senderFrame: { url: 'app://posrecon/index.html', parent: null } };

  beforeAll(async () => {
    const ui = tempHome();
    writeFileSync(path.join(ui, 'index.html'), '<!doctype html><body></body>');
    server = await startServer({ home: tempHome(), rendererDir: ui });
    server.host.onEvent((name, payload) => name === 'host:status' && statuses.push(payload));
    bindOperations({ handle: (channel, fn) => ipc.set(channel, fn) }, (op, input) =>
      server.host.call(op, input),
    );
  });
  afterAll(async () => {
    agent.destroy();
    await server?.close();
  });

  it('answers the nesting that used to kill the core with 400, and the core lives on', async () => {
    for (const depth of [3000, 6000]) {
      const res = await post(server.port, server.token, 'app:info', Buffer.from(nested(depth)));
      expect(res.status).toBe(400);
      expect(JSON.parse(res.body)).toMatchObject({ ok: false, error: { code: 'INPUT_TOO_DEEP' } });
    }
    let deep: unknown = 1;
    for (let i = 0; i < 6000; i++) deep = { a: deep };
    const viaIpc = await ipc.get(`${IPC_CALL_PREFIX}app:info`)?.(trusted, deep);
    expect(viaIpc).toMatchObject({ ok: false, error: { code: 'INPUT_TOO_DEEP' } });
    const huge = await post(
      server.port,
      server.token,
      'app:info',
      Buffer.from(`{"a":"${'x'.repeat(1_100_000)}"}`),
    );
    expect(huge.status).toBe(413);
    expect((await post(server.port, server.token, 'app:info', Buffer.from('{}'))).status).toBe(200);
  });

  it('gives 10,000 random inputs to every operation a 4xx with an error code, without a crash or a hang', async () => {
    let tried = 0;
    await fc.assert(
      fc.asyncProperty(realOrNot, hostileBody, async (op, body) => {
        const bytes = bodyBytes(body);
        fc.pre(!meansNoInput(bytes));
        tried++;
        const res = await post(server.port, server.token, op, bytes);
        expect(res.status, `${op} ${bytes.subarray(0, 80).toString()}`).toBeGreaterThanOrEqual(400);
        expect(res.status).toBeLessThan(500);
        expect(JSON.parse(res.body)).toMatchObject({ ok: false, error: { code: expect.any(String) } });
        const handler = ipc.get(`${IPC_CALL_PREFIX}${op}`);
        if (handler && body.value !== undefined && body.value !== null) {
          const answer = (await handler(trusted, body.value)) as { ok: boolean; error?: { code: string } };
          expect(answer.ok, `${op} over IPC`).toBe(false);
          expect(answer.error?.code).toMatch(/^[A-Z_]+$/);
          expect(answer.error?.code).not.toMatch(/INTERNAL|HOST_/);
        }
      }),
      { numRuns: 10_000, seed: 14 },
    );
    expect(tried).toBeGreaterThanOrEqual(10_000);
    expect(statuses).toEqual([]);
    expect(server.host.host.exited).toBe(false);
  }, 240_000);
});
