import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startSandbox, type RunningSandbox } from '../../../src-main/core/sandbox/index.ts';
import { World } from '../../../src-main/core/sandbox/world/world.ts';
import { getJson, httpJson, tgiAll, vippsSales, vippsToken } from './raw-clients.ts';
import { TEST_WORLDS_DIR } from '../../unit/sandbox/test-worlds-dir.ts';

let sb: RunningSandbox;
const dataDir = TEST_WORLDS_DIR;
const opts = { seed: 17, days: 5, salesPerDay: 50, today: '2026-04-10', dataDir };

beforeAll(async () => {
  sb = await startSandbox({ ...opts, speedUp: 100 });
});
afterAll(() => sb.close());

const truthRoles = () =>
  (
    JSON.parse(readFileSync(sb.groundTruthPath, 'utf8')) as {
      sales: { records: { role: string; provider: string }[] }[];
    }
  ).sales.flatMap((s) => s.records);

it('a late TGI refund lands on an old date and shifts the pages a client already read', async () => {
  const before = await tgiAll(sb, '/transactions?limit=10');
  const target = before[3] as { tid: string; date: string };
  const change = sb.world.addLateRefund({ provider: 'tgi', id: target.tid });
  expect(change?.kind).toBe('late-refund');
  const after = await tgiAll(sb, '/transactions?limit=10');
  expect(after).toHaveLength(before.length + 1);
  // Nothing in a TGI record points at the original (the docs have no such field): find the new one.
  const seen = new Set(before.map((r) => r.tid));
  const refund = after.find((r) => !seen.has(r.tid) && r.status === 'refund') as { date: string };
  expect(refund).not.toHaveProperty('parent_tid');
  expect(refund.date.slice(0, 10)).toBe(target.date.slice(0, 10));
  // Inserted mid-list: every later page now starts one record later.
  const at = after.indexOf(refund);
  expect(at).toBeLessThan(after.length - 10);
  expect(after.filter((r) => r !== refund)).toEqual(before);
  expect(truthRoles().some((r) => r.provider === 'tgi' && r.role === 'late-refund')).toBe(true);
});

it("a late Vipps refund appears under its capture's old Sales API date, and in today's funds with the chain intact", async () => {
  const token = await vippsToken(sb);
  const capture = [...sb.world.records('vipps:sales')].find(
    (e) => e.entryType === 'capture' && e.pspReference !== null && (e.lines as unknown[]).length > 0,
  );
  const date =
    sb.world.get<{ d: string }>(
      'SELECT ledger_date AS d FROM vipps_sales WHERE psp_reference = ?',
      capture?.pspReference,
    )?.d ?? '';
  const beforeDate = await vippsSales(sb, token, `/dates/${date}`);
  sb.world.addLateRefund({ provider: 'vipps', id: String(capture?.pspReference) });
  const afterDate = await vippsSales(sb, token, `/dates/${date}`);
  expect(afterDate).toHaveLength(beforeDate.length + 1);
  const refund = afterDate[afterDate.length - 1] as { entryType: string; reference: string };
  expect(refund).toMatchObject({ entryType: 'refund', reference: capture?.reference });
  let balance = 0;
  for (const e of sb.world.records('vipps:funds')) {
    expect(e.balanceBefore).toBe(balance);
    balance = Number(e.balanceAfter);
  }
  const funds = [...sb.world.records('vipps:funds')];
  expect(funds[funds.length - 1]).toMatchObject({ entryType: 'refund', ledgerDate: opts.today });
});

it('status changes show up on the next fetch (SensePass get-by-id)', async () => {
  const rec = [...sb.world.records('sensepass:transactions')].find((r) => r.status === 5);
  const number = String(rec?.TransactionNumber);
  const url = `${sb.baseUrls.sensepass}/transactions/${number}`;
  const body = JSON.stringify({ apiKey: sb.credentials.sensepass.apiKey });
  expect((await httpJson(url, 'GET', body)).body.status).toBe(5);
  sb.world.setStatus('sensepass', number, 11);
  expect((await httpJson(url, 'GET', body)).body).toMatchObject({
    status: 11,
    statusName: 'Transaction Refund',
  });
});

it('TGI POST is queued and processed in the background (create and update)', async () => {
  const headers = {
    [sb.credentials.tgi.headerName ?? '']: sb.credentials.tgi.key ?? '',
    'content-type': 'application/json',
  };
  const existing = [...sb.world.records('tgi:transactions')][0] as { tid: string; cid: string };
  const reply = await getJson(`${sb.baseUrls.tgi}/transactions`, {
    method: 'POST',
    headers,
    body: JSON.stringify({
      transactions: [
        { cid: 'NEW001', total: 1234, date: '2026-04-09 10:00:00' },
        { cid: existing.cid, tid: existing.tid, total: 999 },
      ],
    }),
  });
  expect(reply.body).toMatchObject({ status: 200, message: '2 transactions received' });
  let found: unknown[] = [];
  for (let i = 0; i < 50 && found.length === 0; i++) {
    await new Promise((r) => setTimeout(r, 10));
    found =
      ((await getJson(`${sb.baseUrls.tgi}/transactions?cid=NEW001`, { headers })).body.data as unknown[]) ??
      [];
  }
  expect(found).toMatchObject([{ cid: 'NEW001', total: 1234, date: '2026-04-09 10:00:00' }]);
  const updated = (await getJson(`${sb.baseUrls.tgi}/transactions?tid=${existing.tid}`, { headers })).body
    .data as { total: number }[];
  expect(updated[0]?.total).toBe(999);
});

it('changes go to a per-run copy: the cached world stays pristine for the next run', () => {
  const fresh = World.open(opts, dataDir);
  try {
    expect(fresh.dbPath).not.toBe(sb.world.dbPath);
    expect(fresh.count('tgi:transactions')).toBeLessThan(sb.world.count('tgi:transactions'));
  } finally {
    fresh.close();
  }
});
