import { describe, expect, it } from 'vitest';
import { followNextUrl } from '../../../../src-main/core/providers/tgi/client.ts';
import { tgiAuthHeader } from '../../../../src-main/core/providers/tgi/index.ts';
import { normalizeTransaction, TGI_STATUS } from '../../../../src-main/core/providers/tgi/normalize.ts';
import { TgiPage } from '../../../../src-main/core/providers/tgi/wire.ts';

const ctx = {
  connection: { id: 'c1', provider: 'tgi' as const },
  shopTimeZone: 'America/New_York',
  currency: 'USD',
};

// The page's POST example ("Jan 19, 2024, 1:47pm EST" = 18:47:12 UTC), as the list returns it.
const docTx = {
  cid: '123ABC',
  tid: '456zzY',
  total: 106298,
  subtotal: 104189,
  tax: 2109,
  date: '2024-01-19 18:47:12',
  status: 'complete',
};

describe('TGI normalization', () => {
  it('reads the zone-less date as UTC and the amounts as cents', () => {
    const o = normalizeTransaction(docTx, ctx);
    expect(o.ok && o.record).toMatchObject({
      provider: 'tgi',
      externalId: '456zzY',
      kind: 'capture',
      amountMinor: 106298,
      currency: 'USD',
      status: 'completed',
      providerStatus: 'complete',
      occurredAt: '2024-01-19T18:47:12.000Z',
      occurredAtRaw: '2024-01-19 18:47:12',
      businessDate: '2024-01-19',
      references: [
        { kind: 'tid', value: '456zzY' },
        { kind: 'cid', value: '123ABC' },
      ],
      raw: docTx,
    });
  });

  it('maps the four documented statuses; refunds are refund records with a negative amount', () => {
    expect(TGI_STATUS).toEqual({
      complete: 'completed',
      pending: 'pending',
      declined: 'failed',
      refund: 'refunded',
    });
    for (const [status, normalized] of Object.entries(TGI_STATUS)) {
      const o = normalizeTransaction({ ...docTx, status }, ctx);
      expect(o.ok && o.record.status).toBe(normalized);
    }
    const refund = normalizeTransaction(
      { ...docTx, tid: 'R1', total: -2500, status: 'refund', parent_tid: '456zzY' },
      ctx,
    );
    expect(refund.ok && refund.record).toMatchObject({ kind: 'refund', amountMinor: -2500 });
    expect(refund.ok && refund.record.references).toContainEqual({ kind: 'parent_tid', value: '456zzY' });
    const positive = normalizeTransaction({ ...docTx, total: 2500, status: 'refund' }, ctx);
    expect(positive.ok && positive.record.amountMinor).toBe(-2500);
    const unknown = normalizeTransaction({ ...docTx, status: 'chargeback', extra: { a: 1 } }, ctx);
    expect(unknown.ok && [unknown.record.status, unknown.record.providerStatus]).toEqual([
      'unknown',
      'chargeback',
    ]);
    expect(unknown.ok && unknown.record.raw).toEqual({ ...docTx, status: 'chargeback', extra: { a: 1 } });
  });

  it('quarantines a bad record with a clear error', () => {
    const o = normalizeTransaction({ ...docTx, total: 1062.98 }, ctx);
    expect(o).toMatchObject({ ok: false, externalId: '456zzY' });
    expect(!o.ok && o.error).toMatch(/total/);
    expect(normalizeTransaction({ cid: 'x', total: 1 }, ctx)).toMatchObject({ ok: false, externalId: null });
  });

  it('reads the documented page envelope (prev: 1 on page 1, a relative nextUrl)', () => {
    const page = {
      query: { limit: 50, results: 50, totalRecords: 3200 },
      page: { total: 64, current: 1, next: 2, prev: 1 },
      cursor: { prevUrl: null, nextUrl: '/transactions?limit=50&page=2' },
      data: [{ tid: 'HIWRLD' }],
    };
    expect(TgiPage.safeParse(page).success).toBe(true);
    expect(TgiPage.safeParse({ ...page, data: undefined }).success).toBe(false);
  });
});

describe('TGI paging and auth helpers', () => {
  const filters = { limit: '50', date_after: '2024-01-01', date_before: '2024-01-07' };

  it('follows nextUrl relative to the API base and puts back filters the link drops', () => {
    expect(followNextUrl('/transactions?limit=50&page=2', 'https://tgi.example.com/api', filters)).toBe(
      'transactions?limit=50&page=2&date_after=2024-01-01&date_before=2024-01-07',
    );
    expect(
      followNextUrl(
        '/api/transactions?page=3&limit=50&date_after=2024-01-01&date_before=2024-01-07',
        'https://tgi.example.com/api/',
        filters,
      ),
    ).toBe('transactions?page=3&limit=50&date_after=2024-01-01&date_before=2024-01-07');
    expect(
      followNextUrl('https://tgi.example.com/transactions?page=2', 'https://tgi.example.com', filters),
    ).toBe('transactions?page=2&limit=50&date_after=2024-01-01&date_before=2024-01-07');
  });

  it('puts the key in the configured header; Authorization gets a bearer value', () => {
    expect(tgiAuthHeader('X-Api-Key', 'k1')).toEqual(['X-Api-Key', 'k1']);
    expect(tgiAuthHeader('Authorization', 'k1')).toEqual(['Authorization', 'Bearer k1']);
    expect(tgiAuthHeader('authorization', 'Bearer k1')).toEqual(['authorization', 'Bearer k1']);
  });
});
