import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TRUTH_TAGS } from '../../../src-main/core/sandbox/world/imperfections.ts';
import { DEFAULT_CLOCK_OFFSETS_MS } from '../../../src-main/core/sandbox/world/options.ts';
import { World } from '../../../src-main/core/sandbox/world/world.ts';
import { TEST_WORLDS_DIR } from './test-worlds-dir.ts';

type Json = Record<string, unknown>;
interface TruthRecord {
  provider: string;
  dataset: string;
  role: string;
  key: Json;
  payout: { ledgerId: string; ledgerDate: string; pspReference: string } | null;
  part: number | null;
  tags: string[];
}
interface TruthSale {
  saleNo: number;
  invoiceId: string;
  records: TruthRecord[];
}
interface Truth {
  version: number;
  sales: TruthSale[];
  payouts: {
    pspReference: string;
    ledgerId: string;
    ledgerDate: string;
    fromLedgerDate: string;
    amount: number;
    settles: { dataset: string; key: Json }[];
  }[];
}

/** A world's served records, indexed by the keys the ground truth uses. */
class Indexed {
  readonly world: World;
  readonly truth: Truth;
  private readonly maps = new Map<string, Map<string, Json>>();

  constructor(world: World) {
    this.world = world;
    this.truth = JSON.parse(readFileSync(world.groundTruthPath, 'utf8')) as Truth;
    const index = (name: string, dataset: Parameters<World['records']>[0], key: (r: Json) => string) => {
      const m = new Map<string, Json>();
      for (const r of world.records(dataset)) m.set(key(r), r);
      this.maps.set(name, m);
    };
    index('sentrypos/sales', 'sentrypos:sales', (r) => String(r.id));
    index('tgi/transactions', 'tgi:transactions', (r) => String(r.tid));
    index('sensepass/transactions', 'sensepass:transactions', (r) => String(r.TransactionNumber));
    index('cents/transactions', 'cents:transactions', (r) => String(r.id));
    index('vipps/sales', 'vipps:sales', (r) => `${r.pspReference}|${r.reference}|${r.entryType}`);
    index('vipps/funds', 'vipps:funds', (r) => `${r.pspReference}|${r.entryType}`);
    index('vipps/fees', 'vipps:fees', (r) => `${r.pspReference}|${r.entryType}`);
  }

  /** The served record a truth record names. */
  record(t: { provider?: string; dataset: string; key: Json }): Json {
    const k = t.key;
    const id =
      t.provider === 'vipps' || t.provider === undefined
        ? t.dataset === 'sales'
          ? `${k.pspReference}|${k.reference}|${k.entryType}`
          : `${k.pspReference}|${k.entryType}`
        : String(Object.values(k)[0]);
    const r = this.maps.get(`${t.provider ?? 'vipps'}/${t.dataset}`)?.get(id);
    if (!r) throw new Error(`no record for ${JSON.stringify(t)}`);
    return r;
  }

  get records(): (TruthRecord & { sale: TruthSale })[] {
    return this.truth.sales.flatMap((sale) => sale.records.map((r) => ({ ...r, sale })));
  }
}

const MAIN_ROLES = ['payment', 'capture', 'payment+partial-refund', 'payment+full-refund'];

/** A provider record's time in epoch ms, from whichever field and form that provider uses. */
function timeOf(provider: string, r: Json): number {
  if (provider === 'tgi') return Date.parse(`${String(r.date).replace(' ', 'T')}Z`);
  if (provider === 'sensepass') return Date.parse(String(r.date));
  if (provider === 'cents') return Date.parse(String(r.created_date));
  if (provider === 'sentrypos') return Date.parse(String(r.createdAt));
  return Date.parse(String(r.time).replace(/([+-]\d{2})(\d{2})$/, '$1:$2'));
}

/** The POS reference a provider record carries ('' when it carries none). */
function referenceOf(provider: string, r: Json): string {
  if (provider === 'vipps') return String(r.reference);
  if (provider === 'sensepass') return String((r.posData as { invoiceId?: string }).invoiceId ?? '');
  return String(r.payment_gateway_order_transaction_id);
}

/** Which of the five mistyping kinds turns `ref` into `typed`, or null if none explains it. */
function mistypeKind(ref: string, typed: string): string | null {
  if (typed !== ref && typed.replace(' ', '') === ref) return 'whitespace';
  if (typed !== ref && typed.toLowerCase() === ref.toLowerCase()) return 'case';
  if (typed.length === ref.length) {
    const diff = [...ref].flatMap((c, i) => (c === typed.charAt(i) ? [] : [i]));
    const [i, j] = diff;
    if (diff.length === 2 && i !== undefined && j === i + 1 && ref.charAt(i) === typed.charAt(j))
      return 'transpose';
    return null;
  }
  // A dropped last character is both a truncation and a drop: count it as a truncation.
  if (ref.startsWith(typed) && ref.length - typed.length <= 3) return 'truncate';
  if (typed.length === ref.length - 1) {
    for (let i = 0; i < ref.length; i++) if (ref.slice(0, i) + ref.slice(i + 1) === typed) return 'drop';
  }
  return null;
}

// A default-rate world (rates checked against the defaults), and a small one with boosted rates
// so that every provider shows every kind of the rarer imperfections.
const defaults = { seed: 21, days: 30, salesPerDay: 120, today: '2026-03-31' };
const boosted = {
  seed: 22,
  days: 8,
  salesPerDay: 100,
  today: '2026-03-31',
  rates: { mistypedReference: 0.3, duplicateCharge: 0.1, sameAmountNeighbour: 0.1 },
};
let d: Indexed;
let b: Indexed;
beforeAll(() => {
  d = new Indexed(World.open(defaults, TEST_WORLDS_DIR));
  b = new Indexed(World.open(boosted, TEST_WORLDS_DIR));
});
afterAll(() => {
  d.world.close();
  b.world.close();
});

describe('ground truth v2', () => {
  it('is version 2; every tag class occurs in a default world, and only known tags', () => {
    expect(d.truth.version).toBe(2);
    const seen = new Set(d.records.flatMap((r) => r.tags));
    expect([...seen].sort()).toEqual([...TRUTH_TAGS].sort());
  });

  it('part: each sale has payments 0..n-1, each with one POS payment row and its provider records', () => {
    for (const s of d.truth.sales) {
      const parts = new Set(s.records.map((r) => r.part));
      expect([...parts].sort()).toEqual([...Array(parts.size).keys()]);
      for (const part of parts) {
        const of = s.records.filter((r) => r.part === part);
        expect(of.filter((r) => r.provider === 'sentrypos' && r.role === 'payment')).toHaveLength(1);
        // A pending Vipps payment has no Vipps record yet; every other payment has its provider's.
        const providerRecords = of.some((r) => r.provider !== 'sentrypos');
        expect(providerRecords || (of[0]?.tags.includes('pending') ?? false)).toBe(true);
        // Every record of one payment carries that payment's tags.
        expect(new Set(of.map((r) => r.tags.join()))).toHaveProperty('size', 1);
      }
      expect(s.records[0]?.tags.includes('split-tender')).toBe(parts.size === 2);
    }
  });

  it('the same record delivered twice is role duplicate-notification, with the same key as the payment', () => {
    const dups = d.records.filter((r) => r.role === 'duplicate-notification');
    expect(dups.length).toBeGreaterThan(10);
    for (const r of dups) {
      expect(r.tags).toContain('duplicate-notification');
      const twin = r.sale.records.find(
        (x) => x !== r && x.dataset === r.dataset && JSON.stringify(x.key) === JSON.stringify(r.key),
      );
      expect(twin).toBeDefined();
    }
  });
});

describe('same-amount neighbours', () => {
  it('come in pairs: identical amount, 15–55 s apart, another customer, the same provider; both tagged', () => {
    const pos = (s: TruthSale) => {
      const t = s.records.find((r) => r.provider === 'sentrypos' && r.role === 'payment');
      return t ? d.record(t) : {};
    };
    const provider = (s: TruthSale) => s.records.find((r) => r.provider !== 'sentrypos')?.provider;
    const tagged = d.truth.sales.filter((s) =>
      s.records.some((r) => r.tags.includes('same-amount-neighbour')),
    );
    const rate = tagged.length / 2 / d.truth.sales.length;
    expect(rate).toBeGreaterThan(0.005);
    expect(rate).toBeLessThan(0.016);
    for (const s of tagged) {
      const a = pos(s);
      const partner = tagged.find((o) => {
        const p = pos(o);
        const gap = Math.abs(timeOf('sentrypos', p) - timeOf('sentrypos', a));
        return o !== s && p.amountCents === a.amountCents && gap >= 14_000 && gap <= 56_000;
      });
      expect(partner, `partner of sale ${s.saleNo}`).toBeDefined();
      if (!partner) continue;
      expect(provider(partner)).toBe(provider(s));
      expect(JSON.stringify(pos(partner).customer)).not.toBe(JSON.stringify(a.customer));
      expect(s.records.every((r) => r.tags.includes('same-amount-neighbour'))).toBe(true);
    }
  });
});

describe('references', () => {
  const carriers = ['vipps', 'sensepass', 'cents'];
  const mains = (w: Indexed) =>
    w.records.filter((r) => carriers.includes(r.provider) && MAIN_ROLES.includes(r.role));

  it('a record carries its invoice id exactly unless tagged missing- or mistyped-reference', () => {
    let mistyped = 0;
    for (const r of mains(d)) {
      const ref = referenceOf(r.provider, d.record(r));
      if (r.tags.includes('mistyped-reference')) {
        mistyped++;
        expect(mistypeKind(r.sale.invoiceId, ref), `${r.sale.invoiceId} → "${ref}"`).not.toBeNull();
      } else if (r.tags.includes('missing-reference')) expect(ref).not.toContain(r.sale.invoiceId);
      else expect(ref).toBe(r.sale.invoiceId);
    }
    const share = mistyped / mains(d).length;
    expect(share).toBeGreaterThan(0.004);
    expect(share).toBeLessThan(0.02);
  });

  it('each provider that carries a reference mistypes it in all five ways', () => {
    for (const provider of carriers) {
      const kinds = new Set(
        mains(b)
          .filter((r) => r.provider === provider && r.tags.includes('mistyped-reference'))
          .map((r) => mistypeKind(r.sale.invoiceId, referenceOf(provider, b.record(r)))),
      );
      expect([...kinds].sort(), provider).toEqual(['case', 'drop', 'transpose', 'truncate', 'whitespace']);
    }
  });
});

describe('provider clocks', () => {
  it("each provider's times sit its constant offset from the POS; clock-skew tags |difference| > 60 s", () => {
    const diffs = new Map<string, number[]>();
    for (const r of d.records.filter((x) => x.provider !== 'sentrypos' && MAIN_ROLES.includes(x.role))) {
      if (r.dataset !== 'sales' && r.dataset !== 'transactions') continue;
      const pos = r.sale.records.find(
        (x) => x.provider === 'sentrypos' && x.role === 'payment' && x.part === r.part,
      );
      if (!pos || r.tags.includes('pending')) continue;
      const diff = timeOf(r.provider, d.record(r)) - timeOf('sentrypos', d.record(pos));
      diffs.set(r.provider, [...(diffs.get(r.provider) ?? []), diff]);
      // POS times are whole seconds, so allow 2 s either side of the 60 s line.
      if (Math.abs(diff) > 62_000) expect(r.tags).toContain('clock-skew');
      if (Math.abs(diff) < 58_000) expect(r.tags).not.toContain('clock-skew');
    }
    for (const [provider, offset] of Object.entries(DEFAULT_CLOCK_OFFSETS_MS)) {
      const sorted = (diffs.get(provider) ?? []).sort((x, y) => x - y);
      expect(sorted.length).toBeGreaterThan(100);
      const median = sorted[Math.floor(sorted.length / 2)] ?? NaN;
      expect(Math.abs(median - offset), provider).toBeLessThan(45_000);
    }
  });
});

describe('refunds, payouts and bank days', () => {
  const fundsDate = (w: Indexed, psp: unknown, type: string) =>
    w.world.get<{ d: string }>(
      "SELECT ledger_date AS d FROM vipps_report WHERE topic = 'funds' AND psp_reference = ? AND json_extract(json, '$.entryType') = ?",
      psp,
      type,
    )?.d;

  it('late Vipps refunds land after the payout that settled their capture', () => {
    const late = d.records.filter(
      (r) =>
        r.provider === 'vipps' &&
        r.dataset === 'funds' &&
        r.role === 'refund' &&
        r.tags.includes('late-refund'),
    );
    expect(late.length).toBeGreaterThan(3);
    for (const r of late) {
      const capture = r.sale.records.find(
        (x) => x.dataset === 'funds' && x.role === 'capture' && x.part === r.part,
      );
      const refundDate = String(fundsDate(d, r.key.pspReference, 'refund'));
      expect(capture?.payout?.ledgerDate).toBeDefined();
      expect(refundDate > String(capture?.payout?.ledgerDate)).toBe(true);
      expect(r.payout?.pspReference).not.toBe(capture?.payout?.pspReference);
    }
  });

  it('late refunds of other providers come at least 3 days after the payment', () => {
    const late = d.records.filter(
      (r) => r.provider === 'tgi' && r.role === 'refund' && r.tags.includes('late-refund'),
    );
    expect(late.length).toBeGreaterThan(0);
    for (const r of late) {
      const pay = r.sale.records.find(
        (x) => x.provider === 'tgi' && x.role === 'payment' && x.part === r.part,
      );
      if (!pay) throw new Error('no payment');
      expect(timeOf('tgi', d.record(r)) - timeOf('tgi', d.record(pay))).toBeGreaterThan(3 * 86_400_000);
    }
  });

  it("payouts happen on bank days only; Monday's covers the weekend; each settles exactly its money", () => {
    const cal = d.world.calendar;
    const funds = [...d.world.records('vipps:funds')];
    let mondays = 0;
    for (const [i, p] of d.truth.payouts.entries()) {
      const weekday = cal.weekday(p.ledgerDate);
      expect(weekday).toBeLessThanOrEqual(5);
      if (i > 0) {
        const expected = weekday === 1 ? cal.addDays(p.ledgerDate, -2) : p.ledgerDate;
        expect(p.fromLedgerDate).toBe(expected);
      }
      if (weekday === 1 && i > 0) mondays++;
      const inRange = (e: Json) =>
        String(e.ledgerDate) >= p.fromLedgerDate && String(e.ledgerDate) <= p.ledgerDate;
      // Σ settled captures and refunds − their capture fees + the range's corrections = the payout.
      let sum = 0;
      for (const s of p.settles) {
        const e = d.record(s);
        if (s.dataset !== 'sales') expect(inRange(e)).toBe(true);
        if (s.dataset === 'funds') sum += Number(e.amount);
        if (s.dataset === 'fees') sum -= Number(e.amount);
      }
      for (const e of funds) if (e.entryType === 'correction' && inRange(e)) sum += Number(e.amount);
      expect(sum).toBe(-p.amount);
      const psp = funds.find((e) => e.entryType === 'payout-scheduled' && e.ledgerDate === p.ledgerDate);
      expect(psp?.pspReference).toBe(p.pspReference);
    }
    expect(mondays).toBeGreaterThanOrEqual(3);
    // Every settled record names, per record, the same payout that lists it.
    const settledBy = new Map<string, string>();
    for (const p of d.truth.payouts)
      for (const s of p.settles) settledBy.set(`${s.dataset}:${JSON.stringify(s.key)}`, p.pspReference);
    for (const r of d.records.filter((x) => x.provider === 'vipps' && x.payout)) {
      expect(settledBy.get(`${r.dataset}:${JSON.stringify(r.key)}`)).toBe(r.payout?.pspReference);
    }
  });
});

describe('duplicate charges', () => {
  const original = (w: Indexed, r: TruthRecord & { sale: TruthSale }) =>
    r.sale.records.find(
      (x) =>
        x.provider === r.provider &&
        x.dataset === r.dataset &&
        x.part === r.part &&
        MAIN_ROLES.includes(x.role),
    );

  it('occur at about the default rate', () => {
    const dup = d.records.filter((r) => r.role === 'duplicate-charge' && r.dataset !== 'funds');
    const payments = d.records.filter((r) => r.provider === 'sentrypos' && r.role === 'payment').length;
    expect(dup.length / payments).toBeGreaterThan(0.002);
    expect(dup.length / payments).toBeLessThan(0.01);
  });

  it('each is a completed record with a new id, the same amount and reference, 10–90 s after the first', () => {
    const seen = new Set<string>();
    for (const r of b.records.filter((x) => x.role === 'duplicate-charge')) {
      seen.add(r.provider);
      expect(r.tags).toContain('duplicate-charge');
      const first = original(b, r);
      if (!first) throw new Error(`no original for ${JSON.stringify(r.key)}`);
      expect(first.tags).toContain('duplicate-charge');
      expect(JSON.stringify(first.key)).not.toBe(JSON.stringify(r.key));
      const a = b.record(first);
      const x = b.record(r);
      const gap = timeOf(r.provider, x) - timeOf(r.provider, a);
      if (r.provider === 'vipps' && r.dataset === 'funds') {
        expect(x).toMatchObject({ entryType: 'capture', amount: a.amount, reference: a.reference });
        expect(b.record({ dataset: 'fees', key: { ...r.key, entryType: 'capture-fee' } })).toBeDefined();
        continue;
      }
      // TGI and the Vipps Sales API give whole seconds.
      expect(gap).toBeGreaterThanOrEqual(9_000);
      expect(gap).toBeLessThanOrEqual(91_000);
      if (r.provider === 'tgi') expect(x).toMatchObject({ total: a.total, status: 'complete' });
      if (r.provider === 'sensepass') {
        expect(Number(x.amount)).toBe(Number(a.amount));
        expect(x).toMatchObject({ status: 5, posData: a.posData });
      }
      if (r.provider === 'cents') {
        expect(x).toMatchObject({
          order_amount: a.order_amount,
          payment_gateway_order_transaction_id: a.payment_gateway_order_transaction_id,
          transaction_status: 'paid',
        });
        expect(x.external_id).not.toBe(a.external_id);
      }
      if (r.provider === 'vipps') expect(x).toMatchObject({ amounts: a.amounts, reference: a.reference });
    }
    expect([...seen].sort()).toEqual(['cents', 'sensepass', 'tgi', 'vipps']);
  });
});

describe('determinism', () => {
  it('the boosted world regenerates byte-identical, truth included', () => {
    const dir = mkdtempSync(join(tmpdir(), 'posrecon-imperfections-'));
    const again = World.open(boosted, dir);
    try {
      expect(readFileSync(again.groundTruthPath).equals(readFileSync(b.world.groundTruthPath))).toBe(true);
      expect(readFileSync(again.dbPath).equals(readFileSync(b.world.dbPath))).toBe(true);
    } finally {
      again.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
