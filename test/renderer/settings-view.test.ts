import '@testing-library/svelte/vitest';
import { fireEvent, render, screen, waitFor } from '@testing-library/svelte';
import { describe, expect, it } from 'vitest';
import { SettingsState } from '../../src-renderer/src/lib/settings-state.svelte.ts';
import SettingsView from '../../src-renderer/src/views/SettingsView.svelte';
import { DEMO_MATCHING, DEMO_SETTINGS, fakeApi } from './fake-api.ts';

async function renderSettings(api: ReturnType<typeof fakeApi>) {
  const settings = new SettingsState(api);
  await settings.load();
  render(SettingsView, { settings, api });
  return settings;
}

describe('SettingsView', () => {
  it('fills the form from the current settings', async () => {
    await renderSettings(fakeApi({ 'settings:get': () => ({ ok: true, value: DEMO_SETTINGS }) }));
    expect(screen.getByTestId<HTMLInputElement>('settings-shop-name').value).toBe('Fjordkaffe Bryggen');
    expect(screen.getByTestId<HTMLInputElement>('settings-time-zone').value).toBe('Europe/Oslo');
    expect(screen.getByTestId<HTMLInputElement>('settings-currency').value).toBe('NOK');
    expect(screen.getByLabelText('Time zone')).toBe(screen.getByTestId('settings-time-zone'));
  });

  it("shows a BAD_INPUT result's field errors inline, tied to their fields", async () => {
    const api = fakeApi({
      'settings:get': () => ({ ok: true, value: DEMO_SETTINGS }),
      'settings:set': () => ({
        ok: false,
        error: {
          code: 'BAD_INPUT',
          message: '✖ Not a known IANA time zone',
          details: {
            formErrors: [],
            fieldErrors: {
              timeZone: ['Not a known IANA time zone (for example Europe/Oslo)'],
              currency: ['Not an ISO 4217 currency code (for example NOK)'],
            },
          },
        },
      }),
    });
    await renderSettings(api);

    const timeZone = screen.getByTestId<HTMLInputElement>('settings-time-zone');
    await fireEvent.input(timeZone, { target: { value: 'Mars/Olympus' } });
    await fireEvent.click(screen.getByTestId('settings-save'));

    await waitFor(() => expect(timeZone.getAttribute('aria-invalid')).toBe('true'));
    const describedBy = timeZone.getAttribute('aria-describedby')?.split(' ') ?? [];
    const error = screen.getByTestId('settings-time-zone-error');
    expect(describedBy).toContain(error.id);
    expect(error.textContent).toContain('Not a known IANA time zone');

    const currency = screen.getByTestId('settings-currency');
    expect(currency.getAttribute('aria-invalid')).toBe('true');
    expect(screen.getByTestId('settings-currency-error').textContent).toContain('ISO 4217');

    const shopName = screen.getByTestId('settings-shop-name');
    expect(shopName.hasAttribute('aria-invalid')).toBe(false);
    expect(screen.queryByTestId('settings-shop-name-error')).toBeNull();
    expect(screen.getByTestId('settings-saved').textContent?.trim()).toBe('');

    expect(api.calls.at(-1)).toEqual({
      operation: 'settings:set',
      input: { shopName: 'Fjordkaffe Bryggen', timeZone: 'Mars/Olympus', currency: 'NOK' },
    });
  });

  it('saves, confirms, and clears earlier errors', async () => {
    let attempt = 0;
    const saved = { ...DEMO_SETTINGS, shopName: 'Fjordkaffe Torget' };
    const api = fakeApi({
      'settings:get': () => ({ ok: true, value: DEMO_SETTINGS }),
      'settings:set': () =>
        ++attempt === 1
          ? {
              ok: false,
              error: {
                code: 'BAD_INPUT',
                message: 'x',
                details: { formErrors: [], fieldErrors: { shopName: ['The shop needs a name'] } },
              },
            }
          : { ok: true, value: saved },
    });
    const settings = await renderSettings(api);
    const shopName = screen.getByTestId<HTMLInputElement>('settings-shop-name');

    await fireEvent.input(shopName, { target: { value: '' } });
    await fireEvent.click(screen.getByTestId('settings-save'));
    await waitFor(() =>
      expect(screen.getByTestId('settings-shop-name-error').textContent).toContain('needs a name'),
    );

    await fireEvent.input(shopName, { target: { value: 'Fjordkaffe Torget' } });
    await fireEvent.click(screen.getByTestId('settings-save'));
    await waitFor(() =>
      expect(screen.getByTestId('settings-saved').textContent).toContain('Settings saved.'),
    );
    expect(shopName.hasAttribute('aria-invalid')).toBe(false);
    expect(settings.current).toEqual(saved);
    // A new name changes no record: nothing is read again.
    expect(screen.getByTestId('settings-saved').textContent).not.toContain('history');
  });

  it('says the next sync reads the history again after the zone changes', async () => {
    const api = fakeApi({
      'settings:get': () => ({ ok: true, value: DEMO_SETTINGS }),
      'settings:set': (input) => ({ ok: true, value: { ...DEMO_SETTINGS, ...input } }),
    });
    await renderSettings(api);
    await fireEvent.input(screen.getByTestId('settings-time-zone'), { target: { value: 'Asia/Tokyo' } });
    await fireEvent.click(screen.getByTestId('settings-save'));
    await waitFor(() =>
      expect(screen.getByTestId('settings-saved').textContent?.replace(/\s+/g, ' ').trim()).toBe(
        'Settings saved. Records already synced follow the new time zone and currency after the next sync, which reads their history again.',
      ),
    );
  });

  it('shows a failure that is not about a field as a notice', async () => {
    await renderSettings(
      fakeApi({
        'settings:get': () => ({ ok: true, value: DEMO_SETTINGS }),
        'reconcile:settings': () => ({ ok: true, value: DEMO_MATCHING }),
        'settings:set': () => ({
          ok: false,
          error: { code: 'NETWORK', message: 'Could not reach posrecon.' },
        }),
      }),
    );
    await fireEvent.click(screen.getByTestId('settings-save'));
    await waitFor(() => expect(screen.getByRole('alert').textContent).toContain('Could not reach posrecon.'));
  });
});
