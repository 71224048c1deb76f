import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { rmSync } from 'node:fs';
import { measureAccuracy, type Accuracy } from '../../support/reconcile-accuracy.ts';
import { syncDemoWorld, type DemoWorld } from '../../support/reconcile-world.ts';

/*
 * Issue 10's targets, against the sandbox world's ground truth, for the default world and three other
 * seeds: automatic precision ≥ 99.5 %, automatic recall ≥ 95 %, recall with suggestions ≥ 99 %.
 * The figures per class are printed (the bench prints them too) so a drop shows where it comes from.
 */
type Shop = { timeZone: string; currency: string };
const SEEDS: [seed: number, days: number, salesPerDay: number, shop?: Shop][] = [
  [1, 60, 120], // the default world, as `posrecon demo` syncs it
  [2, 30, 120],
  [7, 30, 120],
  [42, 30, 120],
  // Another shop: its evenings fall on the next UTC day, its clocks changed on 1 November, and SensePass
  // settles in USD (its own currency) as well as ILS. Nothing in the matching may assume Oslo or NOK.
  [11, 35, 120, { timeZone: 'America/New_York', currency: 'USD' }],
];

const worlds: DemoWorld[] = [];
afterAll(() => {
  for (const w of worlds) rmSync(w.home, { recursive: true, force: true });
});

function table(seed: number, a: Accuracy): string {
  const pct = (x: number) => `${(x * 100).toFixed(2)} %`.padStart(9);
  const lines = [
    `seed ${seed}: ${a.all.records} links, precision ${pct(a.precision)}, recall ${pct(a.recall)}, with suggestions ${pct(a.recallWithSuggestions)}`,
  ];
  for (const [c, f] of Object.entries(a.byClass))
    lines.push(
      `  ${c.padEnd(24)} ${String(f.records).padStart(5)} ${pct(f.precision)} ${pct(f.recall)} ${pct(f.recallWithSuggestions)}`,
    );
  return lines.join('\n');
}

describe('reconciliation accuracy against the ground truth', () => {
  for (const [seed, days, perDay, shop] of SEEDS) {
    const where = shop ? `, a shop in ${shop.timeZone} trading in ${shop.currency}` : '';
    it(`seed ${seed} (${days} days × ${perDay} sales${where}): meets the precision and recall targets`, async () => {
      const w = await syncDemoWorld(seed, days, perDay, { shop });
      worlds.push(w);
      const db = new Database(w.dbFile, { readonly: true });
      const a = measureAccuracy(db, w.truthPath);
      // The world is the shop's: its sales are in its currency.
      const posCurrencies = db
        .prepare("SELECT DISTINCT currency FROM transactions WHERE provider = 'sentrypos'")
        .pluck()
        .all();
      db.close();
      expect(posCurrencies).toEqual([shop?.currency ?? 'NOK']);
      console.log(table(seed, a));
      expect(a.all.records).toBeGreaterThan(days * perDay * 0.8);
      expect(a.precision).toBeGreaterThanOrEqual(0.995);
      expect(a.recall).toBeGreaterThanOrEqual(0.95);
      expect(a.recallWithSuggestions).toBeGreaterThanOrEqual(0.99);
      // Every imperfection class the world injects is measured.
      for (const c of [
        'missing-reference',
        'mistyped-reference',
        'tip',
        'split-tender',
        'failed-then-retried',
        'refund',
        'duplicate-charge',
      ])
        expect(Object.keys(a.byClass)).toContain(c);
    });
  }
});
