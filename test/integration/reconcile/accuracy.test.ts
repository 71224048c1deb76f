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
const SEEDS: [seed: number, days: number, salesPerDay: number][] = [
  [1, 60, 120], // the default world, as `posrecon demo` syncs it
  [2, 30, 120],
  [7, 30, 120],
  [42, 30, 120],
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
  for (const [seed, days, perDay] of SEEDS) {
    it(`seed ${seed} (${days} days × ${perDay} sales): meets the precision and recall targets`, async () => {
      const w = await syncDemoWorld(seed, days, perDay);
      worlds.push(w);
      const db = new Database(w.dbFile, { readonly: true });
      const a = measureAccuracy(db, w.truthPath);
      db.close();
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
