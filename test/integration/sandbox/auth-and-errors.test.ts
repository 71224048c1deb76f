import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSandbox, type RunningSandbox } from '../../../src-main/core/sandbox/index.ts';
import { centsIdToken, getJson, httpJson, vippsToken } from './raw-clients.ts';
import { TEST_WORLDS_DIR } from '../../unit/sandbox/test-worlds-dir.ts';

let sb: RunningSandbox;
const dataDir = TEST_WORLDS_DIR;
const world = { seed: 9, days: 3, salesPerDay: 40, today: '2026-02-10', dataDir };

beforeAll(async () => {
  sb = await startSandbox({ ...world, speedUp: 3000 });
});
afterAll(() => sb.close());

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const raw = (url: string, init: RequestInit = {}) =>
  fetch(url, init).then(async (r) => ({
    status: r.status,
    headers: r.headers,
    body: (await r.json()) as Record<string, unknown>,
  }));

describe('SentryPOS', () => {
  const sales = () => `${sb.baseUrls.sentrypos}/public/api/v1/sales`;
  const as = (key: string) => ({ headers: { authorization: `Bearer ${key}` } });

  it('401 UNAUTHORIZED, 403 INSUFFICIENT_SCOPE and FORBIDDEN (IP), 400 INVALID_DATE', async () => {
    expect(await raw(sales())).toMatchObject({ status: 401, body: { error: 'UNAUTHORIZED' } });
    expect(await raw(sales(), as(sb.credentials.sentrypos.apiKeyNoScope ?? ''))).toMatchObject({
      status: 403,
      body: { error: 'INSUFFICIENT_SCOPE' },
    });
    expect(await raw(sales(), as(sb.credentials.sentrypos.apiKeyIpLocked ?? ''))).toMatchObject({
      status: 403,
      body: { error: 'FORBIDDEN' },
    });
    expect(
      await raw(`${sales()}?startDate=2026-13-45`, as(sb.credentials.sentrypos.apiKey ?? '')),
    ).toMatchObject({ status: 400, body: { error: 'INVALID_DATE' } });
  });

  it('hasMore without any way to page, and a summary computed from the same world', async () => {
    const key = sb.credentials.sentrypos.apiKey ?? '';
    const { body } = await raw(`${sales()}?limit=10&page=2&offset=10&cursor=x`, as(key));
    expect(body.pagination).toMatchObject({ limit: 10, hasMore: true });
    const first = await raw(`${sales()}?limit=10`, as(key));
    expect(body.sales).toEqual(first.body.sales);
    const all = [...sb.world.records('sentrypos:sales')];
    const summary = await raw(`${sales()}/summary?groupBy=week`, as(key));
    const completed = all.filter((s) => s.status === 'COMPLETED');
    expect(summary.body.summary).toMatchObject({
      totalTransactions: all.length,
      totalAmountCents: completed.reduce((s, r) => s + Number(r.amountCents), 0),
    });
  });

  it('enforces 60 requests per minute per key (RATE_LIMIT_EXCEEDED), and the window passes', async () => {
    const slow = await startSandbox({ ...world, speedUp: 1 });
    try {
      const key = slow.credentials.sentrypos.apiKey ?? '';
      const statuses: number[] = [];
      for (let i = 0; i < 61; i++)
        statuses.push(
          (await fetch(`${slow.baseUrls.sentrypos}/public/api/v1/sales?limit=1`, as(key))).status,
        );
      expect(statuses.slice(0, 60).every((s) => s === 200)).toBe(true);
      const limited = await raw(`${slow.baseUrls.sentrypos}/public/api/v1/sales?limit=1`, as(key));
      expect(limited).toMatchObject({ status: 429, body: { error: 'RATE_LIMIT_EXCEEDED' } });
      expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
    } finally {
      await slow.close();
    }
    // With speedUp 3000 the minute lasts 20 ms.
    const key = sb.credentials.sentrypos.apiKey ?? '';
    for (let i = 0; i < 60; i++) await fetch(`${sales()}?limit=1`, as(key));
    await sleep(40);
    expect((await fetch(`${sales()}?limit=1`, as(key))).status).toBe(200);
  });
});

describe('Vipps tokens', () => {
  it('both flows; the token expires after 15 (scaled) minutes with a 401 {code, message}', async () => {
    const token = await vippsToken(sb);
    const ledgers = `${sb.baseUrls.vipps}/settlement/v1/ledgers`;
    expect((await fetch(ledgers, { headers: { authorization: `Bearer ${token}` } })).status).toBe(200);
    await sleep(900_000 / 3000 + 30);
    const expired = await raw(ledgers, { headers: { authorization: `Bearer ${token}` } });
    expect(expired.status).toBe(401);
    expect(Object.keys(expired.body).sort()).toEqual(['code', 'message']);
  });

  it('the 2023 header form of /miami/v1/token, and merchant tokens refused by the Sales API', async () => {
    const c = sb.credentials.vipps;
    const legacy = await raw(`${sb.baseUrls.vipps}/miami/v1/token`, {
      method: 'POST',
      headers: { client_id: c.clientId ?? '', client_secret: c.clientSecret ?? '' },
    });
    expect(legacy.body).toMatchObject({ token_type: 'Bearer', expires_in: 900 });
    const bad = await raw(`${sb.baseUrls.vipps}/miami/v1/token`, {
      method: 'POST',
      headers: { authorization: `Basic ${Buffer.from('x:y').toString('base64')}` },
      body: 'grant_type=client_credentials',
    });
    expect(bad.status).toBe(401);
    const merchant = await raw(`${sb.baseUrls.vipps}/accesstoken/get`, {
      method: 'POST',
      headers: {
        client_id: c.clientId ?? '',
        client_secret: c.clientSecret ?? '',
        'ocp-apim-subscription-key': c.subscriptionKey ?? '',
      },
    });
    expect(merchant.body.expires_in).toBe('900');
    const mt = String(merchant.body.access_token);
    const salesUrl = `${sb.baseUrls.vipps}/sales/report/v1/ledgers/${c.ledgerId}`;
    expect((await fetch(salesUrl, { headers: { authorization: `Bearer ${mt}` } })).status).toBe(401);
    expect(
      (
        await fetch(salesUrl, {
          headers: { authorization: `Bearer ${mt}`, 'ocp-apim-subscription-key': c.subscriptionKey ?? '' },
        })
      ).status,
    ).toBe(403);
    const report = `${sb.baseUrls.vipps}/report/v2/ledgers/${c.ledgerId}/funds/feed`;
    expect(
      (
        await fetch(report, {
          headers: { authorization: `Bearer ${mt}`, 'ocp-apim-subscription-key': c.subscriptionKey ?? '' },
        })
      ).status,
    ).toBe(200);
    const tooBig = await raw(`${salesUrl}?pageSize=1001`, {
      headers: { authorization: `Bearer ${await vippsToken(sb)}` },
    });
    expect(tooBig.status).toBe(400);
    expect(tooBig.body).toMatchObject({ status: 400, title: 'Bad Request' });
  });

  it('Report date endpoint: a future date is 404, hasMore is followed by a possibly empty page', async () => {
    const token = await vippsToken(sb);
    const c = sb.credentials.vipps;
    const base = `${sb.baseUrls.vipps}/report/v2/ledgers/${c.ledgerId}/funds/dates`;
    expect(
      (await fetch(`${base}/2026-02-11`, { headers: { authorization: `Bearer ${token}` } })).status,
    ).toBe(404);
    const count =
      sb.world.get<{ n: number }>(
        "SELECT count(*) AS n FROM vipps_report WHERE topic = 'funds' AND ledger_date = '2026-02-09'",
      )?.n ?? 0;
    const first = await raw(`${base}/2026-02-09`, {
      headers: { authorization: `Bearer ${token}`, 'vipps-feed-page-size': String(count) },
    });
    expect(first.body).toMatchObject({ hasMore: true, tryLater: false });
    const second = await raw(`${base}/2026-02-09?cursor=${encodeURIComponent(String(first.body.cursor))}`, {
      headers: { authorization: `Bearer ${token}`, 'vipps-feed-page-size': String(count) },
    });
    expect(second.body).toEqual({ hasMore: false, tryLater: false, items: [] });
  });
});

describe('TGI, SensePass, Cents', () => {
  it('TGI: the configurable key header; page 1 says prev: 1; a single lookup by tid', async () => {
    expect((await fetch(`${sb.baseUrls.tgi}/transactions`)).status).toBe(401);
    const h = { [sb.credentials.tgi.headerName ?? '']: sb.credentials.tgi.key ?? '' };
    const { body } = await getJson(`${sb.baseUrls.tgi}/transactions?limit=5`, { headers: h });
    expect(body.page).toMatchObject({ current: 1, next: 2, prev: 1 });
    expect(body.cursor).toMatchObject({ prevUrl: null, nextUrl: '/transactions?limit=5&page=2' });
    const tid = (body.data as { tid: string }[])[0]?.tid;
    const one = await getJson(`${sb.baseUrls.tgi}/transactions?tid=${tid}`, { headers: h });
    expect((one.body.data as { tid: string }[]).every((r) => r.tid === tid)).toBe(true);
    expect((await fetch(`${sb.baseUrls.tgi}/transactions?status=refunded`, { headers: h })).status).toBe(400);
  });

  it('SensePass: credentials in the body (also on GET), three credential forms, validation', async () => {
    const c = sb.credentials.sensepass;
    const list = (body: object) =>
      raw(`${sb.baseUrls.sensepass}/transactions`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ startDate: '2026-01-01T00:00:00Z', endDate: '2026-03-01T00:00:00Z', ...body }),
      });
    expect((await list({})).status).toBe(401);
    for (const creds of [
      { apikey: c.apiKey },
      { deviceId: c.deviceId },
      { apiKey: c.legacyApiKey, branchNumber: c.branchNumber },
    ]) {
      expect((await list(creds)).status).toBe(200);
    }
    expect((await list({ apiKey: c.apiKey, orderBy: 'price' })).status).toBe(400);
    expect((await list({ apiKey: c.apiKey, pagination: { limit: 1001 } })).status).toBe(400);
    const settled = await list({
      apiKey: c.apiKey,
      status: 'settled',
      filter: [{ amount: '50', operator: '>' }],
      orderBy: 'amount',
    });
    const amounts = (settled.body.data as { amount: string | number }[]).map((r) => Number(r.amount));
    expect(amounts.every((a) => a > 50)).toBe(true);
    expect([...amounts].sort((a, b) => a - b)).toEqual(amounts);
    const number = String((settled.body.data as { TransactionNumber: string }[])[0]?.TransactionNumber);
    const url = `${sb.baseUrls.sensepass}/transactions/${number}`;
    expect((await fetch(url)).status).toBe(401);
    const one = await httpJson(url, 'GET', JSON.stringify({ apiKey: c.apiKey }));
    expect(one.body.TransactionNumber).toBe(number);
  });

  it('Cents: the id_token is the bearer (not the access token); limit ≤ 100; one filter at a time', async () => {
    const c = sb.credentials.cents;
    const tokens = await raw(c.tokenUrl ?? '', {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: `grant_type=refresh_token&client_id=${c.clientId}&refresh_token=${c.refreshToken}`,
    });
    const list = `${sb.baseUrls.cents}/auth/payment-gateway/transactions`;
    expect(
      (await fetch(list, { headers: { authorization: `Bearer ${String(tokens.body.access_token)}` } }))
        .status,
    ).toBe(401);
    const id = { headers: { authorization: `Bearer ${await centsIdToken(sb)}` } };
    expect((await fetch(list, id)).status).toBe(200);
    expect((await fetch(`${list}?limit=101`, id)).status).toBe(400);
    expect((await fetch(`${list}?company_id=x&start_date=2026-02-01`, id)).status).toBe(400);
    const bad = await raw(c.tokenUrl ?? '', {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: `grant_type=refresh_token&client_id=${c.clientId}&refresh_token=nope`,
    });
    expect(bad).toMatchObject({ status: 400, body: { error: 'invalid_grant' } });
  });
});
