import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DateTime } from 'luxon';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { World } from '../../../src-main/core/sandbox/world/world.ts';
import { TEST_WORLDS_DIR } from './test-worlds-dir.ts';

type Json = Record<string, unknown>;
interface Line {
  quantity: number;
  unitPriceGross: number;
  discountTotal: number;
  lineTotalGross: number;
  lineTotalNet: number;
  vatAmount: number;
  vatRate: number;
}

let world: World;
const opts = {
  seed: 11,
  days: 14,
  salesPerDay: 80,
  today: '2026-03-31',
  rates: { partialRefund: 0.1, fullRefund: 0.05 },
};

beforeAll(() => {
  world = World.open(opts, TEST_WORLDS_DIR);
});
afterAll(() => world.close());

describe('Vipps Sales API entries', () => {
  it('line totals sum to gross, VAT sums to vat, and unit price × quantity − discount = line total', () => {
    let checked = 0;
    for (const e of world.records('vipps:sales')) {
      const lines = e.lines as Line[];
      const amounts = e.amounts as { gross: number; net?: number; vat?: number };
      const completeness = e.completeness as { hasLineItems: boolean };
      expect(completeness.hasLineItems).toBe(lines.length > 0);
      if (!lines.length) continue;
      checked++;
      expect(lines.reduce((s, l) => s + l.lineTotalGross, 0)).toBe(amounts.gross);
      expect(lines.reduce((s, l) => s + l.vatAmount, 0)).toBe(amounts.vat);
      expect(lines.reduce((s, l) => s + l.lineTotalNet, 0)).toBe(amounts.net);
      for (const l of lines) {
        expect(l.unitPriceGross * l.quantity - l.discountTotal).toBe(l.lineTotalGross);
        expect([2500, 1500, 1200, 0]).toContain(l.vatRate);
      }
    }
    expect(checked).toBeGreaterThan(50);
  });

  it('cash entries have a null pspReference and never reach the Report ledgers', () => {
    const funds = new Set([...world.records('vipps:funds')].map((e) => e.pspReference));
    const cash = [...world.records('vipps:sales')].filter((e) => e.paymentType === 'CASH');
    expect(cash.length).toBeGreaterThan(0);
    for (const e of cash) expect(e.pspReference).toBeNull();
    for (const e of world.records('vipps:sales')) {
      if (e.pspReference !== null) expect(funds.has(e.pspReference)).toBe(true);
    }
  });

  it('timestamps come in both the Z and the +hhmm forms', () => {
    const times = [...world.records('vipps:funds')].map((e) => String(e.time));
    expect(times.some((t) => /\.\d{6}Z$/.test(t))).toBe(true);
    expect(times.some((t) => /\.\d{6}[+-]\d{4}$/.test(t))).toBe(true);
  });
});

describe('Vipps Report ledgers', () => {
  for (const topic of ['funds', 'fees'] as const) {
    it(`${topic}: balances chain across the whole feed`, () => {
      let balance = 0;
      for (const e of world.records(`vipps:${topic}`)) {
        expect(e.balanceBefore).toBe(balance);
        expect(e.balanceAfter).toBe(balance + Number(e.amount));
        balance = Number(e.balanceAfter);
      }
    });
  }

  it('each payout equals the sum of the funds entries since the previous payout; bank days only', () => {
    let sum = 0;
    let payouts = 0;
    for (const e of world.records('vipps:funds')) {
      if (e.entryType === 'payout-scheduled') {
        expect(-Number(e.amount)).toBe(sum);
        expect(e.balanceAfter).toBe(0);
        expect(world.calendar.weekday(String(e.ledgerDate))).toBeLessThanOrEqual(5);
        sum = 0;
        payouts++;
      } else sum += Number(e.amount);
    }
    // Every closed Monday–Friday date pays out (the balance is always positive in this shop).
    let bankDays = 0;
    for (let d = world.options.firstDay; d < opts.today; d = world.calendar.addDays(d, 1))
      if (world.calendar.weekday(d) <= 5) bankDays++;
    expect(payouts).toBe(bankDays);
  });

  it('ledger dates are the date of the entry time in the shop zone; today has no payout', () => {
    for (const e of world.records('vipps:funds')) {
      const t = String(e.time).replace(/(\d{2})(\d{2})$/, '$1:$2');
      expect(DateTime.fromISO(t).setZone('Europe/Oslo').toISODate()).toBe(e.ledgerDate);
      if (e.ledgerDate === opts.today) expect(e.entryType).not.toBe('payout-scheduled');
    }
  });

  it("fees-retained in funds equals the day's capture fees in the fees ledger", () => {
    const feesByDate = new Map<string, number>();
    for (const e of world.records('vipps:fees')) {
      if (e.entryType === 'capture-fee')
        feesByDate.set(String(e.ledgerDate), (feesByDate.get(String(e.ledgerDate)) ?? 0) + Number(e.amount));
    }
    const retained = [...world.records('vipps:funds')].filter((e) => e.entryType === 'fees-retained');
    // One per closed date with fees (every closed date here), so the check below is not vacuous.
    expect(retained.length).toBe([...feesByDate.keys()].filter((d) => d < opts.today).length);
    expect(retained.length).toBeGreaterThanOrEqual(opts.days - 1);
    for (const e of retained) expect(-Number(e.amount)).toBe(feesByDate.get(String(e.ledgerDate)));
    const retainedFees = [...world.records('vipps:fees')].filter((e) => e.entryType === 'fees-retained');
    expect(retainedFees.map((e) => [e.ledgerDate, e.amount])).toEqual(
      retained.map((e) => [e.ledgerDate, e.amount]),
    );
  });
});

describe('imperfections and formats', () => {
  const all = (d: Parameters<World['records']>[0]) => [...world.records(d)];
  it('SensePass amounts are strings in some records and numbers in others; currencies ILS and USD', () => {
    const sp = all('sensepass:transactions');
    expect(sp.some((r) => typeof r.amount === 'string')).toBe(true);
    expect(sp.some((r) => typeof r.amount === 'number')).toBe(true);
    expect(new Set(sp.map((r) => r.currency))).toEqual(new Set(['ILS', 'USD']));
  });

  it('Cents amounts are floats in major units and total = order + donation', () => {
    const cents = all('cents:transactions');
    expect(cents.some((r) => !Number.isInteger(r.order_amount))).toBe(true);
    for (const r of cents) {
      expect(Math.round(Number(r.total_amount) * 100)).toBe(
        Math.round(Number(r.order_amount) * 100) + Math.round(Number(r.donation_amount) * 100),
      );
    }
  });

  it('contains failed attempts, refunds, duplicates, tips and near-midnight sales', () => {
    const pos = all('sentrypos:sales');
    expect(pos.some((r) => r.status === 'FAILED')).toBe(true);
    expect(pos.some((r) => r.status === 'REFUNDED')).toBe(true);
    expect(pos.some((r) => r.status === 'PENDING')).toBe(true);
    const tgi = all('tgi:transactions');
    expect(tgi.some((r) => r.status === 'refund')).toBe(true);
    expect(tgi.some((r) => r.status === 'declined')).toBe(true);
    const tids = tgi.map((r) => r.tid);
    expect(new Set(tids).size).toBeLessThan(tids.length);
    const hours = pos.map((r) => DateTime.fromISO(String(r.createdAt)).setZone('Europe/Oslo').hour);
    expect(hours.some((h) => h === 23 || h === 0)).toBe(true);
    const sp = all('sensepass:transactions');
    expect(sp.some((r) => r.status === 13 && r.statusName === 'Transaction Approved')).toBe(true);
  });

  it('split sales: one invoice paid through two providers', () => {
    const byInvoice = new Map<string, Set<string>>();
    for (const r of all('sentrypos:sales')) {
      const set = byInvoice.get(String(r.invoiceId)) ?? new Set<string>();
      set.add(String(r.network));
      byInvoice.set(String(r.invoiceId), set);
    }
    expect([...byInvoice.values()].some((s) => s.size === 2)).toBe(true);
  });
});

describe('ground truth', () => {
  it('links every record of every dataset to a sale, and Vipps money to the payout that settled it', () => {
    const truth = JSON.parse(readFileSync(world.groundTruthPath, 'utf8')) as {
      sales: {
        invoiceId: string;
        records: { provider: string; dataset: string; key: Json; payout: Json | null }[];
      }[];
    };
    const refs = truth.sales.flatMap((s) => s.records);
    const counts = (p: string, d: string) => refs.filter((r) => r.provider === p && r.dataset === d).length;
    expect(counts('sentrypos', 'sales')).toBe(world.count('sentrypos:sales'));
    expect(counts('tgi', 'transactions')).toBe(world.count('tgi:transactions'));
    expect(counts('sensepass', 'transactions')).toBe(world.count('sensepass:transactions'));
    expect(counts('cents', 'transactions')).toBe(world.count('cents:transactions'));
    expect(counts('vipps', 'sales')).toBe(world.count('vipps:sales'));
    const fundsTypes = (types: string[]) =>
      [...world.records('vipps:funds')].filter((e) => types.includes(String(e.entryType))).length;
    expect(counts('vipps', 'funds')).toBe(fundsTypes(['capture', 'refund']));
    expect(counts('vipps', 'fees')).toBe(
      [...world.records('vipps:fees')].filter((e) => e.entryType === 'capture-fee').length,
    );
    const payouts = [...world.records('vipps:funds')]
      .filter((e) => e.entryType === 'payout-scheduled')
      .map((e) => ({ psp: e.pspReference, date: String(e.ledgerDate) }));
    const fundsRefs = refs.filter((x) => x.provider === 'vipps' && x.dataset === 'funds');
    expect(fundsRefs.length).toBeGreaterThan(100);
    for (const r of fundsRefs) {
      const date = world.get<{ d: string }>(
        "SELECT ledger_date AS d FROM vipps_report WHERE topic = 'funds' AND psp_reference = ?",
        r.key.pspReference,
      )?.d;
      // Settled by the first payout on or after its ledger date; none yet: null.
      const settler = payouts.find((p) => p.date >= String(date));
      if (!settler) expect(r.payout).toBeNull();
      else
        expect(r.payout).toEqual({ ledgerId: '302321', ledgerDate: settler.date, pspReference: settler.psp });
    }
  });
});

describe('determinism', () => {
  it('the same options give a byte-identical world; another seed gives another', () => {
    // A fresh directory, so the second world is really generated again rather than reused.
    const dir = mkdtempSync(join(tmpdir(), 'posrecon-determinism-'));
    const again = World.open(opts, dir);
    const other = World.open({ ...opts, seed: 12 }, dir);
    try {
      expect(again.dbPath).not.toBe(world.dbPath);
      expect(readFileSync(again.groundTruthPath)).toEqual(readFileSync(world.groundTruthPath));
      expect(readFileSync(again.dbPath).equals(readFileSync(world.dbPath))).toBe(true);
      expect(readFileSync(other.groundTruthPath).equals(readFileSync(world.groundTruthPath))).toBe(false);
    } finally {
      again.close();
      other.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('another shop: time zone and currency are settings', () => {
  it('a Tel Aviv shop in ILS: ledger dates follow its zone and ILS SensePass amounts equal the sale', () => {
    const w = World.open(
      {
        seed: 2,
        days: 3,
        salesPerDay: 40,
        today: '2026-03-31',
        timeZone: 'Asia/Jerusalem',
        currency: 'ILS',
        sensePassCurrencies: ['ILS'],
      },
      TEST_WORLDS_DIR,
    );
    try {
      for (const e of w.records('vipps:funds')) {
        const t = String(e.time).replace(/(\d{2})(\d{2})$/, '$1:$2');
        expect(DateTime.fromISO(t).setZone('Asia/Jerusalem').toISODate()).toBe(e.ledgerDate);
        expect(e.currency).toBe('ILS');
      }
      const pos = new Map([...w.records('sentrypos:sales')].map((s) => [s.invoiceId, Number(s.amountCents)]));
      const sp = [...w.records('sensepass:transactions')];
      expect(sp.every((r) => r.currency === 'ILS')).toBe(true);
      const invoice = (r: Json) => (r.posData as { invoiceId?: string }).invoiceId;
      const exact = sp.filter((r) => pos.get(invoice(r)) === Math.round(Number(r.amount) * 100));
      expect(exact.length).toBeGreaterThan(sp.length / 2);
    } finally {
      w.close();
    }
  });
});
