import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { World } from '../../../src-main/core/sandbox/world/world.ts';
import { TEST_WORLDS_DIR } from './test-worlds-dir.ts';

interface TruthRow {
  sale_no: number;
  role: string;
  key: string;
  payout: string | null;
  tags: string;
}

// The demo's world is generated up to the clock's "now" from a fixed first day: the same world two
// days later must hold everything it held before, plus what happened since.
const base = {
  seed: 21,
  salesPerDay: 40,
  firstDay: '2026-03-02',
  rates: { partialRefund: 0.1, fullRefund: 0.05 },
};
const before = Date.parse('2026-03-20T09:17:00Z');
const after = before + 2 * 86_400_000 + 3 * 3_600_000;
let earlier: World;
let later: World;
const truth = (w: World) =>
  w.all<TruthRow>('SELECT sale_no, role, key, payout, tags FROM truth ORDER BY sale_no, role, key');

beforeAll(() => {
  earlier = World.open({ ...base, now: before }, TEST_WORLDS_DIR);
  later = World.open({ ...base, now: after }, TEST_WORLDS_DIR);
});
afterAll(() => {
  earlier.close();
  later.close();
});

describe('a world generated later (the demo clock moved on)', () => {
  it('starts on the same day and ends on the clock’s day, its "now" being the clock’s time', () => {
    expect(earlier.options).toMatchObject({ firstDay: '2026-03-02', today: '2026-03-20', nowMs: before });
    expect(later.options).toMatchObject({ firstDay: '2026-03-02', today: '2026-03-22', nowMs: after });
  });

  it('keeps every record of the earlier world under the same key and sale', () => {
    const laterKeys = new Set(truth(later).map((r) => `${r.sale_no}|${r.key}`));
    expect(truth(earlier).filter((r) => !laterKeys.has(`${r.sale_no}|${r.key}`))).toEqual([]);
  });

  it('has new sales, refunds that arrived late on old sales, and a new payout', () => {
    const old = truth(earlier);
    const now = truth(later);
    const maxSale = Math.max(...old.map((r) => r.sale_no));
    expect(now.filter((r) => r.sale_no > maxSale && r.role === 'payment').length).toBeGreaterThan(20);
    // A refund is its own record (Vipps, TGI) or changes the payment's (SensePass, Cents): either way
    // the pair of key and role is new.
    const seen = new Set(old.map((r) => `${r.key}|${r.role}`));
    const lateRefunds = now.filter(
      (r) =>
        r.sale_no <= maxSale &&
        r.role.includes('refund') &&
        (JSON.parse(r.tags) as string[]).includes('late-refund') &&
        !seen.has(`${r.key}|${r.role}`),
    );
    expect(lateRefunds.length).toBeGreaterThan(0);
    const oldPayouts = new Set(old.map((r) => r.payout));
    expect(now.some((r) => r.payout !== null && !oldPayouts.has(r.payout))).toBe(true);
  });

  it('a sale that has not happened yet is not in the world', () => {
    const lastSale = later.get<{ m: number }>('SELECT max(created_ms) AS m FROM sentrypos_sales')?.m ?? 0;
    expect(lastSale).toBeLessThanOrEqual(after);
    expect(lastSale).toBeGreaterThan(after - 6 * 3_600_000);
  });
});
