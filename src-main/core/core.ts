import { mkdirSync } from 'node:fs';
import { createDispatcher, type Dispatch, type HandlerMap } from './api/dispatcher.ts';
import { EventBus } from './api/event-bus.ts';
import { databaseFile } from './home.ts';
import { SCHEMA_VERSION, openStore, type Store } from './store/open-store.ts';
import { readSettings } from './store/queries/settings.ts';
import { countRows, listTransactions } from './store/queries/transactions.ts';
import { writeSettings } from './store/mutations/settings.ts';
import { APP_VERSION } from './version.ts';

export interface CoreOptions {
  home: string;
  /** Who is acting, for the audit log: 'ui', 'cli', … */
  actor?: string;
  onInternalError?: (operation: string, err: unknown) => void;
}

export interface Core {
  readonly home: string;
  readonly store: Store;
  readonly events: EventBus;
  readonly dispatch: Dispatch;
  close(): void;
}

function buildHandlers(home: string, store: Store, events: EventBus, actor: string): HandlerMap {
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
      writeSettings(db, patch, actor);
      const settings = readSettings(db);
      events.emit('settings:changed', settings);
      return settings;
    },
    'transactions:list': ({ limit, cursor }) => listTransactions(db, limit, cursor),
  };
}

/** Opens the cache in `home` and wires every operation of the contract to it. */
export async function createCore(options: CoreOptions): Promise<Core> {
  mkdirSync(options.home, { recursive: true });
  const store = await openStore(databaseFile(options.home));
  const events = new EventBus();
  const dispatch = createDispatcher(buildHandlers(options.home, store, events, options.actor ?? 'ui'), {
    onInternalError: options.onInternalError,
  });
  return { home: options.home, store, events, dispatch, close: () => store.close() };
}
