import type { Database } from 'better-sqlite3';
import { z } from 'zod';
import { NormalizedStatus, ProviderId, TransactionKind } from '../model/transaction.ts';
import { all, sql } from '../store/sql.ts';

const Facet = <T extends z.ZodType>(value: T) => z.array(z.object({ value, count: z.number().int() }));

/**
 * What the cache holds, for the filters to offer: each value with its record count, most first. A
 * filter list built from this never offers a currency nobody paid in, nor misses one somebody did
 * (760 SensePass records are in ILS; a fixed list of six had no ILS).
 */
export const SearchFacets = z.object({
  currencies: Facet(z.string()),
  providers: Facet(ProviderId),
  kinds: Facet(TransactionKind),
  statuses: Facet(NormalizedStatus),
});
export type SearchFacets = z.infer<typeof SearchFacets>;

type Key = 'currency' | 'provider' | 'kind' | 'status';

/**
 * Read from the search's month rollup (a few rows per month and key), which the store's triggers keep
 * equal to the transactions, so this costs about the same on a 1M-row cache as on the demo.
 */
export function searchFacets(db: Database): SearchFacets {
  const rows = all<Record<Key, string> & { n: number }>(
    db,
    sql`SELECT currency, provider, kind, status, sum(n) AS n FROM search_month_totals
         GROUP BY currency, provider, kind, status HAVING sum(n) > 0`,
  );
  const facet = (key: Key) => {
    const counts = new Map<string, number>();
    for (const r of rows) counts.set(r[key], (counts.get(r[key]) ?? 0) + r.n);
    return [...counts]
      .map(([value, count]) => ({ value, count }))
      .sort((a, b) => b.count - a.count || a.value.localeCompare(b.value));
  };
  return SearchFacets.parse({
    currencies: facet('currency'),
    providers: facet('provider'),
    kinds: facet('kind'),
    statuses: facet('status'),
  });
}
