import '@testing-library/svelte/vitest';
import { fireEvent, render, screen, waitFor } from '@testing-library/svelte';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import App from '../../src-renderer/src/App.svelte';
import { ROUTES } from '../../src-renderer/src/lib/routes.ts';
import { DEMO_SETTINGS, fakeApi } from './fake-api.ts';
import { stubLayout } from './layout-stub.ts';

beforeAll(() => stubLayout());

function api() {
  return fakeApi({
    'settings:get': () => ({ ok: true, value: DEMO_SETTINGS }),
    'transactions:search': () => ({
      ok: true,
      value: {
        items: [],
        nextCursor: null,
        totals: { matched: 0, count: 0, secondViews: 0, byCurrency: [], note: null },
      },
    }),
    'app:info': () => ({
      ok: true,
      value: {
        name: 'posrecon',
        version: '0.1.0',
        dataDir: '/home/kari/.local/share/posrecon',
        databaseFile: '/home/kari/.local/share/posrecon/posrecon.sqlite',
        schemaVersion: 1,
        counts: { transactions: 1234, connections: 5, changeLog: 7 },
      },
    }),
  });
}

function current(): string[] {
  return [...document.querySelectorAll('nav a[aria-current="page"]')].map((a) => a.textContent ?? '');
}

afterEach(() => {
  window.location.hash = '';
});

describe('App navigation', () => {
  it('lists every view as a real link and marks Transactions as current by default', async () => {
    render(App, { api: api() });
    const links = screen.getAllByRole('link').filter((a) => a.closest('nav'));
    expect(links.map((a) => a.textContent)).toEqual(ROUTES.map((r) => r.label));
    expect(links.map((a) => a.getAttribute('href'))).toEqual(ROUTES.map((r) => `#/${r.id}`));
    expect(current()).toEqual(['Transactions']);
    expect(await screen.findByTestId('transactions-empty')).toBeTruthy();
  });

  it('follows the hash and marks the view it shows', async () => {
    render(App, { api: api() });
    window.location.hash = '#/dashboard';
    await waitFor(() => expect(current()).toEqual(['Dashboard']));
    expect((await screen.findByTestId('app-info')).textContent).toContain('posrecon.sqlite');
    expect(screen.getByTestId('count-transactions').textContent).toContain('1,234');
    await waitFor(() => expect(document.activeElement?.textContent).toBe('Dashboard'));

    window.location.hash = '#/settings';
    await waitFor(() => expect(current()).toEqual(['Settings']));
    expect(screen.getByTestId('nav-settings').getAttribute('aria-current')).toBe('page');
    expect(screen.getByTestId('nav-dashboard').hasAttribute('aria-current')).toBe(false);
    expect(await screen.findByTestId('settings-shop-name')).toBeTruthy();
  });

  it('opens the Exports view', async () => {
    window.location.hash = '#/exports';
    render(App, { api: api() });
    expect(current()).toEqual(['Exports']);
    expect(await screen.findByTestId('export-form')).toBeTruthy();
  });

  it('keeps the view when the skip link is used, and moves focus to the content', async () => {
    window.location.hash = '#/settings';
    render(App, { api: api() });
    await fireEvent.click(screen.getByRole('link', { name: 'Skip to content' }));
    expect(document.activeElement?.id).toBe('main');
    expect(current()).toEqual(['Settings']);
  });

  it('says clearly when the browser session has expired', async () => {
    const client = api();
    render(App, { api: client });
    client.expireSession();
    const banner = await screen.findByTestId('session-expired');
    expect(banner.textContent).toContain('open the URL printed by');
    expect(banner.querySelector('code')?.textContent).toBe('posrecon serve');
  });
});
