import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { DecisionIndex, type DecisionRow } from '../../../src-main/core/reconcile/decision-index.ts';
import { openStore } from '../../../src-main/core/store/open-store.ts';
import { useTempHome } from '../../support/temp-home.ts';

const tempHome = useTempHome();

const SALES = ['s1', 's2', 's3'];
const RECORDS = ['T1', 'T2', 'T3', 'T4'].map((id) => `tgi:c:${id}`);
const ACTIONS = ['accept', 'reject', 'link', 'unlink'] as const;

/** The rule, said plainly: per pair the latest decision in force wins; a sale lists its records by
 * the pair's oldest decision in force; a record tied to two sales belongs to the later pair. */
function oracle(rows: DecisionRow[]) {
  const byPair = new Map<string, DecisionRow[]>();
  for (const r of [...rows].sort((a, b) => a.id - b.id)) {
    const pair = `${r.sale_key}|tgi:c:${r.record_external_id}`;
    byPair.set(pair, [...(byPair.get(pair) ?? []), r]);
  }
  const tying = [...byPair]
    .filter(([, rs]) => ['accept', 'link'].includes(rs.at(-1)!.action))
    .sort(([, a], [, b]) => a[0]!.id - b[0]!.id)
    .map(([pair]) => pair.split('|') as [string, string]);
  return {
    linked: (sale: string) => tying.filter(([s]) => s === sale).map(([, r]) => r),
    rejected: (sale: string, record: string) =>
      ['reject', 'unlink'].includes(byPair.get(`${sale}|${record}`)?.at(-1)?.action ?? ''),
    saleOf: (record: string) => tying.filter(([, r]) => r === record).at(-1)?.[0],
  };
}

/** Every question matching asks, answered by an index and by the rule. */
function answers(index: Pick<DecisionIndex, 'linked' | 'rejected' | 'saleOf'>) {
  return {
    linked: SALES.map((s) => index.linked(s)),
    rejected: SALES.flatMap((s) => RECORDS.map((r) => index.rejected(s, r))),
    saleOf: RECORDS.map((r) => index.saleOf(r)),
  };
}

describe('DecisionIndex.refresh', () => {
  it('follows decisions added, undone and rolled back, ending where a fresh index over the decisions in force ends', async () => {
    const store = await openStore(path.join(tempHome(), 'posrecon.sqlite'));
    const db = store.db;
    try {
      const insert = db.prepare(
        `INSERT INTO recon_decisions (at, actor, action, sale_key, record_provider, record_connection, record_external_id)
         VALUES ('2026-12-01T10:00:00Z', 'me', ?, ?, 'tgi', 'c', ?)`,
      );
      const undo = db.prepare(`UPDATE recon_decisions SET undone_at = '2026-12-01T11:00:00Z' WHERE id = ?`);
      const inForce = () =>
        db.prepare('SELECT * FROM recon_decisions WHERE undone_at IS NULL').all() as DecisionRow[];
      let seed = 7;
      const random = (n: number) => (
        (seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31),
        Math.floor((seed / 2 ** 31) * n)
      );
      const decide = () =>
        insert.run(ACTIONS[random(4)], SALES[random(3)], RECORDS[random(4)]!.slice('tgi:c:'.length));
      let index: DecisionIndex | null = null;
      let changes = 0;
      for (let step = 0; step < 400; step++) {
        const roll = random(10);
        const live = inForce();
        if (roll < 6 || live.length === 0) decide();
        else if (roll < 9) undo.run(live[random(live.length)]!.id);
        else {
          // The decision path's warm-up: a decision, seen by the index, then rolled back.
          db.exec('BEGIN');
          decide();
          index = DecisionIndex.refresh(db, index);
          db.exec('ROLLBACK');
        }
        const before = index;
        index = DecisionIndex.refresh(db, index);
        if (before !== null) expect(index).toBe(before); // brought up to date, not built again
        const expected = answers(oracle(inForce()));
        expect(answers(index)).toEqual(expected);
        expect(answers(DecisionIndex.load(db))).toEqual(expected);
        if (expected.saleOf.some((s) => s !== undefined) && expected.rejected.some(Boolean)) changes++;
      }
      expect(changes).toBeGreaterThan(100); // the walk had links and rejects in force together
    } finally {
      store.close();
    }
  });
});
