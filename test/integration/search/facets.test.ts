import { describe, expect, it } from 'vitest';
import { operations } from '../../../src-main/core/api/contract.ts';
import { searchFacets } from '../../../src-main/core/search/facets.ts';
import { upsertTransactions } from '../../../src-main/core/store/mutations/upsert-transactions.ts';
import { openStore } from '../../../src-main/core/store/open-store.ts';
import { all, rawSql, sql } from '../../../src-main/core/store/sql.ts';
import { generateTransactions, insertSeedConnections } from '../../support/seed-transactions.ts';
import { useTempHome } from '../../support/temp-home.ts';

const tempHome = useTempHome();

describe('transactions:facets', () => {
  it('lists exactly the currencies, providers, kinds and statuses the cache holds, with their counts', async () => {
    const store = await openStore(`${tempHome()}/posrecon.sqlite`);
    insertSeedConnections(store.db);
    expect(searchFacets(store.db)).toEqual({ currencies: [], providers: [], kinds: [], statuses: [] });

    const records = [...generateTransactions({ count: 400, seed: 3 })];
    // A currency no fixed list had: the facets must offer it because the cache holds it.
    records[5] = { ...records[5]!, currency: 'ILS' };
    records[6] = { ...records[6]!, currency: 'ILS' };
    upsertTransactions(store.db, records);
    // A re-sync that changes a record's currency moves its count (the rollup follows updates).
    upsertTransactions(store.db, [{ ...records[6]!, currency: 'USD' }]);

    const facets = searchFacets(store.db);
    expect(operations['transactions:facets'].output.parse(facets)).toEqual(facets);
    for (const [key, column] of [
      ['currencies', 'currency'],
      ['providers', 'provider'],
      ['kinds', 'kind'],
      ['statuses', 'status'],
    ] as const) {
      const direct = all<{ value: string; count: number }>(
        store.db,
        sql`SELECT ${rawSql(column)} AS value, count(*) AS count FROM transactions GROUP BY 1`,
      );
      expect(facets[key].map((f) => f.value).sort(), key).toEqual(direct.map((d) => d.value).sort());
      for (const d of direct) expect(facets[key].find((f) => f.value === d.value)?.count).toBe(d.count);
    }
    expect(facets.currencies.find((c) => c.value === 'ILS')?.count).toBe(1);
    // Most first: the list opens with what the shop mostly takes.
    const counts = facets.currencies.map((c) => c.count);
    expect(counts).toEqual([...counts].sort((a, b) => b - a));
    store.close();
  });
});
