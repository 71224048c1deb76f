import { describe, expect, it } from 'vitest';
import {
  ENTRY_KIND,
  reportOutcome,
  salesOutcome,
  type VippsRecordContext,
} from '../../../../src-main/core/providers/vipps/normalize.ts';
import type { RecordOutcome } from '../../../../src-main/core/providers/connector.ts';
import type { CanonicalTransaction } from '../../../../src-main/core/model/transaction.ts';

const rc: VippsRecordContext = { connectionId: 'c1', ledgerId: '302321', shopTimeZone: 'Europe/Oslo' };

function ok(o: RecordOutcome): CanonicalTransaction {
  if (!o.ok) throw new Error(`quarantined: ${o.error}`);
  return o.record;
}

/** The Sales API page's entry shape, filled with consistent numbers: 25 % and 15 % VAT, a discount. */
const basket = {
  entryType: 'capture',
  time: '2026-01-19T12:45:00Z',
  pspReference: '3343121302',
  reference: 'acme-shop-123-order123abc',
  currency: 'NOK',
  paymentType: 'CARD',
  amounts: { gross: 43500, net: 37200, vat: 6300 },
  lines: [
    {
      lineId: '1',
      name: 'Coffee',
      quantity: 2,
      unitPriceGross: 5000,
      unitPriceNet: 4000,
      discountTotal: 1000,
      lineTotalGross: 9000,
      lineTotalNet: 7200,
      vatRate: 2500,
      vatAmount: 1800,
      category: 'GOODS',
    },
    {
      lineId: '2',
      name: 'Lunch',
      quantity: 1,
      unitPriceGross: 34500,
      unitPriceNet: 30000,
      discountTotal: 0,
      lineTotalGross: 34500,
      lineTotalNet: 30000,
      vatRate: 1500,
      vatAmount: 4500,
      category: 'FOOD',
    },
  ],
  customer: null,
  classification: { solution: 'SHOPPING_BASKET', salesCategory: 'GOODS' },
  completeness: { hasLineItems: true, hasVatBreakdown: true, hasCustomerIdentity: false },
  someFutureField: { kept: true },
};

describe('Vipps Sales API entries', () => {
  it('keep lines with VAT in basis points; unit prices before discount, line totals after', () => {
    const r = ok(salesOutcome(basket, rc));
    expect(r).toMatchObject({
      provider: 'vipps',
      externalId: 'sales:302321:capture:3343121302',
      kind: 'capture',
      amountMinor: 43500,
      currency: 'NOK',
      status: 'completed',
      providerStatus: 'capture',
      occurredAt: '2026-01-19T12:45:00.000Z',
      occurredAtRaw: '2026-01-19T12:45:00Z',
      businessDate: '2026-01-19',
      ledgerDate: null,
      method: 'CARD',
      customerName: null,
    });
    expect(r.lines.map((l) => l.vatRateBp)).toEqual([2500, 1500]);
    for (const l of r.lines) {
      expect((l.unitPriceGrossMinor ?? 0) * l.quantity - l.discountMinor).toBe(l.lineGrossMinor);
    }
    expect(r.lines.reduce((s, l) => s + l.lineGrossMinor, 0)).toBe(basket.amounts.gross);
    expect(r.lines.reduce((s, l) => s + (l.vatMinor ?? 0), 0)).toBe(basket.amounts.vat);
    expect(r.lines.reduce((s, l) => s + (l.lineNetMinor ?? 0), 0)).toBe(basket.amounts.net);
    expect(r.references).toEqual([
      { kind: 'pspReference', value: '3343121302' },
      { kind: 'reference', value: 'acme-shop-123-order123abc' },
      { kind: 'ledgerId', value: '302321' },
    ]);
    expect(r.raw).toBe(basket);
  });

  it('puts the business day in the shop zone', () => {
    expect(ok(salesOutcome({ ...basket, time: '2026-01-19T23:30:00Z' }, rc)).businessDate).toBe('2026-01-20');
  });

  it('gives cash (pspReference null) a stable id from what the entry carries, the same for both time forms', () => {
    const cash = {
      ...basket,
      pspReference: null,
      paymentType: 'CASH',
      classification: { solution: 'MPOS', salesCategory: null },
      lines: [],
      amounts: { gross: 12000 },
      completeness: { hasLineItems: false, hasVatBreakdown: false, hasCustomerIdentity: false },
    };
    const a = ok(salesOutcome(cash, rc));
    const b = ok(salesOutcome({ ...cash, time: '2026-01-19T13:45:00.000000+0100' }, rc));
    expect(a.externalId).toBe(b.externalId);
    expect(a.externalId).toMatch(/^sales:302321:capture:cash:acme-shop-123-order123abc:/);
    expect(a.references.some((x) => x.kind === 'pspReference')).toBe(false);
    expect(a.amountMinor).toBe(12000);
    const refund = ok(salesOutcome({ ...cash, entryType: 'refund', amounts: { gross: -12000 } }, rc));
    expect(refund.kind).toBe('refund');
    expect(refund.externalId).not.toBe(a.externalId);
  });

  it('quarantines an entry without pspReference at all (null is cash; missing is broken)', () => {
    const { pspReference: _drop, ...broken } = basket;
    const o = salesOutcome({ ...broken, amounts: '12,5O kr' }, rc);
    expect(o.ok).toBe(false);
    if (o.ok) return;
    expect(o.error).toMatch(/pspReference/);
    expect(o.error).toMatch(/amounts/);
    expect(o.externalId).toBeNull();
    expect(o.raw).toMatchObject({ reference: basket.reference });
  });

  it('quarantines an entry with neither amounts nor lines', () => {
    const o = salesOutcome({ ...basket, amounts: null, lines: [] }, rc);
    expect(o).toMatchObject({ ok: false, externalId: 'sales:302321:capture:3343121302' });
    expect(!o.ok && o.error).toMatch(/neither amounts.gross nor lines/);
  });
});

const reportEntry = {
  pspReference: '3343121302',
  time: '2020-10-05T00:00:00.000000Z',
  ledgerDate: '2020-10-05',
  entryType: 'capture',
  reference: 'acme-shop-123-order123abc',
  currency: 'NOK',
  amount: 49900,
  balanceBefore: 100000,
  balanceAfter: 149900,
  recipientHandle: 'NO:123455',
};

describe('Vipps Report API entries', () => {
  it('read microsecond Z times and offsets without a colon; the ledger date is kept as given', () => {
    const z = ok(reportOutcome(reportEntry, 'funds', rc));
    expect(z).toMatchObject({
      externalId: 'funds:302321:capture:3343121302:2020-10-05',
      kind: 'capture',
      amountMinor: 49900,
      occurredAt: '2020-10-05T00:00:00.000Z',
      occurredAtRaw: '2020-10-05T00:00:00.000000Z',
      businessDate: '2020-10-05',
      ledgerDate: '2020-10-05',
    });
    expect(z.references).toContainEqual({ kind: 'recipientHandle', value: 'NO:123455' });
    // A 04:00 cutoff: 00:30 local on the 15th still belongs to ledger date the 14th.
    const off = ok(
      reportOutcome(
        { ...reportEntry, time: '2026-02-15T00:30:00.824993+0100', ledgerDate: '2026-02-14' },
        'funds',
        rc,
      ),
    );
    expect(off.occurredAt).toBe('2026-02-14T23:30:00.824Z');
    expect(off.businessDate).toBe('2026-02-14');
    expect(off.occurredAtRaw).toBe('2026-02-15T00:30:00.824993+0100');
  });

  it('maps entry types to kinds, both payout spellings included, and keeps unknown types raw', () => {
    const kindOf = (entryType: string) =>
      ok(reportOutcome({ ...reportEntry, entryType, amount: -500 }, 'fees', rc));
    expect(kindOf('payout-scheduled').kind).toBe('payout');
    expect(kindOf('scheduled-for-payout').kind).toBe('payout');
    for (const t of ['fees-retained', 'capture-fee', 'fees-invoiced', 'service-fee'])
      expect(kindOf(t).kind).toBe('fee');
    for (const t of ['payout-aborted', 'correction', 'top-up', 'credit-note', 'retained-disputed-capture']) {
      expect(kindOf(t)).toMatchObject({ kind: 'adjustment', status: 'completed' });
    }
    expect(kindOf('refund')).toMatchObject({ kind: 'refund', amountMinor: -500 });
    const fresh = kindOf('instant-payout-fee');
    expect(fresh).toMatchObject({
      kind: 'adjustment',
      status: 'unknown',
      providerStatus: 'instant-payout-fee',
    });
    expect(fresh.description).toContain('instant-payout-fee');
    expect(Object.keys(ENTRY_KIND)).toContain('payout-scheduled');
  });

  it('keeps funds and fees rows apart though they share a pspReference', () => {
    const funds = ok(reportOutcome(reportEntry, 'funds', rc));
    const fee = ok(reportOutcome({ ...reportEntry, entryType: 'capture-fee', amount: 1242 }, 'fees', rc));
    expect(funds.externalId).not.toBe(fee.externalId);
  });

  it('quarantines a broken record with a clear reason, keeping its id when it has one', () => {
    const noId = reportOutcome({ ...reportEntry, pspReference: undefined, amount: '12,5O kr' }, 'funds', rc);
    expect(noId).toMatchObject({ ok: false, externalId: null });
    expect(!noId.ok && noId.error).toMatch(/^Record does not match the expected shape:.*amount/s);
    const badCurrency = reportOutcome({ ...reportEntry, currency: 'XXQ' }, 'funds', rc);
    expect(badCurrency).toMatchObject({
      ok: false,
      externalId: 'funds:302321:capture:3343121302:2020-10-05',
    });
    expect(!badCurrency.ok && badCurrency.error).toMatch(/Unknown currency "XXQ"/);
    const zoneless = reportOutcome({ ...reportEntry, time: '2020-10-05T00:00:00' }, 'funds', rc);
    expect(!zoneless.ok && zoneless.error).toMatch(/no time zone/);
  });
});

describe('Vipps timestamps with offsets (issue 16)', () => {
  it('convert to the exact UTC instant', async () => {
    const { parseInstant, toUtcIso } = await import('../../../../src-main/core/model/time.ts');
    const utc = (raw: string) => toUtcIso(parseInstant(raw));
    expect(utc('2026-03-10T12:00:00+01:00')).toBe('2026-03-10T11:00:00.000Z');
    expect(utc('2026-03-10T12:00:00.824993+0200')).toBe('2026-03-10T10:00:00.824Z');
    expect(utc('2026-03-10T00:30:00.000000Z')).toBe('2026-03-10T00:30:00.000Z');
    expect(utc('2026-03-10T00:30:00.5-0530')).toBe('2026-03-10T06:00:00.500Z');
  });
});
