import '@testing-library/svelte/vitest';
import { fireEvent, render, screen, waitFor, within } from '@testing-library/svelte';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { SyncStatusEntry } from '../../src-main/core/api/schemas.ts';
import SyncPanel from '../../src-renderer/src/components/SyncPanel.svelte';
import {
  completenessStrips,
  SyncState,
  type SyncProgress,
} from '../../src-renderer/src/lib/sync-state.svelte.ts';
import { formatBusinessDate } from '../../src-renderer/src/lib/format.ts';
import { DEMO_SETTINGS, fakeApi, type FakeHandlers, syncEntry } from './fake-api.ts';

const CONNECTION = {
  id: 'conn-sentrypos',
  provider: 'sentrypos' as const,
  name: 'Demo SentryPOS',
  isDemo: true,
  config: {},
  createdAt: '2026-03-01T00:00:00.000Z',
  updatedAt: '2026-03-01T00:00:00.000Z',
};

function panelApi(entries: () => SyncStatusEntry[], more: FakeHandlers = {}) {
  return fakeApi({
    'settings:get': () => ({ ok: true, value: DEMO_SETTINGS }),
    'sync:status': () => ({ ok: true, value: { connections: entries() } }),
    'connections:list': () => ({
      ok: true,
      value: {
        connections: entries().map((e) => ({ ...CONNECTION, id: e.connectionId, name: e.connectionName })),
      },
    }),
    ...more,
  });
}

function renderPanel(api: ReturnType<typeof fakeApi>) {
  const sync = new SyncState(api);
  render(SyncPanel, { sync });
  return sync;
}

const badge = (id = 'conn-sentrypos') =>
  within(screen.getByTestId(`sync-connection-${id}`)).getByTestId('sync-status-badge');

function progress(overrides: Partial<SyncProgress> = {}): SyncProgress {
  return {
    connectionId: 'conn-sentrypos',
    connectionName: 'Demo SentryPOS',
    provider: 'sentrypos',
    stream: 'sales',
    pages: 2,
    records: 250,
    quarantined: 0,
    totalHint: 1000,
    ratePerSecond: 125,
    etaSeconds: 6,
    done: false,
    ...overrides,
  };
}

describe('SyncPanel', () => {
  afterEach(() => vi.useRealTimers());

  it.each([
    [{}, 'Synced'],
    [{ lastStatus: 'partial' as const, quarantined: 3 }, 'Partial — 3 quarantined'],
    [{ lastStatus: 'failed' as const }, 'Failed'],
    [{ lastSyncAt: null, lastSuccessAt: null, lastStatus: null }, 'Never synced'],
  ])('badges a connection %o as %s', async (overrides, label) => {
    renderPanel(panelApi(() => [syncEntry(overrides)]));
    await waitFor(() => expect(badge().textContent).toBe(label));
  });

  it('shows a failed run with its plain error message, last sync in the shop zone, and no schedule', async () => {
    const error = 'SentryPOS rejected the API key (401). Check the key in Connections.';
    renderPanel(panelApi(() => [syncEntry({ lastStatus: 'failed', error, lastSuccessAt: null })]));
    await waitFor(() => expect(badge().textContent).toBe('Failed'));
    const card = screen.getByTestId('sync-connection-conn-sentrypos');
    // The provider's words, then what to do next.
    expect(within(card).getByRole('alert').textContent).toMatch(
      new RegExp(`^\\s*${error.replace(/[().]/g, '\\$&')}\\s+Press Test connection`),
    );
    // 09:15 UTC is 10:15 in Oslo in March.
    expect(card.querySelector('time')?.textContent).toMatch(/10:15.*Oslo time/);
    expect(card.textContent).toContain('Not scheduled');
  });

  it('draws live progress from sync:progress, determinate with a total and indeterminate without', async () => {
    const api = panelApi(() => [syncEntry({ running: true })]);
    renderPanel(api);
    await waitFor(() => expect(badge().textContent).toBe('Syncing…'));
    api.emit('sync:progress', progress());
    api.emit(
      'sync:progress',
      progress({ stream: 'summary', totalHint: null, etaSeconds: null, records: 40 }),
    );
    await waitFor(() => expect(screen.getAllByTestId('sync-progress')).toHaveLength(2));
    const bars = screen.getAllByTestId('sync-progress');
    expect(bars.map((b) => b.getAttribute('role'))).toEqual(['progressbar', 'progressbar']);
    expect(bars[0]?.getAttribute('aria-valuenow')).toBe('25');
    expect(bars[0]?.getAttribute('aria-valuetext')).toMatch(/250 of 1,000 records · 125\/s · about 6 s left/);
    expect(bars[1]?.hasAttribute('aria-valuenow')).toBe(false);
    expect(bars[1]?.getAttribute('aria-valuetext')).toMatch(/40 records/);
    expect(
      within(screen.getByTestId('sync-connection-conn-sentrypos')).getByTestId('sync-cancel'),
    ).toBeTruthy();
  });

  it('asks for fresh status when a stream reports done, and the badge follows', async () => {
    let running = true;
    const api = panelApi(() => [
      syncEntry({ running, lastStatus: running ? 'ok' : 'partial', quarantined: 2 }),
    ]);
    renderPanel(api);
    await waitFor(() => expect(badge().textContent).toBe('Syncing…'));
    api.emit('sync:progress', progress());
    running = false;
    const before = api.calls.filter((c) => c.operation === 'sync:status').length;
    api.emit('sync:progress', progress({ records: 1000, done: true, quarantined: 2 }));
    await waitFor(() => expect(badge().textContent).toBe('Partial — 2 quarantined'));
    expect(api.calls.filter((c) => c.operation === 'sync:status').length).toBe(before + 1);
    expect(screen.queryByTestId('sync-progress')).toBeNull();
  });

  it('says Synced once every stream is done and the core no longer runs it, before sync:start answers', async () => {
    // sync:start answers after the reconciliation that follows the sync; the card must not wait for it.
    let running = false;
    const api = panelApi(() => [syncEntry({ running })], {
      'sync:start': () => new Promise(() => {}),
    });
    renderPanel(api);
    await fireEvent.click(await screen.findByTestId('sync-now'));
    running = true;
    api.emit('sync:progress', progress());
    await waitFor(() => expect(badge().textContent).toBe('Syncing…'));
    running = false;
    api.emit('sync:progress', progress({ records: 1000, done: true }));
    await waitFor(() => expect(badge().textContent).toBe('Synced'));
  });

  it('stays Syncing… while a done stream belongs to a run the core still counts as running', async () => {
    let running = false;
    const api = panelApi(() => [syncEntry({ running })], {
      'sync:start': () => new Promise(() => {}),
    });
    renderPanel(api);
    await fireEvent.click(await screen.findByTestId('sync-now'));
    running = true;
    api.emit('sync:progress', progress({ records: 1000, done: true }));
    const asked = () => api.calls.filter((c) => c.operation === 'sync:status').length;
    const before = asked();
    // The settle step asks again shortly; the core still says running, so the card still says so.
    await waitFor(() => expect(asked()).toBeGreaterThan(before + 1), { timeout: 3000 });
    expect(badge().textContent).toBe('Syncing…');
  });

  it('shows a completeness strip with a legend and a tooltip per day', async () => {
    vi.useFakeTimers({ toFake: ['Date'], now: Date.parse('2026-03-14T12:00:00Z') });
    renderPanel(panelApi(() => [syncEntry()]));
    const days = await screen.findAllByTestId('completeness-day');
    expect(days).toHaveLength(30);
    const last = days.at(-1);
    expect(last?.getAttribute('data-state')).toBe('open');
    // Days are named in the reader's locale, as everywhere else, not as ISO strings.
    expect(last?.getAttribute('title')).toBe(
      `${formatBusinessDate('2026-03-14')}: Open — we hold 21 sales (5554.96 completed); SentryPOS reports 21 (5554.96)`,
    );
    expect(last?.getAttribute('aria-label')).toBe(last?.getAttribute('title'));
    expect(days.at(-2)?.getAttribute('title')).toContain(`${formatBusinessDate('2026-03-13')}: Complete — `);
    expect(days[0]?.getAttribute('title')).toBe(`${formatBusinessDate('2026-02-13')}: Not checked`);
    // The strip's first and last day are written under it; the stream has its plain name.
    expect(screen.getByTestId('completeness-ends').textContent).toBe(
      formatBusinessDate('2026-02-13') + formatBusinessDate('2026-03-14'),
    );
    expect(screen.getByTestId('sync-connection-conn-sentrypos').textContent).toContain('Sales');
    expect(screen.getByTestId('completeness-counts').textContent).toBe(
      '2 synced days: 1 complete · 1 open · 0 partial',
    );
    const legend = screen.getByTestId('completeness-legend');
    for (const word of ['Complete', 'Open', 'Partial', 'Not checked'])
      expect(legend.textContent).toContain(word);
  });

  it('"Sync all" calls sync:start for every connection and disables itself while it runs', async () => {
    let finish: () => void = () => {};
    const api = panelApi(() => [syncEntry()], {
      'sync:start': () =>
        new Promise((resolve) => {
          finish = () => resolve({ ok: true, value: { reports: [] } });
        }),
    });
    renderPanel(api);
    const button = await screen.findByTestId('sync-all');
    await fireEvent.click(button);
    expect(api.calls.find((c) => c.operation === 'sync:start')?.input).toEqual({});
    await waitFor(() => expect(button.hasAttribute('disabled')).toBe(true));
    expect(badge().textContent).toBe('Syncing…');
    // No page has committed yet: one indeterminate bar says the run is under way.
    const starting = screen.getByTestId('sync-progress');
    expect(starting.hasAttribute('aria-valuenow')).toBe(false);
    expect(starting.getAttribute('aria-valuetext')).toBe('waiting for the first page');
    finish();
    await waitFor(() => expect(badge().textContent).toBe('Synced'));
    expect(button.hasAttribute('disabled')).toBe(false);
  });

  it('"Sync now" starts one connection and "Cancel" calls sync:cancel for it', async () => {
    const api = panelApi(() => [syncEntry({ running: true })], {
      'sync:cancel': () => ({ ok: true, value: { cancelled: 1 } }),
    });
    renderPanel(api);
    await fireEvent.click(await screen.findByTestId('sync-cancel'));
    expect(api.calls.find((c) => c.operation === 'sync:cancel')?.input).toEqual({
      connectionIds: ['conn-sentrypos'],
    });
  });

  it('"Sync now" sends the one connection id, and a refused start is shown plainly', async () => {
    const api = panelApi(() => [syncEntry()], {
      'sync:start': () => ({
        ok: false,
        error: { code: 'SYNC_RUNNING', message: 'A sync is already running.' },
      }),
    });
    renderPanel(api);
    await fireEvent.click(await screen.findByTestId('sync-now'));
    expect(api.calls.find((c) => c.operation === 'sync:start')?.input).toEqual({
      connectionIds: ['conn-sentrypos'],
    });
    await waitFor(() => expect(screen.getByTestId('error-notice').textContent).toContain('already running'));
  });

  it('shows the empty state when there are no connections', async () => {
    renderPanel(panelApi(() => []));
    const empty = await screen.findByTestId('sync-empty');
    expect(empty.textContent).toContain('Run npx posrecon demo or add a connection.');
    expect(empty.querySelector('code')?.textContent).toBe('npx posrecon demo');
    expect(screen.queryByTestId('sync-all')).toBeNull();
  });
});

describe('completenessStrips', () => {
  it('ends at today, or at a later day the provider already reported, one strip per stream', () => {
    const day = (stream: string, date: string) =>
      ({ stream, date, state: 'complete', detail: null, checkedAt: '' }) as const;
    const strips = completenessStrips(
      [day('funds', '2026-03-01'), day('fees', '2026-03-03')],
      '2026-03-02',
      3,
    );
    expect(strips.map((s) => s.stream)).toEqual(['fees', 'funds']);
    expect(strips[1]?.days.map((d) => `${d.date}:${d.state}`)).toEqual([
      '2026-03-01:complete',
      '2026-03-02:unchecked',
      '2026-03-03:unchecked',
    ]);
  });
});
