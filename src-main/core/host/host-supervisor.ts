import type { ApiResult } from '../api/contract.ts';
import type { HostClient } from './host-client.ts';

/** What the UI hears about the core process itself (sent as the `host:status` event). */
export interface HostStatus {
  state: 'restarting' | 'ready' | 'failed';
  /** Restarts since the last stable run. */
  attempt: number;
  message: string;
}

export const HOST_STATUS_EVENT = 'host:status';

export interface SupervisorOptions {
  /** Starts a host and resolves when it is ready. */
  start: () => Promise<HostClient>;
  /** Backoff before restart n (1-based); default 250 ms doubling to 10 s. */
  delayMs?: (attempt: number) => number;
  /** Gives up after this many restarts in a row that never became ready. */
  maxAttempts?: number;
  onLog?: (line: string) => void;
}

const STABLE_MS = 60_000;
const defaultDelay = (attempt: number): number => Math.min(250 * 2 ** (attempt - 1), 10_000);

/**
 * Keeps a core host running: when the process dies, calls answer HOST_RESTARTING while a new one is
 * started with backoff, and subscribers hear `host:status` so the UI can say so and then reload.
 */
export class HostSupervisor {
  readonly #o: SupervisorOptions;
  readonly #listeners = new Set<(name: string, payload: unknown) => void>();
  #host: HostClient;
  #attempt = 0;
  #stopped = false;
  #timer: NodeJS.Timeout | null = null;
  #state: HostStatus['state'] = 'ready';

  private constructor(first: HostClient, options: SupervisorOptions) {
    this.#o = options;
    this.#host = first;
    this.#watch(first);
  }

  static async start(options: SupervisorOptions): Promise<HostSupervisor> {
    return new HostSupervisor(await options.start(), options);
  }

  get host(): HostClient {
    return this.#host;
  }

  call(operation: string, input: unknown): Promise<ApiResult<unknown>> {
    if (this.#state !== 'ready') {
      const message =
        this.#state === 'failed'
          ? 'The core process keeps stopping; restart posrecon.'
          : 'The core process stopped and is being restarted; try again in a moment.';
      return Promise.resolve({ ok: false, error: { code: 'HOST_RESTARTING', message } });
    }
    return this.#host.call(operation, input);
  }

  onEvent(listener: (name: string, payload: unknown) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  async shutdown(): Promise<void> {
    this.#stopped = true;
    if (this.#timer) clearTimeout(this.#timer);
    await this.#host.shutdown();
  }

  #emit(status: HostStatus): void {
    this.#state = status.state;
    for (const l of this.#listeners) l(HOST_STATUS_EVENT, status);
  }

  #watch(host: HostClient): void {
    const startedAt = Date.now();
    host.onEvent((name, payload) => {
      for (const l of this.#listeners) l(name, payload);
    });
    host.onExit((code) => {
      if (this.#stopped || host !== this.#host) return;
      // A host that ran a good while before dying starts the backoff afresh; a crash loop does not.
      if (Date.now() - startedAt > STABLE_MS) this.#attempt = 0;
      this.#o.onLog?.(`posrecon: the core process exited (code ${code}); restarting it`);
      this.#scheduleRestart();
    });
  }

  #scheduleRestart(): void {
    this.#attempt++;
    if (this.#attempt > (this.#o.maxAttempts ?? 8)) {
      this.#emit({
        state: 'failed',
        attempt: this.#attempt - 1,
        message: 'The core process keeps stopping.',
      });
      return;
    }
    this.#emit({ state: 'restarting', attempt: this.#attempt, message: 'The core process stopped.' });
    const delay = (this.#o.delayMs ?? defaultDelay)(this.#attempt);
    this.#timer = setTimeout(() => {
      this.#o.start().then(
        (host) => {
          if (this.#stopped) return void host.shutdown();
          this.#host = host;
          this.#watch(host);
          this.#emit({ state: 'ready', attempt: 0, message: 'The core process was restarted.' });
        },
        () => this.#scheduleRestart(),
      );
    }, delay);
  }
}
