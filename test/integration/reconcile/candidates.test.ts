import { rmSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { OperationInput, OperationName, OperationOutput } from '../../../src-main/core/api/contract.ts';
import { createCore, type Core } from '../../../src-main/core/core.ts';
import { syncDemoWorld, type DemoWorld } from '../../support/reconcile-world.ts';
import { callCore } from '../../support/core-call.ts';

let w: DemoWorld;
let core: Core;
beforeAll(async () => {
  w = await syncDemoWorld(3, 7, 60);
  core = await createCore({ home: w.home, actor: 'test' });
}, 120_000);
afterAll(() => {
  core?.close();
  if (w) rmSync(w.home, { recursive: true, force: true });
});

const call = <N extends OperationName>(name: N, input: OperationInput<N>): Promise<OperationOutput<N>> =>
  callCore(core, name, input);

async function callError(name: OperationName, input: unknown): Promise<string> {
  const r = await core.dispatch(name, input as never);
  return r.ok ? 'ok' : r.error.code;
}

describe('reconcile:candidates (Find match)', () => {
  it('finds the payment a person unlinked, links it back through its own link, and leaves matching alone', async () => {
    const page = await call('reconcile:list', { state: 'linked', limit: 50 });
    const linked = await Promise.all(page.items.map((i) => call('reconcile:explain', { key: i.key })));
    // A plain one: one sale, one payment of the same amount, both completed.
    const g = linked.find(
      (e) =>
        e.members.length === 2 &&
        e.pairs.length === 1 &&
        e.members.every((m) => m.status === 'completed' && m.amountMinor === e.saleMinor),
    );
    expect(g).toBeDefined();
    const paymentId = g!.pairs[0]!.paymentId;
    const unlinked = await call('reconcile:decide', {
      action: 'unlink',
      groupKey: g!.key,
      version: g!.version,
      transactionId: paymentId,
    });

    const found = await call('reconcile:candidates', { key: g!.key });
    const sale = g!.members.find((m) => m.role === 'sale')!;
    // Prefilled: the amount still to find, a day either side of the sale.
    expect(found.record).toMatchObject({ side: 'sale', groupKey: g!.key, currency: g!.currency });
    expect(found.window.minMinor).toBe(found.record.amountMinor);
    expect(found.window.maxMinor).toBe(found.record.amountMinor);
    expect(Date.parse(found.window.to) - Date.parse(sale.occurredAt)).toBe(24 * 3_600_000);
    const hit = found.items.find((i) => i.id === paymentId);
    if (!hit)
      console.log(
        JSON.stringify({
          rec: found.record,
          g: g!.members,
          st: unlinked.group.state,
          pm: unlinked.group.members,
          items: found.items.slice(0, 3),
        }),
      );
    expect(hit).toMatchObject({ linkable: true, note: 'Not part of any sale.', differenceMinor: 0 });
    expect(hit!.link).toEqual({
      groupKey: g!.key,
      version: unlinked.group.version,
      transactionId: paymentId,
    });
    for (const i of found.items) {
      expect(i.currency).toBe(g!.currency);
      expect(i.kind).toBe('capture');
      expect(i.provider).not.toBe('sentrypos');
    }
    // Linkable ones come first.
    const firstBlocked = found.items.findIndex((i) => !i.linkable);
    if (firstBlocked >= 0) expect(found.items.slice(firstBlocked).every((i) => !i.linkable)).toBe(true);

    // From the payment's side, its sale is offered once, with the sale's group and version.
    const back = await call('reconcile:candidates', { key: `payment:${paymentId}` });
    expect(back.record.side).toBe('payment');
    const saleHits = back.items.filter((i) => i.groupKey === g!.key);
    expect(saleHits).toHaveLength(1);
    expect(saleHits[0]!.link).toEqual({
      groupKey: g!.key,
      version: unlinked.group.version,
      transactionId: paymentId,
    });

    const relinked = await call('reconcile:decide', { action: 'link', ...hit!.link });
    expect(relinked.group.state).toBe('linked');
    expect(relinked.group.members.map((m) => m.id)).toContain(paymentId);
    // Now it is part of this sale: offered, but not linkable again.
    const after = await call('reconcile:candidates', { key: g!.key, minMinor: 0, maxMinor: 10_000_000 });
    expect(after.items.find((i) => i.id === paymentId)).toMatchObject({ linkable: false });
  });

  it('a widened window finds more; payments held by another sale say so and cannot be linked', async () => {
    const page = await call('reconcile:list', { state: 'linked', limit: 1 });
    const key = page.items[0]!.key;
    const narrow = await call('reconcile:candidates', { key });
    const exp = await call('reconcile:explain', { key });
    const sale = exp.members.find((m) => m.role === 'sale')!;
    const wide = await call('reconcile:candidates', {
      key,
      minMinor: 0,
      maxMinor: 10_000_000,
      from: new Date(Date.parse(sale.occurredAt) - 3 * 86_400_000).toISOString(),
      to: new Date(Date.parse(sale.occurredAt) + 3 * 86_400_000).toISOString(),
      limit: 200,
    });
    expect(wide.items.length).toBeGreaterThan(narrow.items.length);
    const held = wide.items.find((i) => i.groupKey?.startsWith('sale:') && i.groupKey !== key && !i.linkable);
    expect(held?.note).toMatch(/^Already pays sale .+: unlink it there first\.$/);
  });

  it('refuses what it cannot search, in plain words', async () => {
    expect(await callError('reconcile:candidates', { key: 'sale:nobody:inv_x' })).toBe('NOT_FOUND');
    expect(await callError('reconcile:candidates', { key: 'payment:999999999' })).toBe('NOT_FOUND');
    const page = await call('reconcile:list', { state: 'linked', limit: 1 });
    expect(
      await callError('reconcile:candidates', { key: page.items[0]!.key, minMinor: 500, maxMinor: 100 }),
    ).toBe('BAD_INPUT');
  });
});

describe('reconcile:payout (payout detail)', () => {
  it('lists what a Vipps payout settles, each with its sale, and the items add up to the expected net', async () => {
    const summary = await call('reconcile:summary', {});
    const check = summary.payouts.find((p) => p.items > 3);
    expect(check).toBeDefined();
    const detail = await call('reconcile:payout', { id: check!.id });
    expect(detail.payout).toEqual(check);
    expect(detail.items).toHaveLength(check!.items);
    const sum = (kind: string) =>
      detail.items.filter((i) => i.kind === kind).reduce((s, i) => s + i.amountMinor, 0);
    expect(sum('capture')).toBe(check!.capturesMinor);
    expect(detail.items.some((i) => i.saleKey?.startsWith('sale:'))).toBe(true);
    // A capture's ledger entry leads to the Sales API payment that its sale holds.
    const capture = detail.items.find((i) => i.kind === 'capture' && i.saleKey)!;
    const group = await call('reconcile:explain', { key: capture.saleKey! });
    expect(group.members.map((m) => m.id)).toContain(capture.paymentId);
    expect(group.payouts.map((p) => p.id)).toContain(check!.id);
    expect(await callError('reconcile:payout', { id: capture.paymentId })).toBe('NOT_FOUND');
  });
});
