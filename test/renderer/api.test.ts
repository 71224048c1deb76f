import { afterEach, describe, expect, it, vi } from 'vitest';
import type { PosreconBridge } from '../../src-main/core/api/bridge.ts';
import type { EventName } from '../../src-main/core/api/contract.ts';
import { OPERATION_NAMES } from '../../src-main/core/api/operation-names.ts';
import { EVENT_NAMES, SESSION_EXPIRED_MESSAGE, createApiClient } from '../../src-renderer/src/lib/api.ts';
import { DEMO_SETTINGS } from './fake-api.ts';

function jsonResponse(body: unknown, status = 200): Response {
  return new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });
}

type BridgeListener = (name: EventName, payload: unknown) => void;

function fakeBridge(): PosreconBridge & { listeners: BridgeListener[] } {
  const listeners: BridgeListener[] = [];
  return {
    listeners,
    // One mock per operation, as the preload exposes; only settings:get answers anything here.
    api: {
      ...(Object.fromEntries(
        OPERATION_NAMES.map((name) => [name, vi.fn()]),
      ) as unknown as PosreconBridge['api']),
      'settings:get': vi.fn(async () => ({ ok: true as const, value: DEMO_SETTINGS })),
    },
    onEvent(listener) {
      listeners.push(listener);
      return () => listeners.splice(listeners.indexOf(listener), 1);
    },
  };
}

afterEach(() => {
  delete window.posrecon;
  vi.unstubAllGlobals();
});

describe('transport choice', () => {
  it('uses window.posrecon when the Electron preload put it there', async () => {
    const bridge = fakeBridge();
    window.posrecon = bridge;
    const fetchSpy = vi.fn();
    vi.stubGlobal('fetch', fetchSpy);

    const api = createApiClient();
    expect(api.transport).toBe('electron');
    expect(await api.call('settings:get', {})).toEqual({ ok: true, value: DEMO_SETTINGS });
    expect(bridge.api['settings:get']).toHaveBeenCalledWith({});
    expect(fetchSpy).not.toHaveBeenCalled();
  });

  it('posts JSON to /api/call/<operation> with the session cookie when there is no bridge', async () => {
    const fetchSpy = vi.fn(async () => jsonResponse({ ok: true, value: DEMO_SETTINGS }));
    vi.stubGlobal('fetch', fetchSpy);

    const api = createApiClient();
    expect(api.transport).toBe('http');
    const result = await api.call('settings:set', { shopName: 'Fjordkaffe Bryggen' });
    expect(result).toEqual({ ok: true, value: DEMO_SETTINGS });
    expect(fetchSpy).toHaveBeenCalledWith(
      '/api/call/settings:set',
      expect.objectContaining({
        method: 'POST',
        credentials: 'same-origin',
        body: JSON.stringify({ shopName: 'Fjordkaffe Bryggen' }),
      }),
    );
  });
});

describe('HTTP failures come back as results, never as exceptions', () => {
  it('passes an API error through whatever the HTTP status', async () => {
    const error = { code: 'BAD_INPUT', message: 'bad', details: { formErrors: [], fieldErrors: {} } };
    vi.stubGlobal('fetch', async () => jsonResponse({ ok: false, error }, 400));
    expect(await createApiClient().call('settings:set', {})).toEqual({ ok: false, error });
  });

  it('turns a 401 into SESSION_EXPIRED with a message that says what to do, and tells listeners', async () => {
    vi.stubGlobal(
      'fetch',
      async () => new Response('posrecon: Missing or wrong session token.', { status: 401 }),
    );
    const api = createApiClient();
    const expired = vi.fn();
    api.onSessionExpired(expired);

    const result = await api.call('app:info', {});
    expect(result).toEqual({
      ok: false,
      error: { code: 'SESSION_EXPIRED', message: SESSION_EXPIRED_MESSAGE },
    });
    expect(SESSION_EXPIRED_MESSAGE).toContain('posrecon serve');
    expect(expired).toHaveBeenCalledOnce();
  });

  it('turns a network failure into NETWORK', async () => {
    vi.stubGlobal('fetch', async () => {
      throw new TypeError('Failed to fetch');
    });
    const result = await createApiClient().call('app:info', {});
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(result.error.code).toBe('NETWORK');
      expect(result.error.message).toContain('Failed to fetch');
    }
  });

  it('turns a body that is not an ApiResult into BAD_RESPONSE', async () => {
    vi.stubGlobal('fetch', async () => new Response('<html>proxy error</html>', { status: 502 }));
    const result = await createApiClient().call('app:info', {});
    expect(result.ok ? null : result.error.code).toBe('BAD_RESPONSE');
  });

  it('turns a rejected bridge call into NETWORK', async () => {
    const bridge = fakeBridge();
    bridge.api['app:info'] = vi.fn(async () => {
      throw new Error('IPC channel closed');
    });
    const result = await createApiClient({ bridge }).call('app:info', {});
    expect(result.ok ? null : result.error.code).toBe('NETWORK');
  });
});

describe('events', () => {
  it('relays bridge events and unsubscribes from the bridge after the last listener', () => {
    const bridge = fakeBridge();
    const api = createApiClient({ bridge });
    const onSettings = vi.fn();
    const stop = api.on('settings:changed', onSettings);

    bridge.listeners[0]?.('sync:progress', { pages: 1 });
    bridge.listeners[0]?.('settings:changed', DEMO_SETTINGS);
    expect(onSettings).toHaveBeenCalledExactlyOnceWith(DEMO_SETTINGS);

    stop();
    expect(bridge.listeners).toHaveLength(0);
  });

  it('opens one EventSource on /api/events with a listener per contract event, and closes it', () => {
    const sources: FakeEventSource[] = [];
    class FakeEventSource extends EventTarget {
      closed = false;
      constructor(readonly url: string) {
        super();
        sources.push(this);
      }
      close() {
        this.closed = true;
      }
    }
    const api = createApiClient({
      bridge: null,
      EventSource: FakeEventSource as unknown as typeof EventSource,
    });
    const all = vi.fn();
    const stopAll = api.subscribe(all);
    const onSettings = vi.fn();
    const stopSettings = api.on('settings:changed', onSettings);
    expect(sources).toHaveLength(1);
    expect(sources[0]?.url).toBe('/api/events');

    const source = sources[0]!;
    for (const name of EVENT_NAMES) {
      source.dispatchEvent(new MessageEvent(name, { data: JSON.stringify({ from: name }) }));
    }
    source.dispatchEvent(new MessageEvent('settings:changed', { data: 'not json' }));
    expect(all).toHaveBeenCalledTimes(EVENT_NAMES.length);
    expect(onSettings).toHaveBeenCalledExactlyOnceWith({ from: 'settings:changed' });

    stopAll();
    expect(source.closed).toBe(false);
    stopSettings();
    expect(source.closed).toBe(true);
  });
});
