import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { ConnectorError } from '../../../src-main/core/providers/connector-error.ts';
import { createProviderHttp } from '../../../src-main/core/providers/shared/provider-http.ts';

/** A port on this computer where nothing listens any more: a real refused connection. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

const request = (baseUrl: string) =>
  createProviderHttp({
    providerName: 'Vipps MobilePay',
    baseUrl,
    signal: new AbortController().signal,
    retries: 0,
  })
    .request('GET', '/report/v2/ledgers', { searchParams: { cursor: 'abc' } })
    .catch((e: unknown) => e);

describe('a provider that cannot be reached', () => {
  it('is said in plain words with what to do, never the request URL; the network error stays the cause', async () => {
    const port = await closedPort();
    const err = await request(`http://127.0.0.1:${port}/vipps`);
    expect(err).toBeInstanceOf(ConnectorError);
    expect((err as ConnectorError).kind).toBe('transient');
    expect((err as Error).message).toBe(
      "Could not reach Vipps MobilePay: nothing answers at its address. Check its address in Connections and this computer's network, then try again.",
    );
    expect((err as Error).message).not.toMatch(/127\.0\.0\.1|http|cursor|ECONN/);
    expect(String((err as Error).cause)).toMatch(/network error/);
  });

  it('a port fetch refuses outright is named too', async () => {
    const err = await request('http://127.0.0.1:6000/vipps');
    expect((err as Error).message).toMatch(
      /^Could not reach Vipps MobilePay: its address uses a port that cannot be used\./,
    );
  });
});
