import { describe, expect, it, vi } from 'vitest';
import { IPC_CALL_PREFIX, IPC_EVENT_CHANNEL } from '../../../src-main/core/api/bridge.ts';
import { operationNames } from '../../../src-main/core/api/contract.ts';
import { createBridge, type IpcPort } from '../../../src-main/electron/preload-bridge.ts';

type Listener = (event: unknown, ...args: unknown[]) => void;

function fakeIpc() {
  const listeners = new Map<string, Set<Listener>>();
  const ipc = {
    invoke: vi.fn(async (channel: string, ...args: unknown[]) => ({ ok: true, value: { channel, args } })),
    on: vi.fn((channel: string, l: Listener) => {
      if (!listeners.has(channel)) listeners.set(channel, new Set());
      listeners.get(channel)!.add(l);
    }),
    off: vi.fn((channel: string, l: Listener) => listeners.get(channel)?.delete(l)),
  } satisfies IpcPort;
  const emit = (channel: string, event: unknown, ...args: unknown[]) => {
    for (const l of listeners.get(channel) ?? []) l(event, ...args);
  };
  return { ipc, emit, listeners };
}

/** Every value reachable from the bridge, to prove nothing but our closures is in there. */
function reachable(value: unknown, seen = new Set<unknown>()): unknown[] {
  if ((typeof value !== 'object' && typeof value !== 'function') || value === null || seen.has(value))
    return [];
  seen.add(value);
  const out: unknown[] = [value];
  for (const key of Reflect.ownKeys(value)) {
    if (typeof value === 'function' && ['prototype', 'length', 'name'].includes(String(key))) continue;
    out.push(...reachable((value as Record<PropertyKey, unknown>)[key], seen));
  }
  return out;
}

describe('createBridge', () => {
  it('exposes exactly api (one function per operation) and onEvent', () => {
    const { ipc } = fakeIpc();
    const bridge = createBridge(ipc);
    expect(Reflect.ownKeys(bridge).sort()).toEqual(['api', 'onEvent']);
    expect(Reflect.ownKeys(bridge.api).sort()).toEqual([...operationNames].sort());
    for (const fn of Object.values(bridge.api)) expect(typeof fn).toBe('function');
    expect(typeof bridge.onEvent).toBe('function');
    expect(Object.isFrozen(bridge)).toBe(true);
    expect(Object.isFrozen(bridge.api)).toBe(true);
  });

  it('leaks neither the ipc object nor its methods', () => {
    const { ipc } = fakeIpc();
    const all = reachable(createBridge(ipc));
    for (const secret of [ipc, ipc.invoke, ipc.on, ipc.off]) expect(all).not.toContain(secret);
    // Only plain objects and our own functions; no class instances slipped in.
    for (const v of all) {
      if (typeof v === 'object') expect([Object.prototype, null]).toContain(Object.getPrototypeOf(v));
    }
  });

  it('invokes one channel per operation with the input only', async () => {
    const { ipc } = fakeIpc();
    const bridge = createBridge(ipc);
    const input = { limit: 5 };
    await bridge.api['transactions:list'](input);
    expect(ipc.invoke).toHaveBeenCalledWith(`${IPC_CALL_PREFIX}transactions:list`, input);
    for (const name of operationNames) {
      // A page passing extra arguments must not get them through to main.
      await (bridge.api[name] as (...args: unknown[]) => Promise<unknown>)({}, 'extra');
      expect(ipc.invoke).toHaveBeenLastCalledWith(IPC_CALL_PREFIX + name, {});
    }
  });

  it('hands listeners the event name and payload, never the IpcRendererEvent', () => {
    const { ipc, emit } = fakeIpc();
    const bridge = createBridge(ipc);
    const listener = vi.fn();
    bridge.onEvent(listener);
    const rawEvent = { sender: ipc, ports: [] };
    emit(IPC_EVENT_CHANNEL, rawEvent, 'sync:progress', { pages: 1 });
    expect(listener).toHaveBeenCalledTimes(1);
    expect(listener.mock.calls[0]).toEqual(['sync:progress', { pages: 1 }]);
    expect(listener.mock.calls[0]).not.toContain(rawEvent);
    expect(listener.mock.contexts[0]).not.toBe(rawEvent);
    expect(ipc.on).toHaveBeenCalledWith(IPC_EVENT_CHANNEL, expect.any(Function));
  });

  it('returns an unsubscribe that removes exactly its own listener, once', () => {
    const { ipc, emit, listeners } = fakeIpc();
    const bridge = createBridge(ipc);
    const a = vi.fn();
    const b = vi.fn();
    const offA = bridge.onEvent(a);
    bridge.onEvent(b);
    offA();
    offA();
    emit(IPC_EVENT_CHANNEL, {}, 'settings:changed', {});
    expect(a).not.toHaveBeenCalled();
    expect(b).toHaveBeenCalledTimes(1);
    expect(ipc.off).toHaveBeenCalledTimes(1);
    expect(listeners.get(IPC_EVENT_CHANNEL)?.size).toBe(1);
  });

  it('rejects a non-function listener', () => {
    const { ipc } = fakeIpc();
    expect(() => createBridge(ipc).onEvent('x' as never)).toThrow(TypeError);
  });
});
