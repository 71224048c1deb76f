import type { ApiResult } from '../core/api/contract.ts';
import { HostStartError } from '../core/host/host-client.ts';
import { OPERATION_NAMES } from '../core/api/operation-names.ts';
import { IPC_CALL_PREFIX } from '../core/api/bridge.ts';
import { checkInputValue } from '../core/api/input-limits.ts';
import { isTrustedSender, type SenderFrameLike } from './sender-check.ts';

export type HostCall = (operation: string, input: unknown) => Promise<ApiResult<unknown>>;

/** What a handler needs from Electron's IpcMainInvokeEvent. */
export interface InvokeEventLike {
  readonly senderFrame: SenderFrameLike | null;
}

/** The `ipcMain.handle` shape; a test passes a recorder. */
export interface IpcHandleLike {
  handle(channel: string, listener: (event: InvokeEventLike, ...args: unknown[]) => Promise<unknown>): void;
}

export const FORBIDDEN_SENDER: ApiResult<never> = {
  ok: false,
  error: { code: 'FORBIDDEN', message: 'This call did not come from the posrecon window.' },
};

/**
 * The one wrapper every operation goes through on the Electron side: the sender frame is checked
 * here, then the call goes to the core host, whose dispatcher validates input and output. Always
 * resolves to an ApiResult, so the renderer never sees a rejected invoke carrying main's stack.
 */
export function bindOperations(
  ipcMain: IpcHandleLike,
  call: HostCall,
  onRefused: (operation: string, frameUrl: string | undefined) => void = () => {},
): string[] {
  const channels: string[] = [];
  for (const name of OPERATION_NAMES) {
    const channel = IPC_CALL_PREFIX + name;
    ipcMain.handle(channel, async (event, ...args) => {
      if (!isTrustedSender(event.senderFrame)) {
        onRefused(name, event.senderFrame?.url);
        return FORBIDDEN_SENDER;
      }
      // Bounded before it is cloned again towards the core host, whose serialiser would overflow.
      const problem = checkInputValue(args[0]);
      if (problem) return { ok: false, error: problem };
      try {
        return await call(name, args[0]);
      } catch {
        return { ok: false, error: { code: 'INTERNAL', message: `Could not reach the core for ${name}.` } };
      }
    });
    channels.push(channel);
  }
  return channels;
}

/** Holds calls until the host is ready, and turns a failed start into an ApiResult for every call. */
export function createHostCall(client: {
  ready: Promise<unknown>;
  call(operation: string, input: unknown): Promise<ApiResult<unknown>>;
}): HostCall {
  return async (operation, input) => {
    try {
      await client.ready;
    } catch (err) {
      const error =
        err instanceof HostStartError
          ? err.body
          : { code: 'HOST_START_FAILED', message: 'The core process could not start.' };
      return { ok: false, error };
    }
    return client.call(operation, input);
  };
}
