import '@testing-library/svelte/vitest';
import { fireEvent, render, screen, waitFor } from '@testing-library/svelte';
import { describe, expect, it } from 'vitest';
import { monthPresets } from '../../src-renderer/src/lib/export-period.ts';
import { type ExportEntry, ExportsState } from '../../src-renderer/src/lib/exports-state.svelte.ts';
import ExportsView from '../../src-renderer/src/views/ExportsView.svelte';
import { type FakeHandlers, fakeApi } from './fake-api.ts';

const entry = (o: Partial<ExportEntry> = {}): ExportEntry => ({
  id: 7,
  at: '2026-11-03T09:00:00.000Z',
  actor: 'ui',
  from: '2026-10-01',
  to: '2026-10-31',
  format: 'xlsx',
  sheets: ['summary', 'sales', 'payments', 'daily', 'payouts', 'discrepancies', 'journal'],
  fileName: 'posrecon-2026-10-01-to-2026-10-31-made-20261103-090000.xlsx',
  bytes: 123_456,
  rows: 4321,
  sha256: 'ab'.repeat(32),
  available: true,
  asBookedIn: null,
  closes: false,
  postCloseAdjustments: 0,
  ...o,
});

function setup(handlers: FakeHandlers) {
  const api = fakeApi({
    'export:list': () => ({ ok: true, value: { exports: [] } }),
    'export:periods': () => ({ ok: true, value: { periods: [] } }),
    ...handlers,
  });
  const exports = new ExportsState(api);
  render(ExportsView, { exports, timeZone: 'Europe/Oslo', today: '2026-11-15' });
  return { api, exports };
}

describe('monthPresets', () => {
  it('offers the last three full months and this month so far, across a year end', () => {
    expect(monthPresets('2026-01-10')).toEqual([
      { label: 'December 2025', from: '2025-12-01', to: '2025-12-31' },
      { label: 'November 2025', from: '2025-11-01', to: '2025-11-30' },
      { label: 'October 2025', from: '2025-10-01', to: '2025-10-31' },
      { label: 'January 2026 so far', from: '2026-01-01', to: '2026-01-10' },
    ]);
    expect(monthPresets('2028-03-01')[0]).toMatchObject({ from: '2028-02-01', to: '2028-02-29' });
  });
});

describe('ExportsView', () => {
  it('starts on last month with every sheet ticked, and says when there are no exports yet', async () => {
    setup({});
    expect(screen.getByTestId<HTMLInputElement>('export-from').value).toBe('2026-10-01');
    expect(screen.getByTestId<HTMLInputElement>('export-to').value).toBe('2026-10-31');
    expect(screen.getByTestId<HTMLInputElement>('export-sheet-journal').checked).toBe(true);
    expect(await screen.findByTestId('past-exports-empty')).toBeTruthy();
  });

  it('a preset sets the period; unticking every sheet disables the button', async () => {
    setup({});
    await fireEvent.click(screen.getByRole('button', { name: 'September 2026' }));
    expect(screen.getByTestId<HTMLInputElement>('export-from').value).toBe('2026-09-01');
    expect(screen.getByTestId<HTMLInputElement>('export-to').value).toBe('2026-09-30');
    for (const id of [
      'summary',
      'sales',
      'payments',
      'daily',
      'payouts',
      'discrepancies',
      'adjustments',
      'journal',
    ])
      await fireEvent.click(screen.getByTestId(`export-sheet-${id}`));
    expect(screen.getByTestId<HTMLButtonElement>('export-start').disabled).toBe(true);
    expect(screen.getByText('Tick at least one sheet.')).toBeTruthy();
  });

  it('shows progress from its own job, cancels, and returns to the form without an error', async () => {
    let release: (v: unknown) => void = () => {};
    const { api } = setup({
      'export:xlsx': () =>
        new Promise((resolve) => {
          release = () => resolve({ ok: false, error: { code: 'CANCELLED', message: 'cancelled' } });
        }),
      'export:cancel': () => ({ ok: true, value: { cancelled: 1 } }),
    });
    await fireEvent.click(screen.getByTestId('export-sheet-journal'));
    await fireEvent.click(screen.getByTestId('export-start'));
    const call = api.calls.find((c) => c.operation === 'export:xlsx')!.input as {
      jobId: string;
      sheets: string[];
    };
    expect(call.sheets).not.toContain('journal');
    api.emit('export:progress', { jobId: 'someone-else', sheet: 'Sales', rows: 99, totalRows: 100 });
    api.emit('export:progress', { jobId: call.jobId, sheet: 'Sales', rows: 5000, totalRows: 20000 });
    await waitFor(() =>
      expect(screen.getByTestId('export-progress-text').textContent).toBe(
        '5,000 of 20,000 rows · writing Sales',
      ),
    );
    expect(screen.getByRole('progressbar').getAttribute('aria-valuenow')).toBe('25');
    await fireEvent.click(screen.getByTestId('export-cancel'));
    expect(api.calls.at(-1)).toEqual({ operation: 'export:cancel', input: { jobId: call.jobId } });
    release(null);
    await waitFor(() => expect(screen.queryByTestId('export-running')).toBeNull());
    expect(screen.queryByRole('alert')).toBeNull();
  });

  it('lists the finished export with a download link by id, and past ones', async () => {
    setup({
      'export:list': () => ({ ok: true, value: { exports: [entry({ id: 3, available: false })] } }),
      'export:xlsx': () => ({ ok: true, value: entry() }),
    });
    await screen.findByText('File removed');
    await fireEvent.click(screen.getByTestId('export-start'));
    const link = await screen.findByTestId<HTMLAnchorElement>('export-done-download');
    expect(link.getAttribute('href')).toBe('/api/exports/7/download');
    expect(screen.getAllByTestId('past-export')).toHaveLength(2);
    expect(screen.getAllByTestId('export-download')[0]!.textContent).toContain('123 kB');
  });

  it('shows a failed export in plain words', async () => {
    setup({
      'export:xlsx': () => ({
        ok: false,
        error: { code: 'BAD_INPUT', message: 'The period ends (2026-10-01) before it starts (2026-10-31).' },
      }),
    });
    await fireEvent.click(screen.getByTestId('export-start'));
    expect((await screen.findByRole('alert')).textContent).toContain('before it starts');
  });

  it('closes the chosen period only after a confirmation, then lists it and offers to reopen with a reason', async () => {
    const period = {
      id: 4,
      from: '2026-10-01',
      to: '2026-10-31',
      closedAt: '2026-11-15T08:30:00.000Z',
      closedBy: 'ui',
      exportId: 9,
      rows: 4321,
      sha256: 'cd'.repeat(32),
      reopenedAt: null,
      reopenedBy: null,
      reopenReason: null,
    };
    const { api } = setup({
      'export:close': () => ({ ok: true, value: { period, export: entry({ id: 9, closes: true }) } }),
      'export:reopen': (input) =>
        (input as { reason: string }).reason.trim().length < 3
          ? { ok: false, error: { code: 'BAD_INPUT', message: 'Say why the period is reopened.' } }
          : {
              ok: true,
              value: {
                ...period,
                reopenedAt: '2026-11-16T08:00:00.000Z',
                reopenedBy: 'ui',
                reopenReason: 'late fee',
              },
            },
    });
    await fireEvent.click(screen.getByTestId('close-period'));
    expect(api.calls.some((c) => c.operation === 'export:close')).toBe(false);
    await fireEvent.click(screen.getByTestId('close-confirm-yes'));
    await screen.findByTestId('closed-period');
    expect(api.calls.find((c) => c.operation === 'export:close')?.input).toMatchObject({
      from: '2026-10-01',
      to: '2026-10-31',
    });
    expect(screen.getByTestId<HTMLButtonElement>('close-period').disabled).toBe(true);
    expect(screen.getByText(/closed the period/)).toBeTruthy();

    await fireEvent.click(screen.getByTestId('reopen'));
    await fireEvent.input(screen.getByTestId('reopen-reason'), { target: { value: 'x' } });
    await fireEvent.submit(screen.getByTestId('reopen-reason').closest('form')!);
    expect((await screen.findByRole('alert')).textContent).toContain('Say why');
    await fireEvent.input(screen.getByTestId('reopen-reason'), { target: { value: 'late fee' } });
    await fireEvent.submit(screen.getByTestId('reopen-reason').closest('form')!);
    await waitFor(() => expect(screen.getByTestId('closed-period').textContent).toContain('“late fee”'));
    expect(screen.getByTestId<HTMLButtonElement>('close-period').disabled).toBe(false);
  });
});
