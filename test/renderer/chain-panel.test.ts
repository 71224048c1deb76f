import '@testing-library/svelte/vitest';
import { fireEvent, render, screen, waitFor, within } from '@testing-library/svelte';
import { beforeAll, describe, expect, it } from 'vitest';
import type { TransactionDetail } from '../../src-main/core/api/schemas.ts';
import { TransactionsState } from '../../src-renderer/src/lib/transactions-state.svelte.ts';
import TransactionsView from '../../src-renderer/src/views/TransactionsView.svelte';
import { fakeApi, transaction } from './fake-api.ts';
import { stubLayout } from './layout-stub.ts';
import { explanation } from './reconcile-fixtures.ts';

beforeAll(() => stubLayout());

const PAYOUT = {
  id: 500,
  ledgerDate: '2026-12-02',
  firstDate: '2026-11-30',
  currency: 'NOK',
  capturesMinor: 12_551,
  refundsMinor: 0,
  feesMinor: 251,
  adjustmentsMinor: 0,
  expectedMinor: 12_300,
  actualMinor: 12_000,
  differenceMinor: -300,
  items: 2,
};

function detailOf(id: number, kind: TransactionDetail['kind']): TransactionDetail {
  return {
    ...transaction({ id, kind, provider: kind === 'sale' ? 'sentrypos' : 'vipps' }),
    occurredAtRaw: '2026-11-30T11:26:50+01:00',
    ledgerDate: null,
    customerEmail: null,
    customerPhone: null,
    network: null,
    paidWith: null,
    syncedAt: '2026-12-01T00:00:00Z',
    updatedAt: '2026-12-01T00:00:00Z',
    references: [],
    lines: [],
    vat: [],
    rawJson: '{}',
    changes: [],
  };
}

describe('the chain in the transaction detail', () => {
  it('shows sale → payment → payout with totals; the payout step opens what it settles, the difference marked', async () => {
    const api = fakeApi({
      'transactions:search': () => ({
        ok: true,
        value: {
          items: [transaction({ id: 10, kind: 'sale', provider: 'sentrypos' })],
          nextCursor: null,
          totals: { matched: 1, count: 1, secondViews: 0, byCurrency: [], note: null },
        },
      }),
      'transactions:get': ({ id }) => ({ ok: true, value: detailOf(id, id === 500 ? 'payout' : 'sale') }),
      'reconcile:explain': () => ({
        ok: true,
        value: explanation(1, { state: 'linked', payouts: [PAYOUT] }),
      }),
      'reconcile:payout': () => ({
        ok: true,
        value: {
          payout: PAYOUT,
          items: [
            {
              id: 90,
              kind: 'capture',
              amountMinor: 12_551,
              currency: 'NOK',
              businessDate: '2026-11-30',
              occurredAt: '2026-11-30T10:32:11Z',
              reference: 'psp',
              paymentId: 11,
              saleKey: 'sale:conn:inv_1',
            },
            {
              id: 91,
              kind: 'fee',
              amountMinor: -251,
              currency: 'NOK',
              businessDate: '2026-11-30',
              occurredAt: '2026-11-30T10:32:11Z',
              reference: 'psp',
              paymentId: 91,
              saleKey: null,
            },
          ],
        },
      }),
    });
    render(TransactionsView, {
      transactions: new TransactionsState(api),
      timeZone: 'Europe/Oslo',
      locale: 'en-GB',
    });
    await fireEvent.click(await screen.findByTestId('transaction-row'));
    const chain = await screen.findByTestId('chain');
    expect(api.calls.find((c) => c.operation === 'reconcile:explain')?.input).toEqual({
      key: 'transaction:10',
    });
    const steps = within(chain).getAllByTestId('chain-step');
    expect(steps.map((s) => s.dataset.role)).toEqual(['sale', 'payment', 'payout']);
    expect(steps[0]!.getAttribute('aria-current')).toBe('true');
    expect(screen.getByTestId('chain-totals').textContent).toMatch(/Sale NOK\s125\.51 · paid NOK\s125\.51/);

    await fireEvent.click(steps[2]!);
    const payout = await screen.findByTestId('payout-detail');
    expect(api.calls.filter((c) => c.operation === 'reconcile:payout').map((c) => c.input)).toEqual([
      { id: 500 },
    ]);
    expect(screen.getByTestId('payout-expected').textContent).toMatch(/123\.00/);
    expect(screen.getByTestId('payout-actual').textContent).toMatch(/120\.00/);
    expect(screen.getByTestId('payout-difference').closest('tr')?.className).toContain('off');
    // Fees are money out, written with the same minus as the fee item below (not a second kind of minus).
    const feesRow = within(payout).getByRole('row', { name: /Fees/ });
    expect(feesRow.textContent?.replace(/\s+/g, ' ')).toContain('-NOK 2.51');
    expect(
      within(payout)
        .getAllByTestId('payout-item')
        .map((b) => b.textContent?.replace(/\s+/g, ' ').trim()),
    ).toEqual(['Payment · sale inv_1 NOK 125.51', 'Fee -NOK 2.51']);
    // A step of the payout opens its payment, with that payment's chain.
    await fireEvent.click(within(payout).getAllByTestId('payout-item')[0]!);
    await waitFor(() => expect(api.calls.at(-1)?.input ?? api.calls.at(-2)?.input).toBeTruthy());
    expect(api.calls.filter((c) => c.operation === 'reconcile:explain').at(-1)?.input).toEqual({
      key: 'transaction:11',
    });
  });
});
