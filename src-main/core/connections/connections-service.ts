import { randomUUID } from 'node:crypto';
import type { Database } from 'better-sqlite3';
import { AppError } from '../model/app-error.ts';
import type { HandlerMap } from '../api/dispatcher.ts';
import type { OperationName, OperationOutput, OperationParsedInput } from '../api/contract.ts';
import { CredentialError, MalformedSecretError } from '../credentials/credential-errors.ts';
import type { CredentialStore, SecretFields } from '../credentials/credential-store.ts';
import type { Connector } from '../providers/connector.ts';
import { appendAudit } from '../store/mutations/audit.ts';
import { addConnection, removeConnection, updateConnection } from '../store/mutations/connections.ts';
import {
  type ConnectionRecord,
  getConnection,
  getConnectionByName,
  listConnections,
  transactionCount,
} from '../store/queries/connections.ts';
import { readSettings } from '../store/queries/settings.ts';
import { type HttpOverrides, shopToday } from '../sync/engine.ts';
import type { SecretSource } from '../sync/secret-source.ts';
import type { DemoSandbox } from '../sync/demo-sandbox.ts';
import { bindSecret, boundOrigins, sameOrigins, secretOrigins } from '../sync/secret-binding.ts';
import { connectionHealth } from './connection-health.ts';
import {
  type ConnectionView,
  NAME_MISSING,
  type ProviderDescription,
  SECRET_FIELD_NAMES,
} from './connection-schemas.ts';
import { parseConfigInput, parseSecretInput } from './connection-input.ts';
import { describeProvider } from './provider-forms.ts';
import { testConnection } from './test-connection.ts';

export interface ConnectionsServiceOptions {
  db: Database;
  connectors: readonly Connector[];
  /** Where secrets are written, checked and deleted: the OS keychain in the app. */
  credentials: CredentialStore;
  /** Where a test reads them (the sync's source: demo connections use the published ones). */
  secrets: SecretSource;
  /** Serves demo connections (the sync's embedded sandbox). */
  demo?: DemoSandbox;
  actor: string;
  http?: HttpOverrides;
  isSyncing?: (connectionId: string) => boolean;
  onInternalError?: (operation: string, err: unknown) => void;
}

type Out<N extends OperationName> = OperationOutput<N>;

/** Keychain failures carry a message written for the user and never a value: pass them on as is. */
async function keychain<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (err) {
    if (err instanceof CredentialError) throw new AppError(err.code, err.message);
    throw err;
  }
}

const secretNames = new Set<string>(SECRET_FIELD_NAMES);

/** Only flat non-secret values leave the core, whatever an old row or a bug put in `config`. */
function safeConfig(config: unknown): ConnectionView['config'] {
  const out: ConnectionView['config'] = {};
  if (typeof config !== 'object' || config === null) return out;
  for (const [key, value] of Object.entries(config)) {
    if (secretNames.has(key)) continue;
    if (value === null || ['string', 'number', 'boolean'].includes(typeof value)) {
      out[key] = value as string | number | boolean | null;
    }
  }
  return out;
}

/**
 * Connections: add, edit, test and remove, with the non-secret half in SQLite and the secret in the
 * credential store. Nothing here returns a secret; `get` is used only to merge a partial update and
 * by the test, inside the core.
 */
export class ConnectionsService {
  readonly #o: ConnectionsServiceOptions;

  constructor(options: ConnectionsServiceOptions) {
    this.#o = options;
  }

  providers(): ProviderDescription[] {
    return this.#o.connectors.map(describeProvider);
  }

  async overview(): Promise<Out<'connections:overview'>> {
    let keychainError: string | null = null;
    const connections: ConnectionView[] = [];
    for (const record of listConnections(this.#o.db)) {
      let hasSecret: boolean | null = null;
      if (record.isDemo) hasSecret = true;
      else if (keychainError === null) {
        try {
          hasSecret = await this.#o.credentials.has(record.id);
        } catch (err) {
          if (!(err instanceof CredentialError)) throw err;
          keychainError = err.message;
        }
      }
      connections.push(this.#view(record, hasSecret));
    }
    return { connections, keychainError };
  }

  async add(input: OperationParsedInput<'connections:add'>): Promise<ConnectionView> {
    const connector = this.#connector(input.provider);
    const errors: Record<string, string[]> = {};
    if (input.name === '') errors.name = [NAME_MISSING];
    else if (getConnectionByName(this.#o.db, input.name)) {
      errors.name = ['A connection with this name already exists'];
    }
    const config = parseConfigInput(connector, input.config, errors);
    const secret = parseSecretInput(connector, input.secret ?? {}, errors, true);
    if (Object.keys(errors).length > 0 || config === undefined || secret === undefined) {
      throw new AppError('BAD_INPUT', 'Some fields need attention.', { formErrors: [], fieldErrors: errors });
    }
    // The keychain entry first: when there is no keychain, nothing at all is written.
    const id = randomUUID();
    await keychain(() => this.#o.credentials.set(id, bindSecret(secret, secretOrigins(connector, config))));
    try {
      const record = addConnection(
        this.#o.db,
        { id, provider: connector.provider, name: input.name, config },
        this.#o.actor,
      );
      return this.#view(record, true);
    } catch (err) {
      await this.#o.credentials.delete(id).catch(() => false);
      throw err;
    }
  }

  /**
   * A new address for the secret (another origin) needs the secret entered again with it: the saved
   * one was entered for the old origin and is never sent anywhere else. The keychain is written
   * before SQLite, so a failure in between leaves a secret bound to an origin the settings do not
   * name, which is refused at use rather than sent.
   */
  async update(input: OperationParsedInput<'connections:update'>): Promise<ConnectionView> {
    const record = this.#editable(input.id);
    const connector = this.#connector(record.provider);
    const errors: Record<string, string[]> = {};
    const other = input.name === undefined ? null : getConnectionByName(this.#o.db, input.name);
    if (input.name === '') errors.name = [NAME_MISSING];
    else if (other && other.id !== record.id) errors.name = ['A connection with this name already exists'];
    const config = input.config === undefined ? undefined : parseConfigInput(connector, input.config, errors);
    const secret =
      input.secret === undefined ? undefined : parseSecretInput(connector, input.secret, errors, true);
    const before = this.#originsOf(connector, record.config);
    const origins = config === undefined ? (before ?? []) : secretOrigins(connector, config);
    const moved = config !== undefined && (before === null || !sameOrigins(origins, before));
    if (moved && secret === undefined && (await keychain(() => this.#o.credentials.has(record.id)))) {
      const first = connector.secretFields[0];
      errors[`secret.${first?.key ?? 'secret'}`] = [
        `The address changed to ${origins.join(' and ')}: enter the ${first?.label ?? 'secret'} again. ` +
          'The saved one is only ever sent to the address it was entered for.',
      ];
    }
    if (Object.keys(errors).length > 0) {
      throw new AppError('BAD_INPUT', 'Some fields need attention.', { formErrors: [], fieldErrors: errors });
    }
    if (secret !== undefined) await this.#storeSecret(record, secret, origins, moved);
    const updated = updateConnection(this.#o.db, record.id, { name: input.name, config }, this.#o.actor);
    return this.#view(updated ?? record, secret === undefined ? null : true);
  }

  async setSecret(input: OperationParsedInput<'connections:setSecret'>): Promise<{ hasSecret: true }> {
    const record = this.#editable(input.id);
    const connector = this.#connector(record.provider);
    const errors: Record<string, string[]> = {};
    const fields = parseSecretInput(connector, input.secret, errors, true);
    if (fields === undefined) {
      throw new AppError('BAD_INPUT', 'Some fields need attention.', { formErrors: [], fieldErrors: errors });
    }
    await this.#storeSecret(record, fields, this.#originsOf(connector, record.config) ?? [], false);
    return { hasSecret: true };
  }

  /**
   * Saves `fields` bound to `origins`. Replacing one field (a rotated subscription key) keeps the
   * others, but only those entered for the same origins: other origins' fields are dropped, and so is
   * an unreadable entry.
   */
  async #storeSecret(
    record: ConnectionRecord,
    fields: SecretFields,
    origins: readonly string[],
    replace: boolean,
  ): Promise<void> {
    await keychain(async () => {
      const existing = replace
        ? undefined
        : await this.#o.credentials.get(record.id).catch((err: unknown) => {
            if (err instanceof MalformedSecretError) return undefined;
            throw err;
          });
      const bound = existing === undefined ? null : boundOrigins(existing);
      const keep = existing !== undefined && (bound === null || sameOrigins(bound, origins)) ? existing : {};
      await this.#o.credentials.set(record.id, bindSecret({ ...keep, ...fields }, origins));
    });
    appendAudit(this.#o.db, {
      actor: this.#o.actor,
      action: 'connection:secret-set',
      subject: record.id,
      details: { fields: Object.keys(fields), origins },
    });
  }

  /** The origins a stored config sends its secret to; null when it no longer parses (a legacy URL). */
  #originsOf(connector: Connector, config: unknown): string[] | null {
    const parsed = connector.configSchema.safeParse(config);
    return parsed.success ? secretOrigins(connector, parsed.data) : null;
  }

  async hasSecret(id: string): Promise<boolean> {
    const record = this.#record(id);
    if (record.isDemo) return true;
    return keychain(() => this.#o.credentials.has(record.id));
  }

  async test(id: string): Promise<Out<'connections:test'>> {
    const record = this.#record(id);
    const { timeZone, currency } = readSettings(this.#o.db);
    const outcome = await testConnection(this.#connector(record.provider), record, {
      secrets: this.#o.secrets,
      http: this.#o.http,
      shopTimeZone: timeZone,
      shopCurrency: currency,
      today: shopToday(timeZone),
      demoLease: async () => (await this.#o.demo?.leaseFor(this.#o.db, record)) ?? null,
      onInternalError: (err) => this.#o.onInternalError?.('connections:test', err),
    });
    const testedAt = new Date().toISOString();
    // The message is already redacted; the audit row is what the status badge is read from.
    appendAudit(this.#o.db, {
      actor: this.#o.actor,
      action: 'connection:test',
      subject: record.id,
      details: outcome,
    });
    return { ...outcome, testedAt };
  }

  async remove(input: OperationParsedInput<'connections:remove'>): Promise<Out<'connections:remove'>> {
    const record = this.#record(input.id);
    if (this.#o.isSyncing?.(record.id)) {
      throw new AppError('SYNC_RUNNING', `${record.name} is syncing. Cancel the sync, then remove it.`);
    }
    const transactions = transactionCount(this.#o.db, record.id);
    if (transactions > 0 && !input.deleteCachedData) {
      throw new AppError(
        'CONFIRMATION_REQUIRED',
        `${record.name} has ${transactions} cached records, which are deleted with it. Confirm to remove both.`,
        { transactions },
      );
    }
    // The secret goes first: a connection that cannot lose its secret is kept, so none is orphaned.
    const secretRemoved = record.isDemo ? false : await keychain(() => this.#o.credentials.delete(record.id));
    removeConnection(this.#o.db, record.id, this.#o.actor);
    return { removed: true, secretRemoved, transactionsRemoved: transactions };
  }

  #view(record: ConnectionRecord, hasSecret: boolean | null): ConnectionView {
    const health = connectionHealth(this.#o.db, record.id);
    return {
      id: record.id,
      provider: record.provider,
      providerName:
        this.#o.connectors.find((c) => c.provider === record.provider)?.displayName ?? record.provider,
      name: record.name,
      isDemo: record.isDemo,
      config: safeConfig(record.config),
      hasSecret,
      state: health.state,
      stateDetail: health.detail,
      lastSyncAt: health.lastSyncAt,
      lastTestAt: health.lastTestAt,
      lastTestOk: health.lastTestOk,
      transactions: transactionCount(this.#o.db, record.id),
      createdAt: record.createdAt,
      updatedAt: record.updatedAt,
    };
  }

  #connector(provider: string): Connector {
    const connector = this.#o.connectors.find((c) => c.provider === provider);
    if (!connector)
      throw new AppError('NOT_FOUND', `This version of posrecon has no connector for ${provider}.`);
    return connector;
  }

  #record(id: string): ConnectionRecord {
    const record = getConnection(this.#o.db, id);
    if (!record) throw new AppError('NOT_FOUND', 'No such connection. It may have been removed.');
    return record;
  }

  #editable(id: string): ConnectionRecord {
    const record = this.#record(id);
    if (record.isDemo) {
      throw new AppError(
        'DEMO_CONNECTION',
        'Demo connections are managed by `posrecon demo` and cannot be edited.',
      );
    }
    return record;
  }
}

/** The contract's connection handlers, bound to one service (core.ts spreads them into its map). */
export function connectionHandlers(service: ConnectionsService) {
  return {
    'connections:providers': () => ({ providers: service.providers() }),
    'connections:overview': () => service.overview(),
    'connections:add': (input: OperationParsedInput<'connections:add'>) => service.add(input),
    'connections:update': (input: OperationParsedInput<'connections:update'>) => service.update(input),
    'connections:setSecret': (input: OperationParsedInput<'connections:setSecret'>) =>
      service.setSecret(input),
    'connections:hasSecret': async ({ id }: { id: string }) => ({ hasSecret: await service.hasSecret(id) }),
    'connections:test': ({ id }: { id: string }) => service.test(id),
    'connections:remove': (input: OperationParsedInput<'connections:remove'>) => service.remove(input),
  } satisfies Partial<HandlerMap>;
}
