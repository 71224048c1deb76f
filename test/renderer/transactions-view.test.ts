import '@testing-library/svelte/vitest';
import { fireEvent, render, screen, waitFor } from '@testing-library/svelte';
import { beforeAll, describe, expect, it } from 'vitest';
import type { OperationInput } from '../../src-main/core/api/contract.ts';
import type { SearchTotals, TransactionDetail } from '../../src-main/core/api/schemas.ts';
import { TransactionsState } from '../../src-renderer/src/lib/transactions-state.svelte.ts';
import TransactionsView from '../../src-renderer/src/views/TransactionsView.svelte';
import { fakeApi, transaction } from './fake-api.ts';
import { stubLayout } from './layout-stub.ts';

beforeAll(() => stubLayout());

type SearchInput = OperationInput<'transactions:search'>;
const totals = (count: number): SearchTotals => ({
  matched: count,
  count,
  secondViews: 0,
  byCurrency: count
    ? [
        {
          currency: 'NOK',
          count,
          headline: { what: 'received', amountMinor: 12_950 * count },
          byKind: [{ kind: 'capture', count, amountMinor: 12_950 * count }],
        },
      ]
    : [],
  note: null,
});

function searchApi(
  rows = [
    transaction(),
    transaction({
      id: 2,
      externalId: 'ext-2',
      currency: 'JPY',
      amountMinor: 1999,
      customerName: 'Ola Hansen',
    }),
  ],
) {
  const detail: TransactionDetail = {
    ...rows[0]!,
    occurredAtRaw: '2026-03-14T10:15:00+01:00',
    ledgerDate: null,
    customerEmail: 'kari@example.no',
    customerPhone: null,
    network: null,
    syncedAt: '2026-03-15T00:00:00Z',
    updatedAt: '2026-03-15T00:00:00Z',
    paidWith: 'Vipps app',
    references: [{ kind: 'pspReference', label: 'Vipps reference', value: '8815123412341234' }],
    lines: [
      {
        lineNo: 1,
        name: 'Cappuccino',
        quantity: 1,
        unit: null,
        unitPriceGrossMinor: 4900,
        lineGrossMinor: 4900,
        lineNetMinor: 4261,
        discountMinor: 0,
        vatRateBp: 1500,
        vatMinor: 639,
        category: null,
      },
    ],
    vat: [{ rateBp: 1500, netMinor: 4261, vatMinor: 639, grossMinor: 4900 }],
    rawJson: '{"pspReference":"8815123412341234"}',
    changes: [
      { id: 1, changedAt: '2026-03-15T00:00:00Z', field: 'status', before: 'authorized', after: 'completed' },
    ],
  };
  return fakeApi({
    'transactions:search': (input: SearchInput) => {
      const hit = input.text
        ? rows.filter((r) => r.customerName?.toLowerCase().includes(input.text!.toLowerCase()))
        : rows;
      return {
        ok: true,
        value: {
          items: input.limit === 0 ? [] : hit,
          nextCursor: null,
          totals: input.totals ? totals(hit.length) : null,
        },
      };
    },
    'transactions:get': () => ({ ok: true, value: detail }),
    'transactions:facets': () => ({
      ok: true,
      value: {
        currencies: [
          { value: 'NOK', count: 19_400 },
          { value: 'ILS', count: 775 },
          { value: 'JPY', count: 3 },
        ],
        providers: [{ value: 'vipps', count: 8656 }],
        kinds: [{ value: 'capture', count: 5000 }],
        statuses: [{ value: 'completed', count: 9000 }],
      },
    }),
  });
}

describe('TransactionsView', () => {
  it('tells the user how to get data when the cache is empty', async () => {
    const api = fakeApi({
      'transactions:search': () => ({ ok: true, value: { items: [], nextCursor: null, totals: totals(0) } }),
    });
    render(TransactionsView, { transactions: new TransactionsState(api) });
    const empty = await screen.findByTestId('transactions-empty');
    expect(empty.textContent).toContain('npx posrecon demo');
    expect(screen.queryByTestId('transactions-table')).toBeNull();
  });

  it('shows rows formatted from minor units in the shop zone, with the totals of the whole filter', async () => {
    render(TransactionsView, {
      transactions: new TransactionsState(searchApi()),
      timeZone: 'Europe/Oslo',
      locale: 'en-US',
    });
    await screen.findByTestId('transactions-table');
    const rows = await screen.findAllByTestId('transaction-row');
    expect(rows).toHaveLength(2);
    const first = rows[0]!.textContent ?? '';
    expect(first).toContain('03/14/2026');
    expect(first).toMatch(/10:15/); // 09:15 UTC is 10:15 in Oslo in March
    expect(first).toMatch(/NOK\s129\.50/);
    expect(first).toContain('Kari Nordmann');
    expect(rows[1]!.textContent).toContain('¥1,999');
    await waitFor(() => expect(screen.getByTestId('search-count').textContent).toBe('2'));
  });

  it('searches as the user types and says so when nothing matches', async () => {
    const api = searchApi();
    render(TransactionsView, { transactions: new TransactionsState(api) });
    const box = await screen.findByTestId('search-input');
    await fireEvent.input(box, { target: { value: 'ola' } });
    await waitFor(() => expect(screen.getAllByTestId('transaction-row')).toHaveLength(1));
    expect(api.calls.at(-1)?.input).toMatchObject({ text: 'ola' });
    await fireEvent.input(box, { target: { value: 'nobody' } });
    expect(await screen.findByTestId('transactions-no-results')).toBeTruthy();
    expect(screen.queryByTestId('transactions-empty')).toBeNull();
  });

  it('adds filters as chips and removes them again', async () => {
    const api = searchApi();
    render(TransactionsView, { transactions: new TransactionsState(api), currency: 'NOK' });
    await screen.findAllByTestId('transaction-row');
    await fireEvent.change(screen.getByTestId('filter-provider'), { target: { value: 'vipps' } });
    await fireEvent.change(screen.getByTestId('filter-min'), { target: { value: '100,50' } });
    const chips = await screen.findAllByTestId('filter-chip');
    // An amount is in one currency, so typing one pins the search to it (a chip says which).
    expect(chips.map((c) => c.textContent)).toEqual([
      expect.stringContaining('Vipps'),
      expect.stringContaining('Currency: NOK'),
      expect.stringContaining('100.50'),
    ]);
    expect(api.calls.at(-1)?.input).toMatchObject({
      providers: ['vipps'],
      currencies: ['NOK'],
      amountMinMinor: 10_050,
    });
    await fireEvent.click(screen.getByRole('button', { name: /Remove filter Provider/ }));
    await waitFor(() => expect(screen.getAllByTestId('filter-chip')).toHaveLength(2));
  });

  it('offers the currencies the cache holds and takes amounts in the chosen one, refusing what cannot be', async () => {
    const api = searchApi();
    render(TransactionsView, { transactions: new TransactionsState(api), currency: 'NOK' });
    await screen.findAllByTestId('transaction-row');
    const currency = screen.getByTestId<HTMLSelectElement>('filter-currency');
    await waitFor(() => expect(currency.options.length).toBe(4));
    expect([...currency.options].map((o) => o.textContent)).toEqual([
      'Currency…',
      'NOK (19,400)',
      'ILS (775)',
      'JPY (3)',
    ]);
    await fireEvent.change(currency, { target: { value: 'ILS' } });
    const min = screen.getByTestId<HTMLInputElement>('filter-min');
    expect(min.placeholder).toBe('Min ILS');
    const searches = () => api.calls.filter((c) => c.operation === 'transactions:search').length;
    const before = searches();
    await fireEvent.change(min, { target: { value: '10.999' } });
    expect((await screen.findByTestId('filter-problem')).textContent).toBe(
      'ILS amounts have at most 2 decimals; “10.999” has 3.',
    );
    expect(searches()).toBe(before);
    await fireEvent.change(min, { target: { value: '50' } });
    await fireEvent.change(screen.getByTestId('filter-max'), { target: { value: '20' } });
    expect(screen.getByTestId('filter-problem').textContent).toMatch(/smallest amount is above the largest/);
    expect(api.calls.at(-1)?.input).toMatchObject({ currencies: ['ILS'], amountMinMinor: 5000 });
    expect(api.calls.at(-1)?.input).not.toHaveProperty('amountMaxMinor');
    // Two currencies have no common amount: the boxes say to choose one.
    await fireEvent.change(currency, { target: { value: 'JPY' } });
    await waitFor(() => expect(min.disabled).toBe(true));
    expect(min.placeholder).toBe('Min (one currency)');
  });

  it('filters by reconciliation state with a chip, and opens from a link carrying a search', async () => {
    const api = searchApi();
    render(TransactionsView, { transactions: new TransactionsState(api) });
    await screen.findAllByTestId('transaction-row');
    await fireEvent.change(screen.getByTestId('filter-recon'), { target: { value: 'review' } });
    await waitFor(() =>
      expect(screen.getByTestId('filter-chip').textContent).toContain('Reconciliation: Needs review'),
    );
    expect(api.calls.at(-1)?.input).toMatchObject({ reconStates: ['review'] });
  });

  it('reads a link into the list, and says which part of it could not be read', async () => {
    window.location.hash = '#/transactions?q=kari&state=review,weird&from=2026-13-45&to=2026-11-30';
    try {
      const api = searchApi();
      render(TransactionsView, { transactions: new TransactionsState(api) });
      await screen.findAllByTestId('transaction-row');
      expect(screen.getByTestId<HTMLInputElement>('search-input').value).toBe('kari');
      const search = api.calls.find((c) => c.operation === 'transactions:search')?.input;
      expect(search).toMatchObject({ text: 'kari', reconStates: ['review'], dateTo: '2026-11-30' });
      expect(search).not.toHaveProperty('dateFrom');
      expect(screen.getByTestId('link-problem').textContent).toBe(
        "This link's state “review,weird” and from “2026-13-45” could not be read, so the list is not narrowed by it.",
      );
    } finally {
      window.location.hash = '';
    }
  });

  it('follows a second link while the list is open, and leaves the search alone for other hashes', async () => {
    window.location.hash = '#/transactions?state=review';
    try {
      const api = searchApi();
      render(TransactionsView, { transactions: new TransactionsState(api) });
      await screen.findAllByTestId('transaction-row');
      window.location.hash = '#/transactions?state=unmatched&q=ola';
      await waitFor(() => expect(screen.getByTestId<HTMLInputElement>('search-input').value).toBe('ola'));
      expect(api.calls.filter((c) => c.operation === 'transactions:search').at(-1)?.input).toMatchObject({
        text: 'ola',
        reconStates: ['unmatched'],
      });
      const searches = api.calls.filter((c) => c.operation === 'transactions:search').length;
      window.location.hash = '#main';
      await new Promise((r) => setTimeout(r, 50));
      expect(api.calls.filter((c) => c.operation === 'transactions:search')).toHaveLength(searches);
      expect(screen.getByTestId<HTMLInputElement>('search-input').value).toBe('ola');
    } finally {
      window.location.hash = '';
    }
  });

  it('moves with the arrow keys, opens the detail with Enter and closes it with Esc', async () => {
    render(TransactionsView, { transactions: new TransactionsState(searchApi()) });
    await screen.findAllByTestId('transaction-row');
    await fireEvent.keyDown(window, { key: '/' });
    expect(document.activeElement).toBe(screen.getByTestId('search-input'));
    await fireEvent.keyDown(document.body, { key: 'ArrowDown' });
    await fireEvent.keyDown(document.body, { key: 'ArrowDown' });
    await fireEvent.keyDown(document.body, { key: 'ArrowUp' });
    expect(screen.getAllByTestId('transaction-row')[0]!.getAttribute('aria-selected')).toBe('true');
    await fireEvent.keyDown(document.body, { key: 'Enter' });
    const pane = await screen.findByTestId('transaction-detail');
    expect(pane.textContent).toContain('8815123412341234');
    expect(screen.getByTestId('detail-vat').textContent).toContain('15 %');
    expect(screen.getByTestId('detail-changes').textContent).toContain('authorized');
    expect(screen.getByTestId('detail-raw').textContent).toContain('"pspReference"');
    await fireEvent.keyDown(document.body, { key: 'Escape' });
    await waitFor(() => expect(screen.queryByTestId('transaction-detail')).toBeNull());
  });

  it('shows what it counted once, each kind of money apart, and what it left out', async () => {
    const note =
      'Vipps payments are counted once, from the Sales API; 3,120 Report ledger entries of the same payments are not counted again.';
    const counted: SearchTotals = {
      matched: 5120,
      count: 2000,
      secondViews: 3120,
      byCurrency: [
        {
          currency: 'NOK',
          count: 2000,
          headline: { what: 'received', amountMinor: 90_000 },
          byKind: [
            { kind: 'sale', count: 900, amountMinor: 120_000 },
            { kind: 'capture', count: 1000, amountMinor: 100_000 },
            { kind: 'refund', count: 100, amountMinor: -10_000 },
          ],
        },
      ],
      note,
    };
    const api = fakeApi({
      'transactions:search': () => ({
        ok: true,
        value: { items: [transaction()], nextCursor: 'more', totals: counted },
      }),
    });
    render(TransactionsView, { transactions: new TransactionsState(api), locale: 'en-US' });
    await waitFor(() => expect(screen.getByTestId('search-count').textContent).toBe('2,000'));
    expect(screen.getByTestId('search-matched').textContent).toBe('counted of 5,120 listed');
    const sum = screen.getByTestId('search-sum');
    expect(sum.textContent).toMatch(/^Received\s+NOK\s900\.00$/);
    expect(sum.dataset.minor).toBe('90000');
    expect(
      screen.getAllByTestId('search-kind').map((k) => k.textContent?.replace(/\s+/g, ' ').trim()),
    ).toEqual(['Sales NOK 1,200.00 (900)', 'Payments NOK 1,000.00 (1,000)', 'Refunds -NOK 100.00 (100)']);
    expect(screen.getByTestId('search-note').textContent).toBe(note);
    // The table's row count is every listed record, second views included.
    expect(screen.getByTestId('transactions-table').getAttribute('aria-rowcount')).toBe('5121');
  });

  it('shows an error with a retry instead of an empty table', async () => {
    const api = fakeApi({
      'transactions:search': () => ({
        ok: false,
        error: { code: 'NETWORK', message: 'Could not reach posrecon.' },
      }),
    });
    render(TransactionsView, { transactions: new TransactionsState(api) });
    const alert = await screen.findByRole('alert');
    expect(alert.textContent).toContain('Could not load transactions');
    expect(screen.getByRole('button', { name: 'Try again' })).toBeTruthy();
  });
});
