import type { Database } from 'better-sqlite3';
import { AppError } from '../model/app-error.ts';
import type { EventBus } from '../api/event-bus.ts';
import type { ConnectionSummary, SyncReport, SyncStatusEntry } from '../api/schemas.ts';
import type { Connector } from '../providers/connector.ts';
import { listConnections } from '../store/queries/connections.ts';
import {
  firstRecordDay,
  lastSuccessfulRun,
  latestFinishedRun,
  listCompleteness,
  quarantinedCount,
} from '../store/queries/sync-state.ts';
import { countDays } from './day-counts.ts';
import { type HttpOverrides, type SyncRequest, runSync } from './engine.ts';
import type { SyncProgress } from './progress.ts';
import type { SecretSource } from './secret-source.ts';
import type { DemoSandbox } from './demo-sandbox.ts';

export interface SyncServiceOptions {
  db: Database;
  events: EventBus;
  connectors: readonly Connector[];
  secrets: SecretSource;
  http?: HttpOverrides;
  budgetSpeedUp?: number;
  /** Serves demo connections in-process (see demo-sandbox.ts). */
  demo?: DemoSandbox;
  /** Clock for "today" and stored timestamps (tests move it). */
  now?: () => Date;
  onInternalError?: (operation: string, err: unknown) => void;
  /** Runs after each sync, once its connections no longer count as running (reconciliation). */
  afterSync?: () => Promise<void>;
}

export interface StartOptions {
  connectionIds?: readonly string[];
  since?: string | null;
  lookbackDays?: number;
  /** In-process callers (the CLI) cancel with their own signal; the UI uses `cancel`. */
  signal?: AbortSignal;
  onProgress?: (progress: SyncProgress) => void;
}

/**
 * The core's face of the sync engine: which connections are running, start/cancel/status for the
 * contract's handlers, and progress forwarded to the event bus. Lives in the core host process.
 */
export class SyncService {
  readonly #o: SyncServiceOptions;
  readonly #running = new Map<string, AbortController>();

  constructor(options: SyncServiceOptions) {
    this.#o = options;
  }

  connections(): ConnectionSummary[] {
    return listConnections(this.#o.db).map((c) => ({
      id: c.id,
      provider: c.provider,
      name: c.name,
      isDemo: c.isDemo,
      config: c.config,
      createdAt: c.createdAt,
      updatedAt: c.updatedAt,
    }));
  }

  async start(options: StartOptions = {}): Promise<SyncReport[]> {
    const all = listConnections(this.#o.db);
    const ids = options.connectionIds ?? all.map((c) => c.id);
    const unknown = ids.filter((id) => !all.some((c) => c.id === id));
    if (unknown.length) throw new AppError('NOT_FOUND', `No connection with id ${unknown.join(', ')}.`);
    const busy = all.filter((c) => ids.includes(c.id) && this.#running.has(c.id));
    if (busy.length) {
      throw new AppError(
        'SYNC_RUNNING',
        `A sync of ${busy.map((c) => c.name).join(', ')} is already running.`,
      );
    }
    const controller = new AbortController();
    const signal = options.signal ? AbortSignal.any([controller.signal, options.signal]) : controller.signal;
    for (const id of ids) this.#running.set(id, controller);
    const request: SyncRequest = {
      connectionIds: ids,
      since: options.since ?? null,
      lookbackDays: options.lookbackDays,
      signal,
      onProgress: (p) => {
        this.#o.events.emit('sync:progress', p);
        options.onProgress?.(p);
      },
    };
    let finished = false;
    try {
      const reports = await runSync(
        {
          db: this.#o.db,
          connectors: this.#o.connectors,
          secrets: this.#o.secrets,
          http: this.#o.http,
          budgetSpeedUp: this.#o.budgetSpeedUp,
          demo: this.#o.demo,
          now: this.#o.now,
          onInternalError: (connection, err) =>
            this.#o.onInternalError?.(`sync:start ${connection.provider}`, err),
        },
        request,
      );
      finished = true;
      return reports;
    } finally {
      for (const id of ids) if (this.#running.get(id) === controller) this.#running.delete(id);
      // Not after a fatal store error: reconciling would write to the same full or damaged store.
      if (finished && !signal.aborted) await this.#o.afterSync?.();
    }
  }

  /** Aborts the given (default: all) running syncs; they stop after the page being committed. */
  cancel(connectionIds?: readonly string[]): number {
    const controllers = new Set<AbortController>();
    for (const [id, c] of this.#running) if (!connectionIds || connectionIds.includes(id)) controllers.add(c);
    for (const c of controllers) c.abort();
    return controllers.size;
  }

  status(): SyncStatusEntry[] {
    const { db } = this.#o;
    return listConnections(db).map((c) => {
      const last = latestFinishedRun(db, c.id);
      const completeness = listCompleteness(db, c.id).map((d) => ({
        stream: d.stream,
        date: d.date,
        state: d.state,
        detail: d.detail,
        checkedAt: d.checked_at,
      }));
      const days = countDays(completeness, firstRecordDay(db, c.id));
      return {
        connectionId: c.id,
        connectionName: c.name,
        provider: c.provider,
        isDemo: c.isDemo,
        running: this.#running.has(c.id),
        lastSyncAt: last?.finished_at ?? null,
        lastSuccessAt: lastSuccessfulRun(db, c.id)?.finished_at ?? null,
        nextSyncAt: null,
        lastStatus: last ? (last.status as SyncStatusEntry['lastStatus']) : null,
        error: last?.error ?? null,
        quarantined: quarantinedCount(db, c.id),
        days,
        completeness,
      };
    });
  }

  close(): void {
    this.cancel();
  }
}
