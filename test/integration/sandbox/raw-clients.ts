// Minimal raw-HTTP clients that follow each provider's documented paging, written from the API pages
// rather than from our connectors, so the sandbox is checked against the documentation itself.
import type { RunningSandbox } from '../../../src-main/core/sandbox/index.ts';

import { request } from 'node:http';

type Json = Record<string, unknown>;

/** node:http, because fetch refuses a body on GET and SensePass wants credentials in one. */
export function httpJson(
  url: string,
  method: string,
  body: string,
  headers: Record<string, string> = {},
): Promise<{ status: number; body: Json }> {
  return new Promise((resolve, reject) => {
    const req = request(
      url,
      {
        method,
        headers: {
          'content-type': 'application/json',
          'content-length': String(Buffer.byteLength(body)),
          ...headers,
        },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            body: JSON.parse(Buffer.concat(chunks).toString('utf8')) as Json,
          }),
        );
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** The marker the malformed-record fault writes into a broken record's amount. */
const MALFORMED = '12,5O kr';

/**
 * fetch + JSON, retrying what a careful client retries: 429/5xx, resets, truncated JSON and pages with
 * a malformed record (the sandbox's rate limits and stalls are sped up, so short waits suffice).
 */
export async function getJson(
  url: string,
  init: RequestInit = {},
  tries = 20,
): Promise<{ status: number; body: Json; headers: Headers }> {
  for (let i = 0; ; i++) {
    try {
      const res = await fetch(url, init);
      const text = await res.text();
      const retry = res.status === 429 || res.status >= 500 || text.includes(MALFORMED);
      if (!retry || i >= tries)
        return { status: res.status, body: text ? (JSON.parse(text) as Json) : {}, headers: res.headers };
    } catch (err) {
      if (i >= tries) throw err;
    }
    await sleep(20);
  }
}

export async function vippsToken(sb: RunningSandbox): Promise<string> {
  const c = sb.credentials.vipps;
  const basic = Buffer.from(`${c.clientId}:${c.clientSecret}`).toString('base64');
  const { body } = await getJson(`${sb.baseUrls.vipps}/miami/v1/token`, {
    method: 'POST',
    headers: { authorization: `Basic ${basic}`, 'content-type': 'application/x-www-form-urlencoded' },
    body: 'grant_type=client_credentials',
  });
  return String(body.access_token);
}

export async function centsIdToken(sb: RunningSandbox): Promise<string> {
  const c = sb.credentials.cents;
  const { body } = await getJson(c.tokenUrl ?? '', {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({
      grant_type: 'refresh_token',
      client_id: c.clientId ?? '',
      refresh_token: c.refreshToken ?? '',
    }).toString(),
  });
  return String(body.id_token);
}

/** SentryPOS: no paging parameter exists, so split the window until each part is complete. */
export async function sentryPosAll(
  sb: RunningSandbox,
  fromMs: number,
  toMs: number,
  limit = 50,
): Promise<Json[]> {
  const auth = { authorization: `Bearer ${sb.credentials.sentrypos.apiKey}` };
  const iso = (ms: number) => new Date(ms).toISOString();
  const out: Json[] = [];
  const walk = async (from: number, to: number): Promise<void> => {
    const url = `${sb.baseUrls.sentrypos}/public/api/v1/sales?startDate=${iso(from)}&endDate=${iso(to)}&limit=${limit}`;
    const { status, body } = await getJson(url, { headers: auth });
    if (status !== 200) throw new Error(`sentrypos ${status} ${JSON.stringify(body)}`);
    const p = body.pagination as { hasMore: boolean };
    if (!p.hasMore) {
      out.push(...(body.sales as Json[]));
      return;
    }
    const mid = Math.floor((from + to) / 2);
    await walk(from, mid);
    await walk(mid + 1, to);
  };
  await walk(fromMs, toMs);
  return out;
}

export async function vippsReportFeed(
  sb: RunningSandbox,
  token: string,
  topic: 'funds' | 'fees',
  pageSize = 37,
): Promise<Json[]> {
  const base = `${sb.baseUrls.vipps}/report/v2/ledgers/${sb.credentials.vipps.ledgerId}/${topic}/feed`;
  const out: Json[] = [];
  let cursor = '';
  for (;;) {
    const { status, body } = await getJson(
      `${base}${cursor ? `?cursor=${encodeURIComponent(cursor)}` : ''}`,
      {
        headers: { authorization: `Bearer ${token}`, 'vipps-feed-page-size': String(pageSize) },
      },
    );
    if (status !== 200) throw new Error(`vipps feed ${status}`);
    out.push(...(body.items as Json[]));
    cursor = String(body.cursor);
    if (body.tryLater === true) return out;
  }
}

export async function vippsReportDate(
  sb: RunningSandbox,
  token: string,
  topic: 'funds' | 'fees',
  date: string,
  pageSize = 23,
): Promise<{ items: Json[]; tryLater: boolean }> {
  const base = `${sb.baseUrls.vipps}/report/v2/ledgers/${sb.credentials.vipps.ledgerId}/${topic}/dates/${date}`;
  const out: Json[] = [];
  let cursor: string | undefined;
  for (;;) {
    const { status, body } = await getJson(
      `${base}${cursor ? `?cursor=${encodeURIComponent(cursor)}` : ''}`,
      {
        headers: { authorization: `Bearer ${token}`, 'vipps-feed-page-size': String(pageSize) },
      },
    );
    if (status !== 200) throw new Error(`vipps date ${status}`);
    out.push(...(body.items as Json[]));
    if (body.hasMore !== true) return { items: out, tryLater: body.tryLater === true };
    cursor = String(body.cursor);
  }
}

export async function vippsSales(
  sb: RunningSandbox,
  token: string,
  path: string,
  pageSize = 41,
): Promise<Json[]> {
  const base = `${sb.baseUrls.vipps}/sales/report/v1/ledgers/${sb.credentials.vipps.ledgerId}${path}`;
  const out: Json[] = [];
  let cursor: string | undefined;
  for (;;) {
    const q = new URLSearchParams({ pageSize: String(pageSize), ...(cursor ? { cursor } : {}) });
    const { status, body } = await getJson(`${base}?${q}`, { headers: { authorization: `Bearer ${token}` } });
    if (status !== 200) throw new Error(`vipps sales ${status}`);
    out.push(...(body.items as Json[]));
    if (body.hasMore !== true) return out;
    cursor = String(body.cursor);
  }
}

/** TGI: follow `cursor.nextUrl`, a path relative to the API base, until it is null. */
export async function tgiAll(sb: RunningSandbox, first = '/transactions?limit=29'): Promise<Json[]> {
  const headers = { [sb.credentials.tgi.headerName ?? '']: sb.credentials.tgi.key ?? '' };
  const out: Json[] = [];
  let next: string | null = first;
  while (next) {
    const { status, body } = await getJson(`${sb.baseUrls.tgi}${next}`, { headers });
    if (status !== 200) throw new Error(`tgi ${status}`);
    out.push(...(body.data as Json[]));
    next = (body.cursor as { nextUrl: string | null }).nextUrl;
  }
  return out;
}

/** SensePass: POST with credentials in the body; offset paging until isPartialResult is false. */
export async function sensePassAll(
  sb: RunningSandbox,
  startDate: string,
  endDate: string,
  limit = 33,
): Promise<Json[]> {
  const out: Json[] = [];
  for (let offset = 0; ; offset += limit) {
    const { status, body } = await getJson(`${sb.baseUrls.sensepass}/transactions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        apiKey: sb.credentials.sensepass.apiKey,
        startDate,
        endDate,
        pagination: { limit, offset },
      }),
    });
    if (status !== 200) throw new Error(`sensepass ${status} ${JSON.stringify(body)}`);
    out.push(...(body.data as Json[]));
    if ((body.pagination as { isPartialResult: boolean }).isPartialResult !== true) return out;
  }
}

/** Cents: pass last_key as start_key until last_key is empty. */
export async function centsAll(
  sb: RunningSandbox,
  idToken: string,
  limit = 100,
  filter = '',
): Promise<Json[]> {
  const out: Json[] = [];
  let key = '';
  do {
    const q = new URLSearchParams(filter);
    q.set('limit', String(limit));
    if (key) q.set('start_key', key);
    const { status, body } = await getJson(`${sb.baseUrls.cents}/auth/payment-gateway/transactions?${q}`, {
      headers: { authorization: `Bearer ${idToken}` },
    });
    if (status !== 200) throw new Error(`cents ${status}`);
    out.push(...(body.data as Json[]));
    key = String(body.last_key);
  } while (key);
  return out;
}
