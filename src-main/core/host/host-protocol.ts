import type { ApiErrorBody, ApiResult } from '../api/contract.ts';

/** Messages between a transport and the core host process (Node child process or Electron utilityProcess). */
export type ToHost = { type: 'call'; id: number; operation: string; input: unknown } | { type: 'shutdown' };

export type FromHost =
  | { type: 'ready'; home: string }
  | { type: 'fatal'; error: ApiErrorBody }
  | { type: 'result'; id: number; result: ApiResult<unknown> }
  | { type: 'event'; name: string; payload: unknown };

/** The minimum a process channel must offer; both Node's IPC and Electron's MessagePort fit it. */
export interface HostChannel {
  post(message: ToHost): void;
  onMessage(listener: (message: FromHost) => void): void;
  onExit(listener: (code: number | null) => void): void;
  kill(): void;
  /** The OS process id, where the channel has one (tests use it to kill the host). */
  readonly pid?: number;
}
