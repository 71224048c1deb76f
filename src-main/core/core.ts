import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { createDispatcher, type Dispatch, type HandlerMap } from './api/dispatcher.ts';
import { EventBus } from './api/event-bus.ts';
import type { CredentialStore } from './credentials/credential-store.ts';
import { ConnectionsService, connectionHandlers } from './connections/connections-service.ts';
import { lazyOsKeychain } from './connections/lazy-keychain.ts';
import { databaseFile } from './home.ts';
import type { Connector } from './providers/connector.ts';
import { CONNECTORS } from './providers/registry.ts';
import { openFileLog } from './log/file-log.ts';
import { SCHEMA_VERSION, openStore, type Store } from './store/open-store.ts';
import { isCorruptionError } from './store/store-error.ts';
import { readSettings } from './store/queries/settings.ts';
import { countRows } from './store/queries/transactions.ts';
import { listTransactions } from './search/list-transactions.ts';
import { writeSettings } from './store/mutations/settings.ts';
import type { HttpOverrides } from './sync/engine.ts';
import {
  type SecretSource,
  credentialStoreSecretSource,
  demoAwareSecretSource,
} from './sync/secret-source.ts';
import { scheduleReread } from './sync/reread.ts';
import { SyncService } from './sync/sync-service.ts';
import { DemoSandbox } from './sync/demo-sandbox.ts';
import { QuarantineService, quarantineHandlers } from './sync/quarantine-service.ts';
import { getTransactionDetail } from './search/transaction-detail.ts';
import { searchFacets } from './search/facets.ts';
import { ParallelSearch } from './search/parallel-totals.ts';
import { ReconcileService } from './reconcile/reconcile-service.ts';
import { getDashboard } from './dashboard/dashboard.ts';
import { ExportsApi } from './export/export-api.ts';
import { APP_VERSION } from './version.ts';

export interface CoreOptions {
  home: string;
  /** Who is acting, for the audit log: 'ui', 'cli', … */
  actor?: string;
  onInternalError?: (operation: string, err: unknown) => void;
  /** Where non-demo connections' secrets come from (the OS keychain in the app). */
  credentials?: CredentialStore;
  /** Replaces the secret lookup entirely (tests). */
  secrets?: SecretSource;
  /** Default: every registered provider. */
  connectors?: readonly Connector[];
  /** Tests and benchmarks shrink HTTP backoff/timeouts and speed budgets up. */
  syncTuning?: { http?: HttpOverrides; budgetSpeedUp?: number };
  /** The clock syncs and the demo shop's world run on; tests move it. */
  now?: () => Date;
}

export interface Core {
  readonly home: string;
  readonly store: Store;
  readonly events: EventBus;
  readonly dispatch: Dispatch;
  /** For in-process callers (the CLI) that pass their own AbortSignal and progress callback. */
  readonly sync: SyncService;
  readonly reconcile: ReconcileService;
  readonly exports: ExportsApi;
  readonly quarantine: QuarantineService;
  /** The embedded sandbox that serves demo connections, started on first use. */
  readonly demo: DemoSandbox;
  close(): void;
}

interface Services {
  home: string;
  store: Store;
  events: EventBus;
  sync: SyncService;
  actor: string;
  connections: ConnectionsService;
  search: ParallelSearch;
  reconcile: ReconcileService;
  exports: ExportsApi;
  quarantine: QuarantineService;
}

function buildHandlers({
  home,
  store,
  events,
  sync,
  actor,
  connections,
  search,
  reconcile,
  exports,
  quarantine,
}: Services): HandlerMap {
  const { db } = store;
  return {
    'app:info': () => ({
      name: 'posrecon',
      version: APP_VERSION,
      dataDir: home,
      databaseFile: store.file,
      schemaVersion: SCHEMA_VERSION,
      counts: countRows(db),
    }),
    'settings:get': () => readSettings(db),
    'settings:set': (patch) => {
      // A new zone or currency changes what the cached records' days and POS amounts mean: their
      // streams read them again on the next sync (sync/reread.ts), noted with the change itself.
      const settings = db.transaction(() => {
        const before = readSettings(db);
        writeSettings(db, patch, actor);
        const after = readSettings(db);
        if (after.timeZone !== before.timeZone || after.currency !== before.currency)
          scheduleReread(db, after);
        return after;
      })();
      events.emit('settings:changed', settings);
      return settings;
    },
    'transactions:list': ({ limit, cursor }) => listTransactions(db, limit, cursor),
    'transactions:search': (input) => search.search(db, input),
    'transactions:get': ({ id }) => getTransactionDetail(db, id),
    'transactions:facets': () => searchFacets(db),
    'connections:list': () => ({ connections: sync.connections() }),
    'sync:start': async (input) => ({ reports: await sync.start(input) }),
    'sync:status': () => ({ connections: sync.status() }),
    'sync:cancel': ({ connectionIds }) => ({ cancelled: sync.cancel(connectionIds) }),
    ...connectionHandlers(connections),
    'reconcile:run': ({ full }) => reconcile.run(full),
    'reconcile:summary': (period) => reconcile.summary(period),
    'reconcile:list': (input) => reconcile.list(input),
    'reconcile:explain': ({ key }) => reconcile.explain(key),
    'reconcile:candidates': (input) => reconcile.candidates(input),
    'reconcile:payout': ({ id }) => reconcile.payout(id),
    'reconcile:decide': (input) => reconcile.decide(input),
    'reconcile:undo': ({ decisionId }) => reconcile.undo(decisionId),
    'reconcile:decisions': ({ limit, beforeId }) => reconcile.decisions(limit, beforeId),
    'reconcile:settings': () => reconcile.settings(),
    'reconcile:configure': (patch) => reconcile.configure(patch),
    'dashboard:get': (input) => getDashboard(db, input, readSettings(db)),
    'export:xlsx': ({ from, to, sheets, jobId }) => exports.run({ from, to, format: 'xlsx', sheets, jobId }),
    'export:csv': ({ from, to, sheet, locale, jobId }) =>
      exports.run({ from, to, format: 'csv', sheets: [sheet], locale, jobId }),
    'export:cancel': ({ jobId }) => ({ cancelled: exports.cancel(jobId) }),
    'export:list': ({ limit }) => ({ exports: exports.list(limit) }),
    'export:file': ({ id }) => exports.file(id),
    'export:close': ({ from, to, jobId }) => exports.close({ from, to, jobId }),
    'export:reopen': ({ id, reason }) => exports.reopen(id, reason),
    'export:periods': () => ({ periods: exports.periods() }),
    ...quarantineHandlers(quarantine),
  };
}

/** Opens the cache in `home` and wires every operation of the contract to it. */
export async function createCore(options: CoreOptions): Promise<Core> {
  mkdirSync(options.home, { recursive: true });
  const store = await openStore(databaseFile(options.home));
  const log = openFileLog(options.home);
  const events = new EventBus();
  // Every unexpected failure lands in the home's log, whatever else the caller does with it; damage
  // found at any time stops writes at once (the store turns query_only) and is reported plainly.
  const report = options.onInternalError;
  const onInternalError = (operation: string, err: unknown): void => {
    if (isCorruptionError(err)) store.markDamaged(err);
    log.write(`${operation} failed`, err);
    report?.(operation, err);
  };
  // Non-demo secrets live only in the OS keychain; it is loaded the first time one is needed.
  const credentials = options.credentials ?? lazyOsKeychain();
  const connectors = options.connectors ?? Object.values(CONNECTORS).filter((c) => c !== undefined);
  const secrets = options.secrets ?? demoAwareSecretSource(credentialStoreSecretSource(credentials));
  // After every sync, the days it touched are reconciled again (never failing the sync itself).
  let reconcile: ReconcileService | null = null;
  const demo = new DemoSandbox({ dataDir: path.join(options.home, 'demo-sandbox'), now: options.now });
  const sync = new SyncService({
    demo,
    now: options.now,
    db: store.db,
    events,
    afterSync: async () => {
      try {
        await reconcile?.afterSync();
      } catch (err) {
        options.onInternalError?.('reconcile:run', err);
      }
    },
    connectors,
    secrets,
    http: options.syncTuning?.http,
    budgetSpeedUp: options.syncTuning?.budgetSpeedUp,
    onInternalError,
  });
  const connections = new ConnectionsService({
    db: store.db,
    connectors,
    credentials,
    secrets,
    demo,
    actor: options.actor ?? 'ui',
    http: options.syncTuning?.http,
    isSyncing: (id) => sync.status().some((s) => s.connectionId === id && s.running),
    onInternalError,
  });
  reconcile = new ReconcileService({
    db: store.db,
    events,
    actor: options.actor ?? 'ui',
    syncing: () =>
      sync
        .status()
        .filter((s) => s.running)
        .map((s) => s.connectionName),
    onInternalError,
  });
  const search = new ParallelSearch(store.file, {
    onError: (err) => onInternalError('transactions:search', err),
  });
  // Exports run on a worker thread of their own; this thread only relays progress and logs the result.
  const exports = new ExportsApi({
    db: store.db,
    databaseFile: store.file,
    home: options.home,
    actor: options.actor ?? 'ui',
    events,
  });
  const quarantine = new QuarantineService({ db: store.db, sync, connectors, actor: options.actor ?? 'ui' });
  const handlers = buildHandlers({
    exports,
    quarantine,
    home: options.home,
    store,
    events,
    sync,
    actor: options.actor ?? 'ui',
    connections,
    search,
    reconcile,
  });
  const dispatch = createDispatcher(handlers, {
    onInternalError,
    logFile: log.file,
    storeFailure: (err) => (isCorruptionError(err) ? store.markDamaged(err) : store.damage),
  });
  const close = () => {
    exports.cancel();
    search.close();
    sync.close();
    void demo.close();
    store.close();
    void log.close();
  };
  return { home: options.home, store, events, dispatch, sync, reconcile, exports, quarantine, demo, close };
}
