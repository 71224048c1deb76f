import { describe, expect, it } from 'vitest';
import { createCore } from '../../../src-main/core/core.ts';
import { addConnection } from '../../../src-main/core/store/mutations/connections.ts';
import { useTempHome } from '../../support/temp-home.ts';
import { canonical, fakeConnector, ok } from './fake-connector.ts';

const tempHome = useTempHome();

describe('sync operations through the contract', () => {
  it('lists connections, syncs, reports status and streams validated progress events', async () => {
    let release: () => void = () => {};
    const gate = new Promise<void>((resolve) => (release = resolve));
    let atGate: () => void = () => {};
    const reachedGate = new Promise<void>((resolve) => (atGate = resolve));
    const connector = fakeConnector({
      pages: (cid) => [[ok(canonical(cid, 'a'))], [ok(canonical(cid, 'b'))]],
      // Holds the run between pages so the test can look at it while it is running.
      beforePage: (i) => {
        if (i !== 1) return;
        atGate();
        return gate;
      },
    });
    const core = await createCore({
      home: tempHome(),
      connectors: [connector],
      secrets: async () => ({ apiKey: 'k' }),
    });
    const conn = addConnection(core.store.db, { provider: 'tgi', name: 'Till', config: {} }, 'test');
    const events: unknown[] = [];
    core.events.subscribe((name, payload) => name === 'sync:progress' && events.push(payload));

    expect(await core.dispatch('connections:list', {})).toMatchObject({
      ok: true,
      value: { connections: [{ id: conn.id, provider: 'tgi', name: 'Till', isDemo: false }] },
    });
    expect(await core.dispatch('sync:start', { since: 'March' })).toMatchObject({
      ok: false,
      error: { code: 'BAD_INPUT' },
    });

    const running = core.dispatch('sync:start', {});
    await reachedGate;
    const during = await core.dispatch('sync:status', {});
    expect(during).toMatchObject({ ok: true, value: { connections: [{ running: true, lastSyncAt: null }] } });
    expect(await core.dispatch('sync:start', { connectionIds: [conn.id] })).toMatchObject({
      ok: false,
      error: { code: 'SYNC_RUNNING', message: 'A sync of Till is already running.' },
    });
    release();
    const done = await running;
    expect(done).toMatchObject({
      ok: true,
      value: { reports: [{ status: 'ok', inserted: 2, connectionName: 'Till' }] },
    });

    const status = await core.dispatch('sync:status', {});
    expect(status).toMatchObject({
      ok: true,
      value: {
        connections: [
          {
            running: false,
            lastStatus: 'ok',
            error: null,
            quarantined: 0,
            nextSyncAt: null,
            days: { complete: 1, open: 1, partial: 0 },
            completeness: [
              { date: '2024-03-02', state: 'open' },
              { date: '2024-03-01', state: 'complete' },
            ],
          },
        ],
      },
    });
    expect(events.at(-1)).toMatchObject({
      connectionName: 'Till',
      stream: 'sales',
      pages: 2,
      records: 2,
      done: true,
    });
    expect(await core.dispatch('sync:start', { connectionIds: ['nope'] })).toMatchObject({
      ok: false,
      error: { code: 'NOT_FOUND' },
    });
    core.close();
  });

  it('sync:cancel stops a running sync after its current page', async () => {
    let atSecondPage: () => void = () => {};
    const reached = new Promise<void>((resolve) => (atSecondPage = resolve));
    let resume: () => void = () => {};
    const cancelled = new Promise<void>((resolve) => (resume = resolve));
    const connector = fakeConnector({
      pages: (cid) => [[ok(canonical(cid, 'a'))], [ok(canonical(cid, 'b'))], [ok(canonical(cid, 'c'))]],
      // Hold the connector before page 1 until the cancel has been requested.
      beforePage: (i) => {
        if (i !== 1) return;
        atSecondPage();
        return cancelled;
      },
    });
    const core = await createCore({ home: tempHome(), connectors: [connector], secrets: async () => ({}) });
    addConnection(core.store.db, { provider: 'tgi', name: 'Till', config: {} }, 'test');
    const running = core.dispatch('sync:start', {});
    await reached;
    expect(await core.dispatch('sync:cancel', {})).toEqual({ ok: true, value: { cancelled: 1 } });
    resume();
    const result = await running;
    expect(result).toMatchObject({
      ok: true,
      value: { reports: [{ status: 'cancelled', pages: 1, inserted: 1 }] },
    });
    expect(await core.dispatch('sync:cancel', {})).toEqual({ ok: true, value: { cancelled: 0 } });
    core.close();
  });
});
