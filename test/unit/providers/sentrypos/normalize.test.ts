import { describe, expect, it } from 'vitest';
import { judgeDay, tally } from '../../../../src-main/core/providers/sentrypos/completeness.ts';
import { planWindows } from '../../../../src-main/core/providers/sentrypos/client.ts';
import { normalizeSale, SENTRYPOS_STATUS } from '../../../../src-main/core/providers/sentrypos/normalize.ts';
import { SalesPage } from '../../../../src-main/core/providers/sentrypos/wire.ts';

const ctx = {
  connection: { id: 'c1', provider: 'sentrypos' as const },
  shopTimeZone: 'America/New_York',
  currency: 'USD',
};

// The first record of the page's example response, verbatim.
const docSale = {
  id: 'pay_abc123',
  invoiceId: 'inv_abc123',
  customer: { name: 'John Doe', phone: '2025550123' },
  amountCents: 2500,
  status: 'COMPLETED',
  network: 'VISA',
  createdAt: '2026-02-15T14:30:00Z',
  completedAt: '2026-02-15T14:31:00Z',
};

describe('SentryPOS normalization', () => {
  it('turns the documented example into a canonical sale', () => {
    const o = normalizeSale(docSale, ctx);
    expect(o).toEqual({
      ok: true,
      record: {
        provider: 'sentrypos',
        connectionId: 'c1',
        externalId: 'pay_abc123',
        kind: 'sale',
        amountMinor: 2500,
        currency: 'USD',
        status: 'completed',
        providerStatus: 'COMPLETED',
        occurredAt: '2026-02-15T14:30:00.000Z',
        occurredAtRaw: '2026-02-15T14:30:00Z',
        businessDate: '2026-02-15',
        ledgerDate: null,
        customerName: 'John Doe',
        customerEmail: null,
        customerPhone: '2025550123',
        method: null,
        network: 'VISA',
        description: null,
        references: [
          { kind: 'id', value: 'pay_abc123' },
          { kind: 'invoiceId', value: 'inv_abc123' },
        ],
        lines: [],
        raw: docSale,
      },
    });
  });

  it('computes the business date in the shop zone, not UTC', () => {
    const o = normalizeSale({ ...docSale, createdAt: '2026-02-16T03:00:00Z' }, ctx);
    expect(o.ok && o.record.businessDate).toBe('2026-02-15');
  });

  it('maps every documented status and keeps an unknown one as sent', () => {
    expect(SENTRYPOS_STATUS).toEqual({
      PENDING: 'pending',
      COMPLETED: 'completed',
      FAILED: 'failed',
      REFUNDED: 'refunded',
    });
    for (const [status, normalized] of Object.entries(SENTRYPOS_STATUS)) {
      const o = normalizeSale({ ...docSale, status, completedAt: null }, ctx);
      expect(o.ok && [o.record.status, o.record.providerStatus]).toEqual([normalized, status]);
    }
    const o = normalizeSale({ ...docSale, status: 'CHARGEBACK' }, ctx);
    expect(o.ok && [o.record.status, o.record.providerStatus]).toEqual(['unknown', 'CHARGEBACK']);
  });

  it('keeps unknown fields in raw, exactly as received', () => {
    const sale = {
      ...docSale,
      terminalId: 'T-9',
      customer: { ...docSale.customer, loyalty: { tier: 'gold' } },
    };
    const o = normalizeSale(sale, ctx);
    expect(o.ok && o.record.raw).toBe(sale);
    expect(o.ok && o.record.raw).toEqual(sale);
  });

  it('quarantines a bad record with a clear error and its id', () => {
    const o = normalizeSale({ ...docSale, amountCents: '12,5O kr' }, ctx);
    expect(o.ok).toBe(false);
    if (o.ok) return;
    expect(o.externalId).toBe('pay_abc123');
    expect(o.error).toMatch(/amountCents/);
    const noZone = normalizeSale({ ...docSale, createdAt: '2026-02-15 14:30:00' }, ctx);
    expect(!noZone.ok && noZone.error).toMatch(/no time zone/);
  });

  it('reads the documented page envelope and refuses one without pagination', () => {
    const page = { sales: [docSale], pagination: { total: 42, limit: 100, hasMore: false } };
    expect(SalesPage.safeParse(page).success).toBe(true);
    expect(SalesPage.safeParse({ sales: [docSale] }).success).toBe(false);
  });
});

describe('SentryPOS windows and completeness', () => {
  it('sizes windows from the summary counts', () => {
    const counts = new Map([
      ['2026-02-01', 40],
      ['2026-02-02', 50],
      ['2026-02-03', 30],
      ['2026-02-04', 250],
      ['2026-02-05', 0],
    ]);
    expect(planWindows('2026-01-30', '2026-02-06', counts, 100)).toEqual([
      { from: '2026-01-30', to: '2026-02-02' },
      { from: '2026-02-03', to: '2026-02-03' },
      { from: '2026-02-04', to: '2026-02-04' },
      { from: '2026-02-05', to: '2026-02-06' },
    ]);
  });

  it('compares our count and total with the summary, whichever statuses it sums', () => {
    const tallies = new Map();
    const sales = [
      { ...docSale, id: 'a', amountCents: 1000 },
      { ...docSale, id: 'b', amountCents: 500, status: 'FAILED' },
    ].map((s) => normalizeSale(s, ctx));
    tally(tallies, sales);
    const ours = tallies.get('2026-02-15');
    const day = (amountCents: number, transactions = 2) => ({
      date: '2026-02-15',
      amountCents,
      transactions,
    });
    const opts = { open: false, partialReason: null };
    expect(judgeDay('sales', '2026-02-15', ours, day(1000), 'USD', opts).state).toBe('complete');
    expect(judgeDay('sales', '2026-02-15', ours, day(1500), 'USD', opts).state).toBe('complete');
    expect(judgeDay('sales', '2026-02-15', ours, day(1000, 3), 'USD', opts)).toMatchObject({
      state: 'partial',
      detail: 'we hold 2 sales (10.00 completed); SentryPOS reports 3 (10.00)',
    });
    expect(
      judgeDay('sales', '2026-02-15', ours, day(1000, 3), 'USD', { open: true, partialReason: null }).state,
    ).toBe('open');
  });
});
