import type { ApiResult, EventName, OperationInput, OperationName, OperationOutput } from './contract.ts';

/**
 * What the Electron preload exposes as `window.posrecon`: one function per operation and an event
 * subscription whose listener receives only the event's name and payload (never an IpcRendererEvent).
 */
export type PosreconBridge = {
  api: { [N in OperationName]: (input: OperationInput<N>) => Promise<ApiResult<OperationOutput<N>>> };
  onEvent(listener: (name: EventName, payload: unknown) => void): () => void;
};

/** IPC channel names, shared by preload and main so they cannot drift apart. */
export const IPC_CALL_PREFIX = 'posrecon:call:';
export const IPC_EVENT_CHANNEL = 'posrecon:event';
