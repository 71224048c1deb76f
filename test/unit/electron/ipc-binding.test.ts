import { describe, expect, it, vi } from 'vitest';
import { IPC_CALL_PREFIX } from '../../../src-main/core/api/bridge.ts';
import { operationNames } from '../../../src-main/core/api/contract.ts';
import { HostStartError } from '../../../src-main/core/host/host-client.ts';
import {
  FORBIDDEN_SENDER,
  bindOperations,
  createHostCall,
  type IpcHandleLike,
  type InvokeEventLike,
} from '../../../src-main/electron/ipc-binding.ts';

type Handler = Parameters<IpcHandleLike['handle']>[1];

function recorder() {
  const handlers = new Map<string, Handler>();
  const ipcMain: IpcHandleLike = { handle: (channel, fn) => void handlers.set(channel, fn) };
  return { ipcMain, handlers };
}

const appFrame: InvokeEventLike = { senderFrame: { url: 'app://posrecon/index.html', parent: null } };

describe('bindOperations', () => {
  it('binds every operation of the contract, each to its own channel', () => {
    const { ipcMain, handlers } = recorder();
    const channels = bindOperations(ipcMain, vi.fn());
    expect(channels).toEqual(operationNames.map((n) => IPC_CALL_PREFIX + n));
    expect([...handlers.keys()]).toEqual(channels);
  });

  it('forwards calls from the app frame to the host, first argument only', async () => {
    const { ipcMain, handlers } = recorder();
    const call = vi.fn(async () => ({ ok: true as const, value: 42 }));
    bindOperations(ipcMain, call);
    const result = await handlers.get(`${IPC_CALL_PREFIX}settings:get`)!(appFrame, { a: 1 }, 'extra');
    expect(result).toEqual({ ok: true, value: 42 });
    expect(call).toHaveBeenCalledWith('settings:get', { a: 1 });
  });

  it.each([
    ['no frame', { senderFrame: null }],
    ['another origin', { senderFrame: { url: 'https://evil.example/', parent: null } }],
    ['a subframe', { senderFrame: { url: 'app://posrecon/index.html', parent: {} } }],
  ])('refuses %s without calling the host', async (_label, event) => {
    const { ipcMain, handlers } = recorder();
    const call = vi.fn();
    const onRefused = vi.fn();
    bindOperations(ipcMain, call, onRefused);
    for (const handler of handlers.values())
      expect(await handler(event as InvokeEventLike, {})).toEqual(FORBIDDEN_SENDER);
    expect(call).not.toHaveBeenCalled();
    expect(onRefused).toHaveBeenCalledTimes(operationNames.length);
  });

  it('turns a thrown error into an ApiResult without details', async () => {
    const { ipcMain, handlers } = recorder();
    bindOperations(ipcMain, async () => {
      throw new Error('secret stack');
    });
    const result = (await handlers.get(`${IPC_CALL_PREFIX}app:info`)!(appFrame, {})) as {
      ok: boolean;
      error: object;
    };
    expect(result.ok).toBe(false);
    expect(JSON.stringify(result)).not.toContain('secret');
  });
});

describe('createHostCall', () => {
  it('waits for the host to be ready before calling', async () => {
    let ready!: () => void;
    const client = {
      ready: new Promise<void>((r) => (ready = r)),
      call: vi.fn(async () => ({ ok: true as const, value: 1 })),
    };
    const pending = createHostCall(client)('app:info', {});
    await Promise.resolve();
    expect(client.call).not.toHaveBeenCalled();
    ready();
    expect(await pending).toEqual({ ok: true, value: 1 });
    expect(client.call).toHaveBeenCalledWith('app:info', {});
  });

  it('answers every call with the start error when the host failed', async () => {
    const body = { code: 'DB_TOO_NEW', message: 'The database is newer than this app.' };
    const ready = Promise.reject(new HostStartError(body));
    ready.catch(() => {});
    const client = { ready, call: vi.fn() };
    expect(await createHostCall(client)('app:info', {})).toEqual({ ok: false, error: body });
    expect(client.call).not.toHaveBeenCalled();
  });
});
