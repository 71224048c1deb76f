import '@testing-library/svelte/vitest';
import { fireEvent, render, screen, waitFor } from '@testing-library/svelte';
import { describe, expect, it } from 'vitest';
import type { OperationInput } from '../../src-main/core/api/contract.ts';
import { SettingsState } from '../../src-renderer/src/lib/settings-state.svelte.ts';
import SettingsView from '../../src-renderer/src/views/SettingsView.svelte';
import { DEMO_MATCHING, DEMO_SETTINGS, type FakeHandlers, fakeApi } from './fake-api.ts';

const REPORT = { full: false, days: 4, groups: 10, linked: 8, suggested: 1, unmatched: 1, warnings: [] };

async function renderMatching(handlers: FakeHandlers) {
  const api = fakeApi({
    'settings:get': () => ({ ok: true, value: DEMO_SETTINGS }),
    'reconcile:settings': () => ({ ok: true, value: DEMO_MATCHING }),
    ...handlers,
  });
  const settings = new SettingsState(api);
  await settings.load();
  render(SettingsView, { settings, api });
  await waitFor(() => screen.getByTestId('matching-form'));
  return api;
}

const input = (testid: string) => screen.getByTestId<HTMLInputElement>(testid);

describe('Settings: matching', () => {
  it('shows the thresholds and rates the core holds, in plain words', async () => {
    await renderMatching({});
    expect(input('matching-autoAcceptScore').value).toBe('0.8');
    expect(input('matching-reviewScore').value).toBe('0.45');
    expect(input('matching-tipMaxAmount').value).toBe('100');
    expect(screen.getByLabelText('Link without asking at (score 0–1)')).toBe(
      input('matching-autoAcceptScore'),
    );
    expect(screen.getByLabelText('Largest tip (NOK)')).toBe(input('matching-tipMaxAmount'));
    const hint = document.getElementById('matching-autoAcceptScore-hint');
    expect(input('matching-autoAcceptScore').getAttribute('aria-describedby')).toBe(hint?.id);
    expect(hint?.textContent).toMatch(/clearly ahead of the next best, is linked without asking/);
    expect(screen.getByTestId('matching-section').textContent).toMatch(/score runs from 0 .* to 1/);
    expect(screen.getAllByTestId('rate-row')).toHaveLength(1);
    expect(input('rate-currency-0').value).toBe('ILS');
    expect(input('rate-rate-0').value).toBe('2.9');
    expect(screen.getByTestId('rate-row').textContent).toMatch(/1\s*=\s*NOK/);
    expect(document.body.textContent).not.toMatch(/autoAcceptScore|fxRates|reviewScore/);
  });

  it('saves the edited draft through reconcile:configure, then matches again without blocking the form', async () => {
    let finishRun: () => void = () => undefined;
    const api = await renderMatching({
      'reconcile:configure': (patch) => ({
        ok: true,
        value: { ...DEMO_MATCHING, ...(patch as typeof DEMO_MATCHING) },
      }),
      'reconcile:run': () =>
        new Promise((resolve) => (finishRun = () => resolve({ ok: true, value: REPORT as never }))),
    });

    await fireEvent.input(input('matching-autoAcceptScore'), { target: { value: '0,85' } });
    await fireEvent.click(screen.getByTestId('matching-add-rate'));
    await fireEvent.input(input('rate-currency-1'), { target: { value: 'eur' } });
    await fireEvent.input(input('rate-rate-1'), { target: { value: '11.6' } });
    await fireEvent.input(input('rate-from-1'), { target: { value: '2026-03-01' } });
    await fireEvent.input(input('rate-to-1'), { target: { value: '2026-03-31' } });
    // Remove the ILS row: only the EUR one is sent.
    await fireEvent.click(screen.getByTestId('rate-remove-0'));
    expect(screen.getAllByTestId('rate-row')).toHaveLength(1);
    await fireEvent.click(screen.getByTestId('matching-save'));

    await waitFor(() => expect(screen.getByTestId('matching-saved').textContent).toContain('Saved'));
    const ops = api.calls.map((c) => c.operation);
    expect(ops.slice(-2)).toEqual(['reconcile:configure', 'reconcile:run']);
    const sent = api.calls.find((c) => c.operation === 'reconcile:configure')
      ?.input as OperationInput<'reconcile:configure'>;
    expect(sent.autoAcceptScore).toBe(0.85);
    expect(sent.fxRates).toEqual([{ currency: 'EUR', rate: 11.6, from: '2026-03-01', to: '2026-03-31' }]);
    expect(api.calls.at(-1)?.input).toEqual({ full: false });

    // While it runs, progress is shown and the form can still be edited.
    api.emit('reconcile:progress', { phase: 'matching', done: 2, total: 4 });
    await waitFor(() => expect(screen.getByTestId('matching-run').textContent).toContain('2 of 4'));
    expect(screen.getByTestId<HTMLButtonElement>('matching-save').disabled).toBe(false);
    await fireEvent.input(input('matching-reviewScore'), { target: { value: '0.5' } });
    expect(input('matching-reviewScore').value).toBe('0.5');
    finishRun();
    await waitFor(() => expect(screen.getByTestId('matching-run').textContent).toContain('matched again'));
  });

  it("shows the core's messages beside the field and the rate row they are about", async () => {
    const api = await renderMatching({
      'reconcile:configure': () => ({
        ok: false,
        error: {
          code: 'BAD_INPUT',
          message: 'The score to suggest for review must not be above the score to link without asking',
          details: {
            fields: [
              {
                path: 'reviewScore',
                message: 'The score to suggest for review must not be above the score to link without asking',
              },
              { path: 'fxRates.0.to', message: 'The rate ends before it starts' },
            ],
          },
        },
      }),
    });
    await fireEvent.input(input('matching-reviewScore'), { target: { value: '0.9' } });
    await fireEvent.click(screen.getByTestId('matching-save'));

    await waitFor(() =>
      expect(screen.getByTestId('matching-reviewScore-error').textContent).toContain('must not be above'),
    );
    expect(input('matching-reviewScore').getAttribute('aria-invalid')).toBe('true');
    expect(input('matching-autoAcceptScore').hasAttribute('aria-invalid')).toBe(false);
    expect(screen.getByTestId('rate-error-0').textContent).toContain('ends before it starts');
    expect(input('rate-to-0').getAttribute('aria-invalid')).toBe('true');
    expect(input('rate-to-0').getAttribute('aria-describedby')).toBe('rate-error-0');
    expect(input('rate-rate-0').hasAttribute('aria-invalid')).toBe(false);
    expect(screen.getByTestId('matching-saved').textContent?.trim()).toBe('');
    expect(api.calls.some((c) => c.operation === 'reconcile:run')).toBe(false);
  });

  it("reads the contract's flattened errors too, and asks for a number before calling the core", async () => {
    const api = await renderMatching({
      'reconcile:configure': () => ({
        ok: false,
        error: {
          code: 'BAD_INPUT',
          message: 'x',
          details: { formErrors: [], fieldErrors: { fxRates: ['A rate must be above zero'] } },
        },
      }),
    });
    await fireEvent.input(input('matching-timeWindowMinutes'), { target: { value: 'half an hour' } });
    await fireEvent.click(screen.getByTestId('matching-save'));
    await waitFor(() =>
      expect(screen.getByTestId('matching-timeWindowMinutes-error').textContent).toContain('Enter a number'),
    );
    expect(api.calls.some((c) => c.operation === 'reconcile:configure')).toBe(false);

    // A new row without its first day is asked for the day, beside the row.
    await fireEvent.click(screen.getByTestId('matching-add-rate'));
    await fireEvent.input(input('rate-currency-1'), { target: { value: 'SEK' } });
    await fireEvent.input(input('rate-rate-1'), { target: { value: '0.98' } });
    await fireEvent.click(screen.getByTestId('matching-save'));
    await waitFor(() => expect(screen.getByTestId('rate-error-1').textContent).toContain('first day'));
    expect(input('rate-from-1').getAttribute('aria-invalid')).toBe('true');
    expect(api.calls.some((c) => c.operation === 'reconcile:configure')).toBe(false);
    await fireEvent.click(screen.getByTestId('rate-remove-1'));

    await fireEvent.input(input('matching-timeWindowMinutes'), { target: { value: '30' } });
    await fireEvent.click(screen.getByTestId('matching-save'));
    await waitFor(() =>
      expect(screen.getByTestId('rates-error').textContent).toContain('A rate must be above zero'),
    );
    expect(screen.queryByTestId('matching-timeWindowMinutes-error')).toBeNull();
  });

  it('shows a failure that is not about a field as a notice, and keeps the draft', async () => {
    await renderMatching({
      'reconcile:configure': () => ({
        ok: false,
        error: { code: 'NETWORK', message: 'Could not reach posrecon.' },
      }),
    });
    await fireEvent.input(input('matching-pendingDays'), { target: { value: '5' } });
    await fireEvent.click(screen.getByTestId('matching-save'));
    await waitFor(() =>
      expect(screen.getByTestId('matching-form').textContent).toContain('Could not reach posrecon.'),
    );
    expect(input('matching-pendingDays').value).toBe('5');
    // The shop form's draft is untouched by this form.
    expect(input('settings-shop-name').value).toBe('Fjordkaffe Bryggen');
  });

  it('says why matching did not run again when the core refuses the run', async () => {
    await renderMatching({
      'reconcile:configure': () => ({ ok: true, value: DEMO_MATCHING }),
      'reconcile:run': () => ({
        ok: false,
        error: {
          code: 'SYNC_RUNNING',
          message: 'A sync of Demo Vipps is running; reconciliation runs by itself when it finishes.',
        },
      }),
    });
    await fireEvent.click(screen.getByTestId('matching-save'));
    await waitFor(() =>
      expect(screen.getByTestId('matching-form').textContent).toContain('runs by itself when it finishes'),
    );
    expect(screen.getByTestId('matching-saved').textContent).toContain('Saved');
  });
});
