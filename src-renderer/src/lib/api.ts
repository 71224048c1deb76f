import type {
  ApiErrorBody,
  ApiResult,
  EventName,
  EventPayload,
  OperationInput,
  OperationName,
  OperationOutput,
} from '../../../src-main/core/api/contract.ts';
import type { PosreconBridge } from '../../../src-main/core/api/bridge.ts';

export type { ApiErrorBody, ApiResult };

declare global {
  interface Window {
    /** Present only inside the Electron shell, put there by the preload. */
    posrecon?: PosreconBridge;
  }
}

/** Error codes the client produces itself, for failures that never reached a handler. */
export const CLIENT_ERRORS = {
  network: 'NETWORK',
  sessionExpired: 'SESSION_EXPIRED',
  badResponse: 'BAD_RESPONSE',
} as const;

export const SESSION_EXPIRED_MESSAGE =
  "This page's session has expired: open the URL printed by `posrecon serve` again.";

/**
 * Typed by hand because the renderer may import only types from src-main; the checks below fail the
 * build if this list and the contract's `events` ever drift apart.
 */
export const EVENT_NAMES = [
  'settings:changed',
  'sync:progress',
  'reconcile:progress',
  'reconcile:changed',
  'export:progress',
] as const satisfies readonly EventName[];
type MissingEventNames = Exclude<EventName, (typeof EVENT_NAMES)[number]>;
const _allEventsListed: [MissingEventNames] extends [never] ? true : MissingEventNames = true;

export type CallResult<N extends OperationName> = ApiResult<OperationOutput<N>>;
export type EventListener = (name: EventName, payload: unknown) => void;

export interface ApiClient {
  readonly transport: 'electron' | 'http';
  /** Never throws: API errors, network failures and an expired session all come back as `ok: false`. */
  call<N extends OperationName>(operation: N, input: OperationInput<N>): Promise<CallResult<N>>;
  /** Every event the core pushes. Returns the unsubscribe function. */
  subscribe(listener: EventListener): () => void;
  on<E extends EventName>(name: E, listener: (payload: EventPayload<E>) => void): () => void;
  /** Browser mode only: called once the server says the page's token is no longer valid. */
  onSessionExpired(listener: () => void): () => void;
}

export interface ApiClientOptions {
  /** Defaults to `window.posrecon`; when there is none the client talks HTTP to the page's origin. */
  bridge?: PosreconBridge | null;
  fetch?: typeof fetch;
  EventSource?: typeof EventSource;
}

export function failure(
  code: string,
  message: string,
  details?: unknown,
): { ok: false; error: ApiErrorBody } {
  return { ok: false, error: details === undefined ? { code, message } : { code, message, details } };
}

function isApiResult(value: unknown): value is ApiResult<unknown> {
  if (typeof value !== 'object' || value === null || !('ok' in value)) return false;
  if (value.ok === true) return 'value' in value;
  if (value.ok !== false || !('error' in value)) return false;
  const error = value.error;
  return (
    typeof error === 'object' &&
    error !== null &&
    'code' in error &&
    typeof error.code === 'string' &&
    'message' in error &&
    typeof error.message === 'string'
  );
}

function describe(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/** Fan-out shared by both transports, so `on`/`subscribe` behave the same in Electron and browser mode. */
class Listeners<T extends unknown[]> {
  #set = new Set<(...args: T) => void>();
  get size(): number {
    return this.#set.size;
  }
  add(listener: (...args: T) => void): () => void {
    this.#set.add(listener);
    return () => this.#set.delete(listener);
  }
  emit(...args: T): void {
    for (const listener of [...this.#set]) listener(...args);
  }
}

export function createApiClient(options: ApiClientOptions = {}): ApiClient {
  const bridge = options.bridge === undefined ? globalThis.window?.posrecon : options.bridge;
  const events = new Listeners<[EventName, unknown]>();
  const expired = new Listeners<[]>();

  const subscribe = bridge ? bridgeEvents(bridge, events) : sseEvents(options, events);
  const call = bridge ? bridgeCall(bridge) : httpCall(options, () => expired.emit());

  return {
    transport: bridge ? 'electron' : 'http',
    call,
    subscribe,
    on(name, listener) {
      return subscribe((eventName, payload) => {
        // The core validates every payload against the contract before emitting it.
        if (eventName === name) listener(payload as EventPayload<typeof name>);
      });
    },
    onSessionExpired: (listener) => expired.add(listener),
  };
}

function bridgeCall(bridge: PosreconBridge): ApiClient['call'] {
  return async (operation, input) => {
    try {
      const result: unknown = await bridge.api[operation](input);
      if (isApiResult(result)) return result as CallResult<typeof operation>;
      return failure(CLIENT_ERRORS.badResponse, `posrecon gave an unreadable answer to ${operation}.`);
    } catch (err) {
      return failure(CLIENT_ERRORS.network, `Could not reach the posrecon core: ${describe(err)}`);
    }
  };
}

function httpCall(options: ApiClientOptions, sessionExpired: () => void): ApiClient['call'] {
  return async (operation, input) => {
    const fetchFn = options.fetch ?? globalThis.fetch;
    let response: Response;
    try {
      response = await fetchFn(`/api/call/${operation}`, {
        method: 'POST',
        credentials: 'same-origin',
        headers: { 'content-type': 'application/json', accept: 'application/json' },
        body: JSON.stringify(input ?? {}),
      });
    } catch (err) {
      return failure(
        CLIENT_ERRORS.network,
        `Could not reach posrecon (${describe(err)}). Is \`posrecon serve\` still running?`,
      );
    }
    if (response.status === 401) {
      sessionExpired();
      return failure(CLIENT_ERRORS.sessionExpired, SESSION_EXPIRED_MESSAGE);
    }
    let body: unknown;
    try {
      body = await response.json();
    } catch {
      body = undefined;
    }
    // The server answers every call with an ApiResult, whatever the HTTP status.
    if (isApiResult(body)) return body as CallResult<typeof operation>;
    return failure(
      CLIENT_ERRORS.badResponse,
      `posrecon answered ${operation} with HTTP ${response.status} and no readable result.`,
    );
  };
}

function bridgeEvents(bridge: PosreconBridge, events: Listeners<[EventName, unknown]>) {
  let unsubscribeBridge: (() => void) | null = null;
  return (listener: EventListener): (() => void) => {
    const remove = events.add(listener);
    unsubscribeBridge ??= bridge.onEvent((name, payload) => events.emit(name, payload));
    return () => {
      remove();
      if (events.size === 0 && unsubscribeBridge) {
        unsubscribeBridge();
        unsubscribeBridge = null;
      }
    };
  };
}

/** One EventSource for the page, opened with the first listener and closed after the last. */
function sseEvents(options: ApiClientOptions, events: Listeners<[EventName, unknown]>) {
  let source: EventSource | null = null;
  const open = () => {
    const Source = options.EventSource ?? globalThis.EventSource;
    if (!Source) return null;
    const es = new Source('/api/events');
    for (const name of EVENT_NAMES) {
      es.addEventListener(name, (event) => {
        let payload: unknown;
        try {
          payload = JSON.parse((event as MessageEvent<string>).data);
        } catch {
          return; // A garbled frame is dropped; the next state change sends a whole payload again.
        }
        events.emit(name, payload);
      });
    }
    return es;
  };
  return (listener: EventListener): (() => void) => {
    const remove = events.add(listener);
    source ??= open();
    return () => {
      remove();
      if (events.size === 0 && source) {
        source.close();
        source = null;
      }
    };
  };
}
