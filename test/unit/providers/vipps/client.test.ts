import { describe, expect, it } from 'vitest';
import { ConnectorError } from '../../../../src-main/core/providers/connector-error.ts';
import { reportDate, reportFeed, salesFeed } from '../../../../src-main/core/providers/vipps/client.ts';
import { readMarks } from '../../../../src-main/core/providers/vipps/streams.ts';
import type { ProviderHttp } from '../../../../src-main/core/providers/shared/provider-http.ts';

/** Answers each request with the next canned body and records what was asked. */
function fakeHttp(
  bodies: unknown[],
): ProviderHttp & { calls: { path: string; query: Record<string, unknown> }[] } {
  const calls: { path: string; query: Record<string, unknown> }[] = [];
  return {
    calls,
    attempts: 0,
    async request<T>(_m: string, path: string, o: { searchParams?: Record<string, unknown> } = {}) {
      calls.push({ path, query: o.searchParams ?? {} });
      if (bodies.length === 0) throw new Error('no more canned responses');
      return { data: bodies.shift() as T, status: 200, headers: new Headers() };
    },
  };
}

async function collect<T>(it: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const x of it) out.push(x);
  return out;
}

describe('Vipps paging', () => {
  it('date endpoint: follows hasMore through an empty page; cursor only with hasMore; tryLater = open', async () => {
    const http = fakeHttp([
      { hasMore: true, cursor: 'c1', tryLater: true, items: [{ a: 1 }] },
      { hasMore: true, cursor: 'c2', tryLater: true, items: [] },
      { hasMore: false, tryLater: true, items: [{ a: 2 }] },
    ]);
    const pages = await collect(reportDate(http, '302321', 'funds', '2026-03-10'));
    expect(pages.map((p) => [p.items.length, p.last, p.tryLater])).toEqual([
      [1, false, true],
      [0, false, true],
      [1, true, true],
    ]);
    expect(http.calls.map((c) => c.query.cursor)).toEqual([undefined, 'c1', 'c2']);
    expect(http.calls[0]?.path).toBe('report/v2/ledgers/302321/funds/dates/2026-03-10');
  });

  it('date endpoint: hasMore without a cursor is a protocol error', async () => {
    const http = fakeHttp([{ hasMore: true, items: [] }]);
    await expect(collect(reportDate(http, '1', 'fees', '2026-03-10'))).rejects.toMatchObject({
      kind: 'protocol',
    });
  });

  it('feed: stops at tryLater and hands back its cursor; an empty or missing cursor is unreadable', async () => {
    const http = fakeHttp([
      { cursor: 'f1', items: [{ a: 1 }] },
      { cursor: 'f2', tryLater: true, items: [] },
    ]);
    const pages = await collect(reportFeed(http, '1', 'funds', 'f0'));
    expect(pages.map((p) => [p.cursor, p.last])).toEqual([
      ['f1', false],
      ['f2', true],
    ]);
    expect(http.calls.map((c) => c.query.cursor)).toEqual(['f0', 'f1']);
    for (const body of [{ cursor: '', items: [] }, { items: [] }, { cursor: 'x', items: 'nope' }]) {
      const err = await collect(reportFeed(fakeHttp([body]), '1', 'funds', null)).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(ConnectorError);
      expect((err as ConnectorError).kind).toBe('protocol');
      expect((err as ConnectorError).message).toMatch(
        /^Vipps MobilePay sent a funds feed page we cannot read/,
      );
    }
  });

  it('sales feed: pageSize 1000, stops on hasMore false (or a short page when hasMore is missing)', async () => {
    const http = fakeHttp([
      { items: Array.from({ length: 1000 }, () => ({})), cursor: 's1', hasMore: true },
      { items: [{}], cursor: 's2' },
    ]);
    const pages = await collect(salesFeed(http, '1', null));
    expect(pages.map((p) => [p.cursor, p.last])).toEqual([
      ['s1', false],
      ['s2', true],
    ]);
    expect(http.calls[0]?.query).toMatchObject({ pageSize: 1000 });
  });
});

describe('Vipps bookmark', () => {
  it('reads its own format and treats anything else as no bookmark', () => {
    const doc = JSON.stringify({ v: 1, ledgers: { '302321': { cursor: 'abc', open: ['2026-03-10'] } } });
    expect(readMarks(doc)).toEqual({ '302321': { cursor: 'abc', open: ['2026-03-10'] } });
    expect(readMarks('not json')).toEqual({});
    expect(readMarks(JSON.stringify({ through: '2026-01-01' }))).toEqual({});
    expect(readMarks(null)).toEqual({});
  });
});

describe('Vipps config', () => {
  it('defaults to partner keys and the production API; merchant keys need the MSN', async () => {
    const { vippsConfigSchema } = await import('../../../../src-main/core/providers/vipps/config.ts');
    expect(vippsConfigSchema.parse({ clientId: 'id' })).toEqual({
      clientId: 'id',
      keyFlow: 'partner',
      baseUrl: 'https://api.vipps.no',
    });
    expect(vippsConfigSchema.safeParse({ clientId: 'id', keyFlow: 'merchant' }).success).toBe(false);
    expect(
      vippsConfigSchema.parse({ clientId: 'id', keyFlow: 'merchant', merchantSerialNumber: '123456' })
        .keyFlow,
    ).toBe('merchant');
  });
});

describe('Vipps conformance (issue 16)', () => {
  it('feed: the cursor we sent coming back means caught up, whatever the page holds', async () => {
    const example = { cursor: 'E', tryLater: false, items: [{ a: 1 }] };
    const http = fakeHttp([example, example, example]);
    const pages = await collect(reportFeed(http, '1', 'funds', null));
    expect(pages.map((p) => [p.cursor, p.last])).toEqual([
      ['E', false],
      ['E', true],
    ]);
  });

  it('feed: a cursor from earlier in the run coming back is a loop, stopped in plain words', async () => {
    const http = fakeHttp([
      { cursor: 'A', items: [] },
      { cursor: 'B', items: [] },
      { cursor: 'A', items: [] },
    ]);
    await expect(collect(reportFeed(http, '1', 'fees', null))).rejects.toThrow(
      /Vipps MobilePay sent a cursor it had already sent in the fees feed of ledger 1/,
    );
  });

  it('the Merchant Serial Number is 4 to 6 digits, as the token spec says', async () => {
    const { vippsConfigSchema } = await import('../../../../src-main/core/providers/vipps/config.ts');
    const msn = (m: string) =>
      vippsConfigSchema.safeParse({ clientId: 'id', keyFlow: 'merchant', merchantSerialNumber: m }).success;
    expect([msn('123'), msn('1234'), msn('123456'), msn('1234567')]).toEqual([false, true, true, false]);
  });
});
