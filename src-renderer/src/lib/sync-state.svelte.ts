import { SvelteSet } from 'svelte/reactivity';
import type { EventPayload, OperationOutput } from '../../../src-main/core/api/contract.ts';
import type { SyncStatusEntry } from '../../../src-main/core/api/schemas.ts';
import type { ApiClient, ApiErrorBody } from './api.ts';
import { addDays } from './format.ts';

export type { SyncStatusEntry };
export type SyncProgress = EventPayload<'sync:progress'>;
export type DayCompleteness = SyncStatusEntry['completeness'][number];
export type DayState = DayCompleteness['state'];

/** Days shown per stream in the completeness strip. */
export const COMPLETENESS_DAYS = 30;

/** The shop's sync state: per-connection status from `sync:status` plus live `sync:progress` per stream. */
export class SyncState {
  entries = $state.raw<SyncStatusEntry[]>([]);
  connectionCount = $state<number | null>(null);
  /** The shop's zone from `settings:get`, for when the view is not handed one. */
  timeZone = $state<string | undefined>(undefined);
  loading = $state(false);
  loadError = $state.raw<ApiErrorBody | null>(null);
  /** A `sync:start` / `sync:cancel` call that failed as a call (a run's own failure shows on its card). */
  actionError = $state.raw<ApiErrorBody | null>(null);
  /** connectionId → stream → its newest progress event, kept while the connection's run goes. */
  progress = $state.raw<Record<string, Record<string, SyncProgress>>>({});
  /** Connections whose `sync:start` has not answered yet. */
  starting = new SvelteSet<string>();
  cancelling = new SvelteSet<string>();
  /** Ticks so relative times ("2 minutes ago") stay true while the view is open. */
  now = $state(Date.now());
  #api: ApiClient;
  #refreshQueued = false;

  anyRunning = $derived(this.entries.some((e) => this.isRunning(e.connectionId)));

  constructor(api: ApiClient) {
    this.#api = api;
  }

  isRunning(connectionId: string): boolean {
    return (
      this.starting.has(connectionId) ||
      this.entries.some((e) => e.connectionId === connectionId && e.running) ||
      Object.values(this.progress[connectionId] ?? {}).some((p) => !p.done)
    );
  }

  /** A running connection with no page committed yet gets one indeterminate "starting" stream. */
  streamsOf(connectionId: string): SyncProgress[] {
    const streams = Object.values(this.progress[connectionId] ?? {});
    const entry = this.entries.find((e) => e.connectionId === connectionId);
    if (streams.length > 0 || !entry || !this.isRunning(connectionId)) return streams;
    const { connectionName, provider } = entry;
    return [
      {
        ...{ connectionId, connectionName, provider, stream: 'starting', pages: 0, records: 0 },
        ...{ quarantined: 0, totalHint: null, ratePerSecond: 0, etaSeconds: null, done: false },
      },
    ];
  }

  async load(): Promise<void> {
    this.loading = true;
    const [status, connections, settings] = await Promise.all([
      this.#api.call('sync:status', {}),
      this.#api.call('connections:list', {}),
      this.timeZone ? null : this.#api.call('settings:get', {}),
    ]);
    this.loading = false;
    if (settings?.ok) this.timeZone = settings.value.timeZone;
    if (connections.ok) this.connectionCount = connections.value.connections.length;
    if (!status.ok || !connections.ok) {
      this.loadError = status.ok ? (connections as { error: ApiErrorBody }).error : status.error;
      return;
    }
    this.loadError = null;
    this.#setEntries(status.value);
  }

  async refresh(): Promise<void> {
    const status = await this.#api.call('sync:status', {});
    if (status.ok) this.#setEntries(status.value);
    else this.loadError = status.error;
  }

  /** Every connection when `connectionIds` is left out. Resolves when the runs have finished. */
  async start(connectionIds?: string[]): Promise<void> {
    const ids = connectionIds ?? this.entries.map((e) => e.connectionId);
    this.actionError = null;
    for (const id of ids) this.starting.add(id);
    const run = this.#api.call('sync:start', connectionIds ? { connectionIds } : {});
    // The call answers only when the runs end; ask once now so the cards show `running` meanwhile.
    void this.refresh();
    const result = await run;
    for (const id of ids) this.starting.delete(id);
    if (!result.ok) this.actionError = result.error;
    await this.refresh();
  }

  async cancel(connectionId: string): Promise<void> {
    this.actionError = null;
    this.cancelling.add(connectionId);
    const result = await this.#api.call('sync:cancel', { connectionIds: [connectionId] });
    this.cancelling.delete(connectionId);
    if (!result.ok) this.actionError = result.error;
    await this.refresh();
  }

  /** Follows `sync:progress`, asking for fresh status whenever a stream ends. Returns the stop function. */
  listen(): () => void {
    const stop = this.#api.on('sync:progress', (event) => {
      const streams = { ...this.progress[event.connectionId], [event.stream]: event };
      this.progress = { ...this.progress, [event.connectionId]: streams };
      if (event.done) this.#queueRefresh();
    });
    const timer = setInterval(() => (this.now = Date.now()), 30_000);
    return () => {
      stop();
      clearInterval(timer);
    };
  }

  /** Several streams often end together; one status call covers them all. */
  #queueRefresh(): void {
    if (this.#refreshQueued) return;
    this.#refreshQueued = true;
    queueMicrotask(() => {
      this.#refreshQueued = false;
      void this.refresh();
    });
  }

  #setEntries(value: OperationOutput<'sync:status'>): void {
    this.entries = value.connections;
    this.now = Date.now();
    this.#settleFinished();
    // A finished run's bars give way to its badge; a running one keeps them.
    const kept: typeof this.progress = {};
    for (const [id, streams] of Object.entries(this.progress)) {
      const running = this.starting.has(id) || this.entries.some((e) => e.connectionId === id && e.running);
      if (running) kept[id] = streams;
    }
    this.progress = kept;
  }

  /**
   * `sync:start` answers only after the reconciliation that follows a sync, which takes a while on a big
   * cache; waiting for that answer kept a card "Syncing…" long after every one of its streams said done.
   * A connection whose streams are all done and which the core no longer counts as running has synced.
   */
  #settleFinished(): void {
    let waiting = false;
    for (const id of this.starting) {
      const streams = Object.values(this.progress[id] ?? {});
      if (streams.length === 0 || streams.some((p) => !p.done)) continue;
      if (this.entries.some((e) => e.connectionId === id && e.running)) waiting = true;
      else this.starting.delete(id);
    }
    // The last stream's "done" can come just before the run is recorded as finished: ask again shortly.
    if (waiting) setTimeout(() => void this.refresh(), 500);
  }
}

export type BadgeTone = 'success' | 'warning' | 'danger' | 'neutral' | 'info';

/** The one-word verdict on a connection; the tone is never the only signal, the label says it too. */
export function syncBadge(entry: SyncStatusEntry, running: boolean): { label: string; tone: BadgeTone } {
  if (running) return { label: 'Syncing…', tone: 'info' };
  if (entry.lastSyncAt === null) return { label: 'Never synced', tone: 'neutral' };
  if (entry.lastStatus === 'failed') return { label: 'Failed', tone: 'danger' };
  if (entry.lastStatus === 'partial' || entry.quarantined > 0)
    return { label: `Partial — ${entry.quarantined.toLocaleString()} quarantined`, tone: 'warning' };
  if (entry.lastStatus === 'cancelled') return { label: 'Cancelled', tone: 'warning' };
  return { label: 'Synced', tone: 'success' };
}

/** 0…1 when the connector knows its total, else null (an indeterminate bar). */
export function progressFraction(p: SyncProgress): number | null {
  if (p.done) return 1;
  if (p.totalHint === null || p.totalHint <= 0) return null;
  return Math.min(p.records / p.totalHint, 1);
}

export interface StripDay {
  date: string;
  state: DayState | 'unchecked';
  detail: string | null;
}

/**
 * The last `count` days per stream, oldest first, ending today in the shop's zone (or at a later day the
 * provider already reported on). Days nobody checked are `unchecked`, so gaps stay visible.
 */
export function completenessStrips(
  days: readonly DayCompleteness[],
  today: string,
  count = COMPLETENESS_DAYS,
): { stream: string; days: StripDay[] }[] {
  const byStream: Record<string, Record<string, DayCompleteness>> = {};
  let end = today;
  for (const d of days) {
    (byStream[d.stream] ??= {})[d.date] = d;
    if (d.date > end) end = d.date;
  }
  return Object.keys(byStream)
    .sort()
    .map((stream) => {
      const known = byStream[stream] ?? {};
      const strip: StripDay[] = [];
      for (let i = count - 1; i >= 0; i--) {
        const date = addDays(end, -i);
        const day = known[date];
        strip.push({ date, state: day?.state ?? 'unchecked', detail: day?.detail ?? null });
      }
      return { stream, days: strip };
    });
}

export const DAY_STATE_LABELS: Record<StripDay['state'], string> = {
  complete: 'Complete',
  open: 'Open',
  partial: 'Partial',
  unchecked: 'Not checked',
};

export function formatDuration(seconds: number): string {
  if (seconds < 60) return `${Math.max(Math.round(seconds), 1)} s`;
  if (seconds < 3600) return `${Math.round(seconds / 60)} min`;
  return `${Math.floor(seconds / 3600)} h ${Math.round((seconds % 3600) / 60)} min`;
}

/**
 * What each provider stream holds, in the words of the shop. Progress bars and completeness strips both
 * use these, so Vipps' "funds" is the same row in both (the Sales stream has no per-day check: its API
 * has no notion of a closed day).
 */
const STREAM_LABELS: Record<string, string> = {
  sales: 'Sales',
  transactions: 'Transactions',
  funds: 'Settlements',
  fees: 'Fees',
  starting: 'Starting',
};

export function streamLabel(stream: string): string {
  return STREAM_LABELS[stream] ?? stream.charAt(0).toUpperCase() + stream.slice(1);
}
