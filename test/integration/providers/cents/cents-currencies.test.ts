// Cents over real HTTP in a zero-decimal (JPY) and a three-decimal (KWD) currency: the sandbox world
// writes every amount as a float in major units, as Cents does, and the connector must count each
// one exactly in the currency's own minor units (issue 16 item 9).
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { CanonicalTransaction } from '../../../../src-main/core/model/transaction.ts';
import { centsConnector } from '../../../../src-main/core/providers/cents/index.ts';
import { startSandbox } from '../../../../src-main/core/sandbox/index.ts';
import { drain, harness, streamOf } from '../../../support/provider-harness.ts';

const TODAY = '2026-03-10';

/** The oracle: a float of a few digits times 10^exponent is within 1e-6 of its whole minor units. */
const minorOf = (major: unknown, exponent: number): number => Math.round(Number(major) * 10 ** exponent);

describe('Cents connector in other currencies', () => {
  it.each([
    ['JPY', 0],
    ['KWD', 3],
  ] as const)('lists %s amounts exactly, to exponent %i', async (currency, exponent) => {
    const sb = await startSandbox({
      seed: 11,
      days: 3,
      salesPerDay: 120,
      today: TODAY,
      currency,
      speedUp: 1000,
      rates: { partialRefund: 0.2, fullRefund: 0.1, lateRefund: 0 },
      dataDir: mkdtempSync(join(tmpdir(), `cents-${currency}-`)),
    });
    try {
      const h = harness(centsConnector, {
        config: {
          clientId: sb.credentials.cents.clientId,
          tokenUrl: sb.credentials.cents.tokenUrl,
          baseUrl: sb.baseUrls.cents,
        },
        secrets: { refreshToken: sb.credentials.cents.refreshToken ?? '' },
        today: TODAY,
        shopCurrency: currency,
      });
      const run = await drain(streamOf(centsConnector, 'transactions'), h.ctx);
      expect(run.outcomes.filter((o) => !o.ok)).toEqual([]);
      const recs = run.outcomes.flatMap((o) => (o.ok ? [o.record as CanonicalTransaction] : []));
      const world = [...sb.world.records('cents:transactions')];
      expect(recs.length).toBe(new Set(world.map((w) => w.id)).size);
      const byId = new Map(recs.map((r) => [r.externalId, r]));

      for (const w of world) {
        const r = byId.get(String(w.id));
        const where = `${String(w.id)}: ${JSON.stringify([w.order_amount, w.total_amount, w.donation_amount])}`;
        expect(typeof w.total_amount, where).toBe('number');
        expect(r?.currency, where).toBe(currency);
        expect(r?.amountMinor, where).toBe(minorOf(w.total_amount, exponent));
        expect(
          r?.lines.map((l) => l.lineGrossMinor),
          where,
        ).toEqual([minorOf(w.order_amount, exponent), minorOf(w.donation_amount, exponent)]);
        // The round-up: order + donation is the total, to the last yen or fils.
        expect((r?.lines[0]?.lineGrossMinor ?? 0) + (r?.lines[1]?.lineGrossMinor ?? 0), where).toBe(
          r?.amountMinor,
        );
        const refunded = minorOf(w.refunded_amount, exponent);
        if (refunded > 0)
          expect(r?.status, where).toBe(
            refunded < minorOf(w.order_amount, exponent) ? 'partially_refunded' : 'refunded',
          );
      }

      const orders = world.map((w) => minorOf(w.order_amount, exponent));
      const statuses = new Set(recs.map((r) => r.status));
      expect(statuses).toContain('partially_refunded');
      expect(statuses).toContain('refunded');
      if (currency === 'JPY') {
        // Whole yen on the wire, and the round-up is always one yen.
        expect(world.every((w) => Number.isInteger(w.order_amount))).toBe(true);
        expect(recs.every((r) => r.lines[1]?.lineGrossMinor === 1)).toBe(true);
      } else {
        // The third decimal is really used (12.345, not only 12.340) ...
        expect(orders.some((m) => m % 10 !== 0)).toBe(true);
        // ... some amount is inexact in binary (65.26 * 1000 is 65260.00000000001) ...
        const floats = world.flatMap((w) => [w.order_amount, w.total_amount, w.donation_amount].map(Number));
        expect(floats.some((v) => !Number.isInteger(v * 1000))).toBe(true);
        // ... and a whole-dinar order's donation of 1 (a whole number) is one dinar, 1000 fils.
        const wholeDinar = world.filter((w) => Number.isInteger(w.order_amount));
        expect(wholeDinar.length).toBeGreaterThan(0);
        for (const w of wholeDinar) {
          expect(w.donation_amount).toBe(1);
          expect(byId.get(String(w.id))?.lines[1]?.lineGrossMinor).toBe(1000);
        }
      }
    } finally {
      await sb.close();
    }
  });
});
