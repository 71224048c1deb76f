import { describe, expect, it } from 'vitest';
import { credentialsBody } from '../../../../src-main/core/providers/sensepass/client.ts';
import { SensePassConfig } from '../../../../src-main/core/providers/sensepass/config.ts';
import {
  normalizeTransaction,
  SENSEPASS_STATUS,
} from '../../../../src-main/core/providers/sensepass/normalize.ts';
import { SensePassPage } from '../../../../src-main/core/providers/sensepass/wire.ts';
import { docListPage, docSingle } from './doc-examples.ts';

const ctx = { connection: { id: 'c1', provider: 'sensepass' as const }, shopTimeZone: 'Asia/Jerusalem' };
const ok = (raw: unknown) => {
  const o = normalizeTransaction(raw, ctx);
  if (!o.ok) throw new Error(o.error);
  return o.record;
};

describe('SensePass normalization of the documented examples', () => {
  it('the single transaction: trusts the code 0 over "Transaction Approved", keeps every reference', () => {
    const r = ok(docSingle);
    expect(r).toMatchObject({
      provider: 'sensepass',
      externalId: docSingle.TransactionNumber,
      kind: 'capture',
      amountMinor: 123456,
      currency: 'USD',
      status: 'pending',
      providerStatus: '0 Initialize',
      occurredAt: '2019-12-19T09:47:59.105Z',
      occurredAtRaw: '2019-12-19T09:47:59.105Z',
      businessDate: '2019-12-19',
      customerName: 'John Doe',
      customerEmail: '[email protected]',
      customerPhone: '+12545870720',
      method: 'Bit',
      network: 'Visa',
      description: 'POS 3, Branch Tel Aviv',
    });
    expect(r.raw).toBe(docSingle);
    expect(r.references).toEqual([
      { kind: 'TransactionNumber', value: docSingle.TransactionNumber },
      { kind: 'foo', value: 'bar' },
      { kind: 'paymentProcessRequestID', value: '06c20474-bf85-4310-aa72-b39e40f9c7e2' },
      { kind: 'confirmationNumber', value: '063-d9j09YsY1' },
      { kind: 'fullConfirmationCode', value: '063-d9j09YsY1' },
      { kind: 'authNumber', value: '123213dsf13111' },
      { kind: 'referenceNumber', value: '1778298289' },
      { kind: 'voucher', value: 'yyyAbnlmlfm1323' },
      { kind: 'sensePassReferenceId', value: '34e209ea8b24cc831cf' },
      { kind: 'requestID', value: 'a4dbf66e-d3f1-4a29-baf7-2591424a9a0c' },
      { kind: 'providerId', value: 'uGfNuwEGiP18SUnTUEo1/atTdesDnhDhZ/8i7G9NAEg=' },
    ]);
    expect(
      r.lines.map((l) => [
        l.lineNo,
        l.name,
        l.quantity,
        l.unitPriceGrossMinor,
        l.lineGrossMinor,
        l.discountMinor,
      ]),
    ).toEqual([
      [1, 'Coffee', 2, 10000, 20000, 0],
      [2, 'Beer', 1, 60000, 60000, 0],
    ]);
  });

  it('the list page: envelope and both records (amount "1" ILS, Bit, status 5)', () => {
    const page = SensePassPage.parse(docListPage);
    expect(page.pagination?.totalRecords).toBe(133);
    const rs = page.data.map(ok);
    expect(
      rs.map((r) => [r.amountMinor, r.currency, r.status, r.providerStatus, r.method, r.businessDate]),
    ).toEqual([
      [100, 'ILS', 'completed', '5 TransactionApproved', 'Bit', '2024-01-01'],
      [100, 'ILS', 'completed', '5 TransactionApproved', 'Bit', '2024-01-02'],
    ]);
    expect(rs[0]?.references).toContainEqual({
      kind: 'receiptSaveUid',
      value: '5d46842c-314a-4c61-8da5-75daaa7f17fc',
    });
    expect(SensePassPage.safeParse({ pagination: {} }).success).toBe(false);
  });
});

describe('SensePass amounts, statuses and quarantine', () => {
  it('converts a decimal string and a number to the same exact minor units in every currency', () => {
    const cases: [string | number, string, number][] = [
      ['1234.56', 'USD', 123456],
      [1234.56, 'USD', 123456],
      ['0.29', 'CAD', 29],
      [0.29, 'CAD', 29],
      ['19.99', 'ILS', 1999],
      [19.99, 'ILS', 1999],
      ['1.005', 'EUR', 101],
      [1.1, 'EUR', 110],
      ['150', 'RUB', 15000],
      [150.5, 'RUB', 15050],
    ];
    for (const [amount, currency, minor] of cases) {
      expect([ok({ ...docSingle, amount, currency }).amountMinor, amount]).toEqual([minor, amount]);
    }
  });

  it('maps all fourteen status codes, and keeps an unknown one as sent', () => {
    const expected = {
      0: 'pending',
      1: 'pending',
      2: 'pending',
      3: 'cancelled',
      4: 'pending',
      5: 'completed',
      6: 'failed',
      7: 'failed',
      8: 'failed',
      9: 'cancelled',
      10: 'pending',
      11: 'refunded',
      12: 'refunded',
      13: 'partially_refunded',
    };
    expect(Object.fromEntries(Object.entries(SENSEPASS_STATUS).map(([k, v]) => [k, v.status]))).toEqual(
      expected,
    );
    for (const [code, status] of Object.entries(expected)) {
      // Whatever statusName says (a partial refund keeps "Transaction Approved"), the code decides.
      const r = ok({ ...docSingle, status: Number(code), statusName: 'Transaction Approved' });
      expect([r.status, r.providerStatus]).toEqual([
        status,
        `${code} ${SENSEPASS_STATUS[Number(code)]?.name}`,
      ]);
    }
    const unknown = ok({ ...docSingle, status: 14, statusName: 'Transaction Disputed' });
    expect([unknown.status, unknown.providerStatus]).toEqual(['unknown', '14 Transaction Disputed']);
  });

  it('quarantines a record with an unreadable amount, or no transaction number, with a clear error', () => {
    const bad = normalizeTransaction({ ...docSingle, amount: '12,5O kr' }, ctx);
    expect(bad).toMatchObject({ ok: false, externalId: docSingle.TransactionNumber });
    expect(!bad.ok && bad.error).toBe('Record could not be normalized: Not a decimal amount: "12,5O kr"');
    const noId = normalizeTransaction({ ...docSingle, TransactionNumber: undefined }, ctx);
    expect(noId).toMatchObject({ ok: false, externalId: null });
    expect(!noId.ok && noId.error).toMatch(/^Record does not match the expected shape: .*TransactionNumber/s);
    const badCurrency = normalizeTransaction({ ...docSingle, currency: 'XYZ' }, ctx);
    expect(!badCurrency.ok && badCurrency.error).toMatch(/currency code/);
  });

  it('keeps unknown fields in raw, exactly as received', () => {
    const rec = { ...docListPage.data[0], newField: { nested: [1, 2] }, status: 5 };
    expect(ok(rec).raw).toEqual(rec);
  });
});

describe('SensePass credentials in the body', () => {
  it('sends the location key, the device id, or the deprecated key with its branch', () => {
    const c = (o: object) => SensePassConfig.parse(o);
    expect(credentialsBody(c({}), { apiKey: 'k' })).toEqual({ apiKey: 'k' });
    expect(credentialsBody(c({ authMode: 'deviceId' }), { deviceId: 'd', apiKey: 'k' })).toEqual({
      deviceId: 'd',
    });
    expect(credentialsBody(c({ branchNumber: '1' }), { apiKey: 'k' })).toEqual({
      apiKey: 'k',
      branchNumber: '1',
    });
    expect(() => credentialsBody(c({ authMode: 'deviceId' }), { apiKey: 'k' })).toThrow(
      'SensePass has no device ID yet. Enter it in Connections.',
    );
    expect(c({}).baseUrl).toBe('https://api.sensepass.com/api');
  });
});
