import '@testing-library/svelte/vitest';
import { fireEvent, render, screen, waitFor } from '@testing-library/svelte';
import { describe, expect, it } from 'vitest';
import { TransactionsState } from '../../src-renderer/src/lib/transactions-state.svelte.ts';
import TransactionsView from '../../src-renderer/src/views/TransactionsView.svelte';
import { fakeApi, transaction } from './fake-api.ts';

describe('TransactionsView', () => {
  it('tells the user how to get data when the cache is empty', async () => {
    const api = fakeApi({
      'transactions:list': () => ({ ok: true, value: { items: [], nextCursor: null } }),
    });
    render(TransactionsView, { transactions: new TransactionsState(api) });

    const empty = await screen.findByTestId('transactions-empty');
    expect(empty.textContent).toContain('No transactions in the cache yet.');
    expect(empty.textContent).toContain('npx posrecon demo');
    expect(screen.queryByTestId('transactions-table')).toBeNull();
  });

  it('shows rows with amounts formatted from minor units, and loads the next page', async () => {
    const api = fakeApi({
      'transactions:list': ({ cursor }) =>
        cursor
          ? {
              ok: true,
              value: {
                items: [transaction({ id: 3, externalId: 'ext-3', kind: 'refund', amountMinor: -4500 })],
                nextCursor: null,
              },
            }
          : {
              ok: true,
              value: {
                items: [
                  transaction(),
                  transaction({
                    id: 2,
                    provider: 'sentrypos',
                    connectionName: 'Till 1',
                    currency: 'JPY',
                    amountMinor: 1999,
                  }),
                ],
                nextCursor: 'c1',
              },
            },
    });
    render(TransactionsView, { transactions: new TransactionsState(api), timeZone: 'Europe/Oslo' });

    const table = await screen.findByTestId('transactions-table');
    let rows = screen.getAllByTestId('transaction-row');
    expect(rows).toHaveLength(2);
    const first = rows[0]!.textContent ?? '';
    expect(first).toContain('2026-03-14');
    expect(first).toContain('Vipps');
    expect(first).toContain('Vipps MobilePay');
    expect(first).toContain('Capture');
    expect(first).toContain('129.50');
    expect(first).toContain('Completed');
    expect(first).toContain('Kari Nordmann');
    expect(first).toContain('Cappuccino and croissant');
    // 09:15 UTC is 10:15 in Oslo in March (CET).
    expect(first).toMatch(/10[:.]15/);
    expect(rows[1]!.textContent).toContain('1,999');
    expect(table.querySelectorAll('th')).toHaveLength(9);

    await fireEvent.click(screen.getByTestId('transactions-load-more'));
    await waitFor(() => expect(screen.getAllByTestId('transaction-row')).toHaveLength(3));
    rows = screen.getAllByTestId('transaction-row');
    expect(rows[2]!.textContent).toContain('Refund');
    expect(rows[2]!.textContent).toContain('45.00');
    expect(screen.queryByTestId('transactions-load-more')).toBeNull();
    expect(api.calls.at(-1)).toEqual({ operation: 'transactions:list', input: { limit: 100, cursor: 'c1' } });
  });

  it('shows an error with a retry instead of an empty table', async () => {
    const api = fakeApi({
      'transactions:list': () => ({
        ok: false,
        error: { code: 'NETWORK', message: 'Could not reach posrecon.' },
      }),
    });
    render(TransactionsView, { transactions: new TransactionsState(api) });

    const alert = await screen.findByRole('alert');
    expect(alert.textContent).toContain('Could not load transactions');
    expect(screen.getByRole('button', { name: 'Try again' })).toBeTruthy();
    expect(screen.queryByTestId('transactions-empty')).toBeNull();
  });
});
