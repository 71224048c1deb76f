import { PassThrough } from 'node:stream';
import { expect, it } from 'vitest';
import { runSandboxCommand } from '../../../src-main/cli/commands/sandbox.ts';

function capture(): { stream: PassThrough; text: () => string } {
  const stream = new PassThrough();
  let text = '';
  stream.on('data', (c: Buffer) => (text += c.toString('utf8')));
  return { stream, text: () => text };
}

it('posrecon sandbox --json prints every base URL with demo credentials, serves, and stops on abort', async () => {
  const out = capture();
  const err = capture();
  const ac = new AbortController();
  const run = runSandboxCommand(
    { seed: 1, days: 2, salesPerDay: 10, json: true },
    { stdout: out.stream, stderr: err.stream, signal: ac.signal },
  );
  for (let i = 0; i < 200 && !out.text().includes('}\n'); i++) await new Promise((r) => setTimeout(r, 10));
  const printed = JSON.parse(out.text()) as {
    providers: Record<string, { baseUrl: string; credentials: Record<string, string> }>;
  };
  expect(Object.keys(printed.providers).sort()).toEqual(['cents', 'sensepass', 'sentrypos', 'tgi', 'vipps']);
  const { baseUrl, credentials } = printed.providers.sentrypos ?? { baseUrl: '', credentials: {} };
  const res = await fetch(`${baseUrl}/public/api/v1/sales?limit=1`, {
    headers: { authorization: `Bearer ${credentials.apiKey}` },
  });
  expect(res.status).toBe(200);
  ac.abort();
  expect(await run).toBe(0);
  await expect(fetch(`${baseUrl}/public/api/v1/sales`)).rejects.toThrow();
});

it('human-readable output names each provider', async () => {
  const out = capture();
  const ac = new AbortController();
  ac.abort();
  const code = await runSandboxCommand(
    { seed: 1, days: 2, salesPerDay: 10, json: false },
    { stdout: out.stream, stderr: capture().stream, signal: ac.signal },
  );
  expect(code).toBe(0);
  for (const p of ['sentrypos', 'vipps', 'tgi', 'sensepass', 'cents']) expect(out.text()).toContain(p);
});
