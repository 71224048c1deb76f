import type { ApiErrorBody, ApiResult } from '../api/contract.ts';
import { checkInputValue } from '../api/input-limits.ts';
import type { FromHost, HostChannel } from './host-protocol.ts';

export class HostStartError extends Error {
  readonly body: ApiErrorBody;
  constructor(body: ApiErrorBody) {
    super(body.message);
    this.name = 'HostStartError';
    this.body = body;
  }
}

/**
 * Talks to the core running in another process, so long work (sync, exports) never blocks the thread
 * serving the UI. Calls are matched to results by id; events are fanned out to subscribers.
 */
export class HostClient {
  readonly #channel: HostChannel;
  readonly #pending = new Map<number, (result: ApiResult<unknown>) => void>();
  readonly #eventListeners = new Set<(name: string, payload: unknown) => void>();
  #nextId = 1;
  #exited = false;
  readonly ready: Promise<{ home: string }>;

  constructor(channel: HostChannel) {
    this.#channel = channel;
    let resolveReady!: (v: { home: string }) => void;
    let rejectReady!: (e: Error) => void;
    this.ready = new Promise((res, rej) => ((resolveReady = res), (rejectReady = rej)));
    channel.onMessage((msg: FromHost) => {
      switch (msg.type) {
        case 'ready':
          return resolveReady({ home: msg.home });
        case 'fatal':
          return rejectReady(new HostStartError(msg.error));
        case 'result': {
          const done = this.#pending.get(msg.id);
          this.#pending.delete(msg.id);
          return done?.(msg.result);
        }
        case 'event':
          for (const l of this.#eventListeners) l(msg.name, msg.payload);
      }
    });
    channel.onExit((code) => {
      this.#exited = true;
      rejectReady(
        new HostStartError({ code: 'HOST_EXITED', message: `The core process exited (code ${code}).` }),
      );
      const error = { code: 'HOST_EXITED', message: 'The core process stopped; restart posrecon.' };
      for (const done of this.#pending.values()) done({ ok: false, error });
      this.#pending.clear();
    });
  }

  get pid(): number | undefined {
    return this.#channel.pid;
  }

  get exited(): boolean {
    return this.#exited;
  }

  /** Tells a supervisor the process is gone, so it can start another. */
  onExit(listener: (code: number | null) => void): void {
    this.#channel.onExit(listener);
  }

  call(operation: string, input: unknown): Promise<ApiResult<unknown>> {
    if (this.#exited) {
      return Promise.resolve({
        ok: false,
        error: { code: 'HOST_EXITED', message: 'The core process stopped.' },
      });
    }
    // Checked here, on this side of the channel: serialising a hostile value is what overflows.
    const problem = checkInputValue(input);
    if (problem) return Promise.resolve({ ok: false, error: problem });
    const id = this.#nextId++;
    return new Promise((resolve) => {
      this.#pending.set(id, resolve);
      try {
        this.#channel.post({ type: 'call', id, operation, input });
      } catch (err) {
        this.#pending.delete(id);
        const message = `Could not reach the core process: ${(err as Error).message}`;
        resolve({ ok: false, error: { code: 'HOST_EXITED', message } });
      }
    });
  }

  onEvent(listener: (name: string, payload: unknown) => void): () => void {
    this.#eventListeners.add(listener);
    return () => this.#eventListeners.delete(listener);
  }

  async shutdown(): Promise<void> {
    if (this.#exited) return;
    const exited = new Promise<void>((res) => this.#channel.onExit(() => res()));
    this.#channel.post({ type: 'shutdown' });
    const timer = setTimeout(() => this.#channel.kill(), 5000);
    await exited;
    clearTimeout(timer);
  }
}
