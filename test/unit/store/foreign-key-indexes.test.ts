import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { openStore } from '../../../src-main/core/store/open-store.ts';
import { useTempHome } from '../../support/temp-home.ts';

const tempHome = useTempHome();

/**
 * Child columns whose parent rows are never deleted one by one, so no delete pays for a scan:
 * closed_periods.export_id points at the export a period was closed with; exports are kept for good.
 */
const NO_INDEX_NEEDED = new Set(['closed_periods.export_id']);

describe('foreign keys', () => {
  it('every child column of a foreign key leads an index, so deleting a parent row never reads the whole child table', async () => {
    const store = await openStore(path.join(tempHome(), 'posrecon.sqlite'));
    try {
      const unindexed = store.db
        .prepare(
          `WITH fk AS (SELECT m.name AS tbl, f."from" AS col FROM sqlite_schema m, pragma_foreign_key_list(m.name) f
                        WHERE m.type = 'table' AND m.sql NOT LIKE 'CREATE VIRTUAL%'),
                lead AS (SELECT fk.tbl, ii.name AS col FROM (SELECT DISTINCT tbl FROM fk) fk,
                           pragma_index_list(fk.tbl) il, pragma_index_info(il.name) ii WHERE ii.seqno = 0
                         UNION SELECT fk.tbl, ti.name FROM (SELECT DISTINCT tbl FROM fk) fk,
                           pragma_table_info(fk.tbl) ti WHERE ti.pk = 1)
           SELECT fk.tbl || '.' || fk.col FROM fk
            WHERE NOT EXISTS (SELECT 1 FROM lead WHERE lead.tbl = fk.tbl AND lead.col = fk.col) ORDER BY 1`,
        )
        .pluck()
        .all() as string[];
      expect(unindexed.length).toBeGreaterThan(0); // the check sees foreign keys at all
      expect(unindexed.filter((c) => !NO_INDEX_NEEDED.has(c))).toEqual([]);
    } finally {
      store.close();
    }
  });

  it('deleting a group finds its discrepancies through their group index', async () => {
    const store = await openStore(path.join(tempHome(), 'posrecon.sqlite'));
    try {
      const plan = store.db
        .prepare('EXPLAIN QUERY PLAN DELETE FROM recon_discrepancies WHERE group_id = ?')
        .all(1) as { detail: string }[];
      expect(plan.map((r) => r.detail).join(' | ')).toMatch(
        /USING (COVERING )?INDEX recon_discrepancies_by_group/,
      );
    } finally {
      store.close();
    }
  });
});
