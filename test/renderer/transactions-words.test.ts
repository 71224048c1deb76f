import '@testing-library/svelte/vitest';
import { fireEvent, render, screen, waitFor } from '@testing-library/svelte';
import { beforeAll, describe, expect, it } from 'vitest';
import type { TransactionDetail, TransactionSummary } from '../../src-main/core/api/schemas.ts';
import { TransactionsState } from '../../src-renderer/src/lib/transactions-state.svelte.ts';
import TransactionsView from '../../src-renderer/src/views/TransactionsView.svelte';
import { fakeApi, transaction } from './fake-api.ts';
import { stubLayout } from './layout-stub.ts';

beforeAll(() => stubLayout());

const payout = transaction({
  id: 7,
  kind: 'payout',
  amountMinor: -5_815_369,
  providerStatus: 'payout-scheduled',
  description: 'Paid out to your bank',
  direction: 'bank',
  reconState: 'linked',
  customerName: null,
});
const fee = transaction({
  id: 8,
  kind: 'fee',
  // A capture fee is positive in Vipps' fees ledger; it is money out all the same.
  amountMinor: 86,
  providerStatus: 'capture-fee',
  description: 'Fee for the payment of order inv_1',
  direction: 'out',
  reconState: 'not_applicable',
});
const sale = transaction({
  id: 9,
  provider: 'sentrypos',
  kind: 'sale',
  providerStatus: 'PENDING',
  status: 'pending',
  description: '2 × Coffee, Bun · Kari Nordmann · Vipps',
  reconState: 'review',
});

function detailOf(row: TransactionSummary): TransactionDetail {
  return {
    ...row,
    occurredAtRaw: row.occurredAt,
    ledgerDate: null,
    customerEmail: null,
    customerPhone: null,
    network: 'VIPPS',
    paidWith: 'Vipps',
    syncedAt: '2026-03-15T00:00:00Z',
    updatedAt: '2026-03-15T00:00:00Z',
    references: [{ kind: 'invoiceId', label: 'Invoice number', value: 'inv_0001' }],
    lines: [],
    vat: [],
    rawJson: '{}',
    changes: [{ id: 1, changedAt: '2026-03-15T00:00:00Z', field: 'amount_minor', before: '1', after: '2' }],
  };
}

function api(rows: TransactionSummary[]) {
  return fakeApi({
    'transactions:search': () => ({
      ok: true,
      // Totals of null would read as an empty cache.
      value: {
        items: rows,
        nextCursor: null,
        totals: { matched: rows.length, count: rows.length, secondViews: 0, byCurrency: [], note: null },
      },
    }),
    'transactions:get': (input: { id: number }) => ({
      ok: true,
      value: detailOf(rows.find((r) => r.id === input.id)!),
    }),
  });
}

describe('Transactions in a shop manager’s words', () => {
  it('shows a payout as money to the bank and a fee as money out, whatever sign the ledger gives them', async () => {
    render(TransactionsView, { transactions: new TransactionsState(api([payout, fee])), locale: 'en-US' });
    const amounts = await screen.findAllByTestId('row-amount');
    expect(amounts[0]!.dataset.direction).toBe('bank');
    expect(amounts[0]!.textContent?.replace(/\s+/g, ' ').trim()).toBe('→ bank NOK 58,153.69');
    expect(amounts[1]!.dataset.direction).toBe('out');
    expect(amounts[1]!.textContent?.trim()).toMatch(/^-NOK\s0\.86$/);
  });

  it('shows one status, the provider’s own on hover, and the reconciliation state in plain words', async () => {
    render(TransactionsView, { transactions: new TransactionsState(api([sale, fee])) });
    const rows = await screen.findAllByTestId('transaction-row');
    expect(rows[0]!.textContent).toContain('2 × Coffee, Bun · Kari Nordmann · Vipps');
    expect(rows[0]!.textContent).not.toContain('PENDING');
    const status = screen.getAllByTestId('row-status')[0]!;
    expect(status.textContent).toBe('Pending');
    expect(status.getAttribute('title')).toBe("SentryPOS's own status: PENDING");
    const states = screen.getAllByTestId('row-recon-state').map((s) => s.textContent);
    expect(states).toEqual(['Needs review', 'Nothing to match']);
    expect(rows.map((r) => r.dataset.reconState)).toEqual(['review', 'not_applicable']);
  });

  it('opens the detail with one click, with references and fields in plain words', async () => {
    render(TransactionsView, { transactions: new TransactionsState(api([sale, payout])) });
    const rows = await screen.findAllByTestId('transaction-row');
    await fireEvent.click(rows[1]!);
    const pane = await screen.findByTestId('transaction-detail');
    expect(screen.getByTestId('detail-amount').textContent?.trim()).toMatch(/^NOK\s58,153\.69 · Payout$/);
    expect(screen.getByTestId('detail-description').textContent).toBe('Paid out to your bank');
    expect(pane.textContent).not.toContain('-NOK');
    await fireEvent.click(rows[0]!);
    await waitFor(() => expect(screen.getByTestId('detail-description').textContent).toContain('Coffee'));
    const refs = screen.getByTestId('detail-references');
    const label = refs.querySelector('dt[data-kind="invoiceId"]')!;
    expect(label.textContent).toBe('Invoice number');
    expect(label.getAttribute('title')).toBe('SentryPOS calls it “invoiceId”');
    expect(refs.textContent).toContain('Paid with');
    expect(screen.getByTestId('detail-status').textContent).toBe('Pending');
    expect(screen.getByTestId('detail-changes').textContent).toContain('Amount');
  });

  it('totals payouts as money paid to the bank, without the ledger’s minus', async () => {
    const api = fakeApi({
      'transactions:search': () => ({
        ok: true,
        value: {
          items: [payout],
          nextCursor: null,
          totals: {
            matched: 1,
            count: 1,
            secondViews: 0,
            byCurrency: [
              {
                currency: 'NOK',
                count: 1,
                headline: { what: 'payouts', amountMinor: -5_815_369 },
                byKind: [{ kind: 'payout', count: 1, amountMinor: -5_815_369 }],
              },
            ],
            note: null,
          },
        },
      }),
    });
    render(TransactionsView, { transactions: new TransactionsState(api), locale: 'en-US' });
    await waitFor(() =>
      expect(screen.getByTestId('search-sum').textContent?.replace(/\s+/g, ' ').trim()).toBe(
        'Paid to your bank NOK 58,153.69',
      ),
    );
    expect(screen.getByTestId('search-kind').textContent?.replace(/\s+/g, ' ').trim()).toBe(
      'Payouts NOK 58,153.69 (1)',
    );
  });

  it('keeps a double click from selecting a word, and a single click from being swallowed', async () => {
    render(TransactionsView, { transactions: new TransactionsState(api([sale])) });
    const [row] = await screen.findAllByTestId('transaction-row');
    // The second press of a double click is cancelled (no word selection); the first is not.
    expect(await fireEvent.mouseDown(row!, { detail: 1 })).toBe(true);
    expect(await fireEvent.mouseDown(row!, { detail: 2 })).toBe(false);
  });
});
