import type {
  EventName,
  OperationInput,
  OperationName,
  OperationOutput,
} from '../../src-main/core/api/contract.ts';
import { DEFAULT_RECONCILE_SETTINGS } from '../../src-main/core/reconcile/reconcile-settings.ts';
import type { SyncStatusEntry, TransactionSummary } from '../../src-main/core/api/schemas.ts';
import type { ApiClient, CallResult, EventListener } from '../../src-renderer/src/lib/api.ts';

export type FakeHandlers = {
  [N in OperationName]?: (input: OperationInput<N>) => CallResult<N> | Promise<CallResult<N>>;
};

export interface FakeApi extends ApiClient {
  calls: { operation: OperationName; input: unknown }[];
  emit(name: EventName, payload: unknown): void;
  expireSession(): void;
}

/** An ApiClient whose operations answer from `handlers`; an unlisted operation fails like the core would. */
export function fakeApi(handlers: FakeHandlers): FakeApi {
  const listeners = new Set<EventListener>();
  const expired = new Set<() => void>();
  const calls: FakeApi['calls'] = [];
  return {
    transport: 'http',
    calls,
    async call<N extends OperationName>(operation: N, input: OperationInput<N>): Promise<CallResult<N>> {
      calls.push({ operation, input });
      const handler = handlers[operation] as ((input: OperationInput<N>) => CallResult<N>) | undefined;
      if (!handler)
        return { ok: false, error: { code: 'UNKNOWN_OPERATION', message: `No fake for ${operation}` } };
      return handler(input);
    },
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    on(name, listener) {
      return this.subscribe((eventName, payload) => {
        if (eventName === name) (listener as (payload: unknown) => void)(payload);
      });
    },
    onSessionExpired(listener) {
      expired.add(listener);
      return () => expired.delete(listener);
    },
    emit(name, payload) {
      for (const listener of listeners) listener(name, payload);
    },
    expireSession() {
      for (const listener of expired) listener();
    },
  };
}

export const DEMO_SETTINGS: OperationOutput<'settings:get'> = {
  shopName: 'Fjordkaffe Bryggen',
  timeZone: 'Europe/Oslo',
  currency: 'NOK',
};

/** The core's defaults with one rate in the table. */
export const DEMO_MATCHING: OperationOutput<'reconcile:settings'> = {
  ...DEFAULT_RECONCILE_SETTINGS,
  fxRates: [{ currency: 'ILS', rate: 2.9, from: '2026-01-01', to: null }],
};

export function transaction(overrides: Partial<TransactionSummary> = {}): TransactionSummary {
  return {
    id: 1,
    provider: 'vipps',
    connectionId: 'conn-vipps',
    connectionName: 'Vipps MobilePay',
    externalId: 'ext-1',
    kind: 'capture',
    amountMinor: 12_950,
    currency: 'NOK',
    status: 'completed',
    providerStatus: 'CAPTURED',
    occurredAt: '2026-03-14T09:15:00.000Z',
    businessDate: '2026-03-14',
    customerName: 'Kari Nordmann',
    method: 'vipps',
    description: 'Cappuccino, Croissant · Kari Nordmann · Vipps app',
    direction: 'in',
    reconState: 'linked',
    ...overrides,
  };
}

export function syncEntry(overrides: Partial<SyncStatusEntry> = {}): SyncStatusEntry {
  return {
    connectionId: 'conn-sentrypos',
    connectionName: 'Demo SentryPOS',
    provider: 'sentrypos',
    isDemo: true,
    running: false,
    lastSyncAt: '2026-03-14T09:15:00.000Z',
    lastSuccessAt: '2026-03-14T09:15:00.000Z',
    nextSyncAt: null,
    lastStatus: 'ok',
    error: null,
    quarantined: 0,
    days: { complete: 1, open: 1, partial: 0 },
    completeness: [
      {
        stream: 'sales',
        date: '2026-03-14',
        state: 'open',
        detail: 'we hold 21 sales (5554.96 completed); SentryPOS reports 21 (5554.96)',
        checkedAt: '2026-03-14T09:15:00.000Z',
      },
      {
        stream: 'sales',
        date: '2026-03-13',
        state: 'complete',
        detail: 'we hold 40 sales (9000.00 completed); SentryPOS reports 40 (9000.00)',
        checkedAt: '2026-03-14T09:15:00.000Z',
      },
    ],
    ...overrides,
  };
}
