import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { operations } from '../../../src-main/core/api/contract.ts';
import { ParallelSearch, idSlices } from '../../../src-main/core/search/parallel-totals.ts';
import { planSearch, searchTransactions } from '../../../src-main/core/search/search-transactions.ts';
import { upsertTransactions } from '../../../src-main/core/store/mutations/upsert-transactions.ts';
import { type Store, openStore } from '../../../src-main/core/store/open-store.ts';
import { countedTotals, directTotals, markViews } from '../../support/direct-totals.ts';
import { bulkInsert, generateTransactions } from '../../support/seed-transactions.ts';
import { useTempHome } from '../../support/temp-home.ts';

const tempHome = useTempHome();
const req = (input: object) =>
  operations['transactions:search'].input.parse({ limit: 20, totals: true, ...input });

/** Straight SQL over every row: what the totals of `where` must be, however they are computed. */
const direct = (store: Store, where: string, params: unknown[] = []) => directTotals(store.db, where, params);

describe('idSlices', () => {
  it.each([
    [1, 10, 3],
    [5, 5, 4],
    [1, 1_000_000, 4],
    [7, 9, 8],
  ])('cuts [%i, %i] into at most %i adjacent ranges that cover it once', (min, max, n) => {
    const slices = idSlices(min, max, n);
    expect(slices.length).toBeLessThanOrEqual(n);
    expect(slices[0]![0]).toBe(min);
    expect(slices.at(-1)![1]).toBe(max);
    for (let i = 1; i < slices.length; i++) expect(slices[i]![0]).toBe(slices[i - 1]![1] + 1);
  });
});

describe('ParallelSearch: the totals of a common text, counted in slices on worker threads', () => {
  let store: Store;
  const errors: unknown[] = [];
  let search: ParallelSearch;
  beforeAll(async () => {
    store = await openStore(`${tempHome()}/posrecon.sqlite`);
    // Every SentryPOS and SensePass external id starts with "sen": half of 18k rows, past the candidate cap.
    bulkInsert(store.db, generateTransactions({ count: 18_000, seed: 21 }));
    // Some records of each slice are second views: the slices leave them out, and count them.
    markViews(store.db, 'id % 4 = 1');
    search = new ParallelSearch(store.file, { size: 3, onError: (e) => errors.push(e) });
  });
  afterAll(() => {
    search.close();
    store.close();
  });

  it.each([
    ['the word alone', { text: 'sen' }, "t.provider IN ('sentrypos', 'sensepass')"],
    [
      'with a status',
      { text: 'sen', statuses: ['refunded', 'failed'] },
      "t.provider IN ('sentrypos', 'sensepass') AND status IN ('refunded', 'failed')",
    ],
    [
      'with dates and a connection',
      { text: 'sen', dateFrom: '2025-03-01', dateTo: '2025-10-31', connectionIds: ['conn-sentry-2'] },
      "t.connection_id = 'conn-sentry-2' AND business_date BETWEEN '2025-03-01' AND '2025-10-31'",
    ],
  ])('%s: the same page and totals as one connection, and as plain SQL', async (_what, input, where) => {
    const r = req(input);
    expect(planSearch(store.db, r).match).not.toBeNull();
    const parallel = await search.search(store.db, r);
    expect(search.threads).toBe(3);
    expect(parallel).toEqual(searchTransactions(store.db, r));
    expect(countedTotals(parallel.totals!)).toEqual(direct(store, where));
    expect(parallel.totals!.count).toBeGreaterThan(100);
    expect(parallel.totals!.secondViews).toBeGreaterThan(10);
    expect(errors).toEqual([]);
  });

  it('counts what was committed a moment before', async () => {
    const before = (await search.search(store.db, req({ text: 'sen', limit: 0 }))).totals!;
    const [one] = generateTransactions({ count: 1, seed: 99 });
    upsertTransactions(store.db, [
      {
        ...one!,
        provider: 'sentrypos',
        connectionId: 'conn-sentry-1',
        externalId: 'sen-new-1',
        amountMinor: 777,
        currency: 'NOK',
      },
    ]);
    const after = (await search.search(store.db, req({ text: 'sen', limit: 0 }))).totals!;
    expect(after.count).toBe(before.count + 1);
    const nok = (t: typeof after) =>
      t.byCurrency.find((c) => c.currency === 'NOK')!.byKind.reduce((s, k) => s + k.amountMinor, 0);
    expect(nok(after)).toBe(nok(before) + 777);
    // A changed amount and a deletion reach the totals too.
    store.db.prepare("UPDATE transactions SET amount_minor = 1000 WHERE external_id = 'sen-new-1'").run();
    const changed = (await search.search(store.db, req({ text: 'sen', limit: 0 }))).totals!;
    expect(nok(changed)).toBe(nok(before) + 1000);
    store.db.prepare("DELETE FROM transactions WHERE external_id = 'sen-new-1'").run();
    expect((await search.search(store.db, req({ text: 'sen', limit: 0 }))).totals).toEqual(before);
    expect(countedTotals(before)).toEqual(direct(store, "t.provider IN ('sentrypos', 'sensepass')"));
  });

  it('answers on its own connection, and says so once, when the workers cannot read the cache', async () => {
    const failures: unknown[] = [];
    const broken = new ParallelSearch(`${tempHome()}/missing/posrecon.sqlite`, {
      size: 2,
      onError: (e) => failures.push(e),
    });
    const r = req({ text: 'sen' });
    expect(await broken.search(store.db, r)).toEqual(searchTransactions(store.db, r));
    expect(failures).toHaveLength(1);
    expect(String(failures[0])).toMatch(/unable to open|does not exist|cannot open/i);
    expect(await broken.search(store.db, r)).toEqual(searchTransactions(store.db, r));
    expect(failures).toHaveLength(1);
    expect(broken.threads).toBe(0);
    broken.close();
  });
});
