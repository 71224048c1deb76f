import Database from 'better-sqlite3';
import { expect } from 'vitest';
import { createCore, type Core } from '../../src-main/core/core.ts';
import { databaseFile } from '../../src-main/core/home.ts';
import { callCore } from './core-call.ts';
import { rollupMismatches } from './dashboard-oracle.ts';

/**
 * Everything a reconcile run writes, by stable keys and values (row ids of groups differ between
 * runs): groups with evidence, state, score, version and members; discrepancies; payouts and what they
 * settle; second views; and the Dashboard rollups' mismatches against their GROUP BY oracle.
 */
export function reconcileState(file: string) {
  const db = new Database(file, { readonly: true });
  try {
    return {
      groups: db
        .prepare(
          `SELECT g.key, g.anchor_date, g.state, g.method, g.score, g.providers, g.currency, g.sale_minor, g.paid_minor,
              g.version, g.evidence,
              (SELECT group_concat(transaction_id || ':' || role) FROM (SELECT * FROM recon_members m
                WHERE m.group_id = g.id ORDER BY transaction_id)) AS members
             FROM recon_groups g ORDER BY g.key`,
        )
        .all(),
      discrepancies: db
        .prepare(
          `SELECT d.class, d.business_date, d.provider, d.currency, d.amount_minor, d.transaction_ids, d.detail, g.key
             FROM recon_discrepancies d LEFT JOIN recon_groups g ON g.id = d.group_id ORDER BY 1, 2, 6`,
        )
        .all(),
      payouts: db.prepare('SELECT * FROM recon_payouts ORDER BY transaction_id').all(),
      settled: db.prepare('SELECT * FROM recon_settlements ORDER BY transaction_id').all(),
      views: db.prepare('SELECT * FROM recon_views ORDER BY transaction_id').all(),
      rollups: rollupMismatches(db),
    };
  } finally {
    db.close();
  }
}

/** A core on the home for the length of `fn`. */
export async function withCore<T>(home: string, fn: (core: Core) => Promise<T>): Promise<T> {
  const core = await createCore({ home, actor: 'test' });
  try {
    return await fn(core);
  } finally {
    core.close();
  }
}

/**
 * The home's reconcile result as a run left it equals a full rebuild's of the same cache (which it
 * then holds), and its Dashboard rollups their oracle's. Returns the full run's report.
 */
export async function expectFullRebuildEquals(home: string) {
  const incremental = reconcileState(databaseFile(home));
  expect(incremental.rollups).toEqual([]);
  const report = await withCore(home, (core) => callCore(core, 'reconcile:run', { full: true }));
  const full = reconcileState(databaseFile(home));
  expect(incremental.groups).toEqual(full.groups);
  expect(incremental.discrepancies).toEqual(full.discrepancies);
  expect(incremental.payouts).toEqual(full.payouts);
  expect(incremental.settled).toEqual(full.settled);
  expect(incremental.views).toEqual(full.views);
  return report;
}
