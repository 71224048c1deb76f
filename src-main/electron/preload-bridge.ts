import { IPC_CALL_PREFIX, IPC_EVENT_CHANNEL, type PosreconBridge } from '../core/api/bridge.ts';
import type { EventName } from '../core/api/contract.ts';
import { OPERATION_NAMES } from '../core/api/operation-names.ts';

type IpcListener = (event: unknown, ...args: unknown[]) => void;

/** The three `ipcRenderer` methods the bridge uses; a test passes fakes. */
export interface IpcPort {
  invoke(channel: string, ...args: unknown[]): Promise<unknown>;
  on(channel: string, listener: IpcListener): unknown;
  off(channel: string, listener: IpcListener): unknown;
}

/**
 * Builds `window.posrecon`. Every value in it is a closure over `ipc`, never `ipc` itself, and event
 * listeners get the name and payload only: handing out the IpcRendererEvent would give the page
 * `event.sender`, i.e. ipcRenderer and every channel.
 */
export function createBridge(ipc: IpcPort): PosreconBridge {
  const api: Record<string, (input: unknown) => Promise<unknown>> = {};
  for (const name of OPERATION_NAMES) {
    const channel = IPC_CALL_PREFIX + name;
    api[name] = (input: unknown) => ipc.invoke(channel, input);
  }

  const onEvent = (listener: (name: EventName, payload: unknown) => void): (() => void) => {
    if (typeof listener !== 'function') throw new TypeError('posrecon.onEvent needs a function');
    const handler: IpcListener = (_event, name, payload) => listener(name as EventName, payload);
    ipc.on(IPC_EVENT_CHANNEL, handler);
    let subscribed = true;
    return () => {
      if (!subscribed) return;
      subscribed = false;
      ipc.off(IPC_EVENT_CHANNEL, handler);
    };
  };

  return Object.freeze({
    api: Object.freeze(api) as PosreconBridge['api'],
    onEvent,
  });
}
