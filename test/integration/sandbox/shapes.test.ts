import { afterAll, beforeAll, expect, it } from 'vitest';
import { startSandbox, type RunningSandbox } from '../../../src-main/core/sandbox/index.ts';
import * as ex from './doc-examples.ts';
import { centsIdToken, getJson, vippsToken } from './raw-clients.ts';
import { TEST_WORLDS_DIR } from '../../unit/sandbox/test-worlds-dir.ts';

let sb: RunningSandbox;
beforeAll(async () => {
  sb = await startSandbox({
    seed: 13,
    days: 3,
    salesPerDay: 60,
    today: '2026-02-15',
    dataDir: TEST_WORLDS_DIR,
  });
});
afterAll(() => sb.close());

it("SentryPOS sales and summary have the shape of the page's examples", async () => {
  const headers = { authorization: `Bearer ${sb.credentials.sentrypos.apiKey}` };
  const list = await getJson(
    `${sb.baseUrls.sentrypos}/public/api/v1/sales?startDate=2026-02-13&endDate=2026-02-15`,
    { headers },
  );
  expect(ex.shapeMismatches(ex.SENTRYPOS_SALES, list.body)).toEqual([]);
  const sales = list.body.sales as { customer: unknown }[];
  expect(
    sales.some(
      (s) => s.customer !== null && ex.shapeMismatches({ name: 's', phone: 's' }, s.customer).length === 0,
    ),
  ).toBe(true);
  const summary = await getJson(
    `${sb.baseUrls.sentrypos}/public/api/v1/sales/summary?startDate=2026-02-13&groupBy=day`,
    { headers },
  );
  expect(ex.shapeMismatches(ex.SENTRYPOS_SUMMARY, summary.body)).toEqual([]);
});

it("Vipps Sales API pages have the shape of the rendered spec's example", async () => {
  const token = await vippsToken(sb);
  const page = await getJson(
    `${sb.baseUrls.vipps}/sales/report/v1/ledgers/${sb.credentials.vipps.ledgerId}?pageSize=1000`,
    { headers: { authorization: `Bearer ${token}` } },
  );
  const withLines = {
    ...page.body,
    items: (page.body.items as { lines: unknown[] }[]).filter((i) => i.lines.length),
  };
  expect(ex.shapeMismatches(ex.VIPPS_SALES_PAGE, withLines)).toEqual([]);
});

it("TGI list and POST reply have the shape of the page's examples", async () => {
  const headers = { [sb.credentials.tgi.headerName ?? '']: sb.credentials.tgi.key ?? '' };
  // A small page, so that a next page exists however few TGI payments this world happens to have.
  const list = await getJson(`${sb.baseUrls.tgi}/transactions?limit=20&date_after=2026-02-13`, { headers });
  expect(ex.shapeMismatches(ex.TGI_LIST, list.body)).toEqual([]);
  const post = await getJson(`${sb.baseUrls.tgi}/transactions`, {
    method: 'POST',
    headers: { ...headers, 'content-type': 'application/json' },
    body: JSON.stringify({
      options: { convert_utc: false },
      transactions: [
        { cid: '123ABC', total: 106298, subtotal: 104189, tax: 2109, date: '2026-02-14 18:47:12' },
        { cid: '123ABC', tid: '456zzY', total: 412350 },
      ],
    }),
  });
  expect(ex.shapeMismatches(ex.TGI_POST_REPLY, post.body)).toEqual([]);
  expect(post.body.message).toBe('2 transactions received');
});

it("SensePass list and get-by-id have the shape of the page's examples", async () => {
  const list = await getJson(`${sb.baseUrls.sensepass}/transactions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      apiKey: sb.credentials.sensepass.apiKey,
      startDate: '2026-02-01T00:00:00Z',
      endDate: '2026-03-01T00:00:00Z',
      pagination: { limit: 2, offset: 2 },
      orderBy: 'date',
    }),
  });
  expect(ex.shapeMismatches(ex.SENSEPASS_LIST, list.body)).toEqual([]);
  expect(list.body.pagination).toMatchObject({ returnedRecords: 2, isPartialResult: true });
});

it('Cents list has every field of the documented schema', async () => {
  const token = await centsIdToken(sb);
  const list = await getJson(`${sb.baseUrls.cents}/auth/payment-gateway/transactions?limit=20`, {
    headers: { authorization: `Bearer ${token}` },
  });
  expect(ex.shapeMismatches(ex.CENTS_LIST, list.body)).toEqual([]);
});
