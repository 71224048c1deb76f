import '@testing-library/svelte/vitest';
import { fireEvent, render, screen, waitFor } from '@testing-library/svelte';
import { describe, expect, it } from 'vitest';
import type {
  ConnectionView,
  ProviderDescription,
} from '../../src-renderer/src/lib/connections-state.svelte.ts';
import { ConnectionsState } from '../../src-renderer/src/lib/connections-state.svelte.ts';
import ConnectionsView from '../../src-renderer/src/views/ConnectionsView.svelte';
import { type FakeHandlers, fakeApi } from './fake-api.ts';

const SENTRYPOS: ProviderDescription = {
  provider: 'sentrypos',
  displayName: 'SentryPOS',
  defaultBaseUrl: 'https://sandbox.sentrypos.app',
  fields: [
    {
      key: 'baseUrl',
      label: 'API base URL',
      type: 'url',
      options: [],
      default: 'https://sandbox.sentrypos.app',
      required: false,
      minimum: null,
      maximum: null,
      pattern: null,
      presets: [
        { label: 'Production', value: 'https://api.example-pos.test' },
        { label: 'Sandbox', value: 'https://sandbox.sentrypos.app' },
      ],
    },
    {
      key: 'pageLimit',
      label: 'Records per request',
      type: 'integer',
      options: [],
      default: 500,
      required: false,
      minimum: 1,
      maximum: 1000,
      pattern: null,
      presets: [],
    },
  ],
  secretFields: [{ key: 'apiKey', label: 'API key (sntr_…, scope sales:read)' }],
};

function connection(overrides: Partial<ConnectionView> = {}): ConnectionView {
  return {
    id: 'c1',
    provider: 'sentrypos',
    providerName: 'SentryPOS',
    name: 'Till 1',
    isDemo: false,
    config: { baseUrl: 'http://127.0.0.1:1234/sentrypos', pageLimit: 500 },
    hasSecret: true,
    state: 'untested',
    stateDetail: null,
    lastSyncAt: null,
    lastTestAt: null,
    lastTestOk: null,
    transactions: 0,
    createdAt: 't',
    updatedAt: 't',
    ...overrides,
  };
}

async function renderView(handlers: FakeHandlers) {
  const api = fakeApi({
    'connections:providers': () => ({ ok: true, value: { providers: [SENTRYPOS] } }),
    ...handlers,
  });
  const connections = new ConnectionsState(api);
  render(ConnectionsView, { connections, api, timeZone: 'Europe/Oslo' });
  await waitFor(() => expect(connections.loaded).toBe(true));
  return api;
}

describe('ConnectionsView', () => {
  it('generates the form from the provider description and shows field errors inline', async () => {
    const api = await renderView({
      'connections:overview': () => ({ ok: true, value: { connections: [], keychainError: null } }),
      'connections:add': () => ({
        ok: false,
        error: {
          code: 'BAD_INPUT',
          message: 'Some fields need attention.',
          details: {
            formErrors: [],
            fieldErrors: { pageLimit: ['Enter a whole number'], 'secret.apiKey': ['Enter the API key'] },
          },
        },
      }),
    });
    expect(screen.getByTestId('connections-empty')).toBeTruthy();
    await fireEvent.click(screen.getByTestId('connection-add'));
    await fireEvent.change(screen.getByTestId('connection-provider'), { target: { value: 'sentrypos' } });
    const baseUrl = await screen.findByLabelText('API base URL');
    expect(baseUrl.getAttribute('placeholder')).toBe('https://sandbox.sentrypos.app');
    expect(screen.getByTestId<HTMLInputElement>('connection-secret-apiKey').type).toBe('password');
    await fireEvent.input(screen.getByTestId('connection-name'), { target: { value: 'Till 1' } });
    await fireEvent.input(screen.getByTestId('connection-pageLimit'), { target: { value: 'lots' } });
    await fireEvent.click(screen.getByTestId('connection-save'));
    await waitFor(() =>
      expect(screen.getByTestId('connection-pageLimit-error').textContent).toBe('Enter a whole number'),
    );
    expect(screen.getByTestId('connection-pageLimit').getAttribute('aria-invalid')).toBe('true');
    expect(screen.getByTestId('connection-secret-apiKey-error').textContent).toBe('Enter the API key');
    expect(api.calls.find((c) => c.operation === 'connections:add')?.input).toMatchObject({
      provider: 'sentrypos',
      name: 'Till 1',
      config: { pageLimit: 'lots', baseUrl: '' },
      secret: {},
    });
  });

  it("fills the base URL from the provider's environment choices", async () => {
    await renderView({
      'connections:overview': () => ({ ok: true, value: { connections: [], keychainError: null } }),
    });
    await fireEvent.click(screen.getByTestId('connection-add'));
    await fireEvent.change(screen.getByTestId('connection-provider'), { target: { value: 'sentrypos' } });
    const baseUrl = await screen.findByLabelText<HTMLInputElement>('API base URL');
    const sandbox = screen.getByTestId('connection-baseUrl-preset-sandbox');
    expect(sandbox.getAttribute('aria-pressed')).toBe('false');
    await fireEvent.click(sandbox);
    expect(baseUrl.value).toBe('https://sandbox.sentrypos.app');
    expect(sandbox.getAttribute('aria-pressed')).toBe('true');
    await fireEvent.click(screen.getByTestId('connection-baseUrl-preset-production'));
    expect(baseUrl.value).toBe('https://api.example-pos.test');
  });

  it('shows a saved secret masked with Replace and no way to reveal it; a replacement goes with the update', async () => {
    const api = await renderView({
      'connections:overview': () => ({
        ok: true,
        value: { connections: [connection()], keychainError: null },
      }),
      'connections:update': () => ({ ok: true, value: connection() }),
    });
    await fireEvent.click(screen.getByTestId('connection-till-1-edit'));
    const masked = screen.getByTestId('connection-secret-apiKey');
    expect(masked.tagName).toBe('SPAN');
    expect(masked.textContent).toMatch(/^•+$/);
    expect(screen.queryByRole('button', { name: /show|reveal/i })).toBeNull();
    await fireEvent.click(screen.getByTestId('connection-secret-apiKey-replace'));
    const input = screen.getByTestId<HTMLInputElement>('connection-secret-apiKey');
    expect([input.tagName, input.type, input.value]).toEqual(['INPUT', 'password', '']);
    await fireEvent.input(input, { target: { value: 'sntr_new' } });
    await fireEvent.click(screen.getByTestId('connection-save'));
    await waitFor(() => expect(api.calls.some((c) => c.operation === 'connections:update')).toBe(true));
    // One call: the settings and the secret entered with them are saved together or not at all.
    expect(api.calls.find((c) => c.operation === 'connections:update')?.input).toMatchObject({
      id: 'c1',
      secret: { apiKey: 'sntr_new' },
    });
    expect(api.calls.some((c) => c.operation === 'connections:setSecret')).toBe(false);
  });

  it('asks for the secret again when the address moves to another origin', async () => {
    const api = await renderView({
      'connections:overview': () => ({
        ok: true,
        value: { connections: [connection()], keychainError: null },
      }),
      'connections:update': () => ({ ok: true, value: connection() }),
    });
    await fireEvent.click(screen.getByTestId('connection-till-1-edit'));
    expect(screen.getByTestId('connection-secret-apiKey').tagName).toBe('SPAN');
    expect(screen.queryByTestId('connection-secret-again')).toBeNull();
    const baseUrl = screen.getByTestId<HTMLInputElement>('connection-baseUrl');
    // Another path on the same origin: the saved key still fits.
    await fireEvent.input(baseUrl, { target: { value: 'http://127.0.0.1:1234/other' } });
    expect(screen.getByTestId('connection-secret-apiKey').tagName).toBe('SPAN');
    await fireEvent.input(baseUrl, { target: { value: 'https://elsewhere.example' } });
    expect(screen.getByTestId('connection-secret-again').textContent).toMatch(
      /The address changed\. Enter the credentials again/,
    );
    const input = screen.getByTestId<HTMLInputElement>('connection-secret-apiKey');
    expect([input.tagName, input.value]).toEqual(['INPUT', '']);
    await fireEvent.input(input, { target: { value: 'sntr_for_elsewhere' } });
    await fireEvent.click(screen.getByTestId('connection-save'));
    await waitFor(() => expect(api.calls.some((c) => c.operation === 'connections:update')).toBe(true));
    expect(api.calls.find((c) => c.operation === 'connections:update')?.input).toMatchObject({
      config: { baseUrl: 'https://elsewhere.example' },
      secret: { apiKey: 'sntr_for_elsewhere' },
    });
  });

  it('says Synced, not Connected, when the good word came from a sync newer than any test', async () => {
    await renderView({
      'connections:overview': () => ({
        ok: true,
        value: {
          connections: [
            connection({ state: 'connected', lastSyncAt: '2026-03-02T08:00:00Z' }),
            connection({
              id: 'c2',
              name: 'Tested',
              state: 'connected',
              lastSyncAt: '2026-03-01T08:00:00Z',
              lastTestAt: '2026-03-02T08:00:00Z',
              lastTestOk: true,
            }),
          ],
          keychainError: null,
        },
      }),
    });
    expect(screen.getByTestId('connection-till-1-state').textContent).toBe('Synced');
    expect(screen.getByTestId('connection-till-1-checked').textContent).toMatch(/^\s*Never tested\./);
    expect(screen.getByTestId('connection-tested-state').textContent).toBe('Connected');
  });

  it('shows the test result and the status badges', async () => {
    let state: ConnectionView['state'] = 'untested';
    await renderView({
      'connections:overview': () => ({
        ok: true,
        value: {
          connections: [
            connection(
              state === 'connected'
                ? { state, lastTestAt: '2026-03-01T12:05:00Z', lastTestOk: true }
                : { state },
            ),
            connection({
              id: 'c2',
              name: 'Old key',
              isDemo: true,
              state: 'auth_failed',
              lastSyncAt: '2026-03-01T10:00:00Z',
              stateDetail: 'SentryPOS rejected the credentials (401).',
            }),
          ],
          keychainError: null,
        },
      }),
      'connections:test': () => {
        state = 'connected';
        return {
          ok: true,
          value: {
            ok: true,
            message: 'Connected to SentryPOS: the credentials were accepted.',
            kind: null,
            testedAt: 't',
          },
        };
      },
    });
    expect(screen.getByTestId('connection-till-1-state').textContent).toBe('Not tested');
    expect(screen.getByTestId('connection-till-1-never-synced')).toBeTruthy();
    expect(screen.getByTestId('connection-old-key-state').textContent).toBe('Auth failed');
    expect(screen.queryByTestId('connection-old-key-never-synced')).toBeNull();
    await fireEvent.click(screen.getByTestId('connection-till-1-test'));
    await waitFor(() =>
      expect(screen.getByTestId('connection-till-1-test-result').textContent).toBe(
        'Connected to SentryPOS: the credentials were accepted.',
      ),
    );
    expect(screen.getByTestId('connection-till-1-state').textContent).toBe('Connected');
    // The badge's word comes with when it was said, on the shop's clock (12:05 UTC is 13:05 in Oslo).
    expect(screen.getByTestId('connection-till-1-checked').textContent).toMatch(
      /^\s*Last tested Mar 1, 2026, (1:05\sPM|13:05), Oslo time: it worked\.\s*$/,
    );
    // A newer good sync says so; 'Connected' is only what a passed test says.
    expect(screen.getByTestId('connection-old-key-state').textContent).toBe('Auth failed');
    expect(screen.getByTestId('connection-till-1').textContent).toContain('127.0.0.1:1234');
    expect(screen.getByTestId('connection-till-1').textContent).not.toContain('http://');
    // A demo connection's sandbox listens on whatever port was free: no address, what it is.
    expect(screen.getByTestId('connection-old-key').textContent).toContain('SentryPOS · built-in demo shop');
    expect(screen.getByTestId('connection-old-key').textContent).not.toContain('127.0.0.1');
    expect(screen.getByTestId('connection-old-key-checked').textContent).toMatch(
      /Never tested\.\s*Last sync .*Oslo time\./,
    );
  });
});
