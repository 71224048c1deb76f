import type { OperationOutput } from '../../../src-main/core/api/contract.ts';
import type {
  ConnectionTestResult,
  ConnectionView,
  ProviderDescription,
} from '../../../src-main/core/connections/connection-schemas.ts';
import type { ApiClient, ApiErrorBody } from './api.ts';

export type { ConnectionView, ProviderDescription };
export type FieldErrors = Record<string, string[]>;
type SyncReport = OperationOutput<'sync:start'>['reports'][number];

/** zod's flattened field errors from a BAD_INPUT result, or null when the error is not about fields. */
function fieldErrorsOf(error: ApiErrorBody): FieldErrors | null {
  if (error.code !== 'BAD_INPUT' || typeof error.details !== 'object' || error.details === null) return null;
  const { fieldErrors } = error.details as { fieldErrors?: unknown };
  if (typeof fieldErrors !== 'object' || fieldErrors === null) return null;
  const out: FieldErrors = {};
  for (const [k, v] of Object.entries(fieldErrors)) if (Array.isArray(v)) out[k] = v.map(String);
  return out;
}

/**
 * The Connections view's data: the provider forms and every connection with its state. Secrets only
 * ever go in (add, replace); nothing here can hold one that came back, because none ever does.
 */
export class ConnectionsState {
  providers = $state.raw<ProviderDescription[]>([]);
  connections = $state.raw<ConnectionView[]>([]);
  keychainError = $state.raw<string | null>(null);
  loadError = $state.raw<ApiErrorBody | null>(null);
  loaded = $state(false);
  /** Per connection: the last test's result and the last sync's report, shown on its card. */
  testResults = $state.raw<Record<string, ConnectionTestResult>>({});
  syncReports = $state.raw<Record<string, SyncReport>>({});
  busy = $state.raw<Record<string, 'testing' | 'syncing' | 'removing'>>({});
  actionErrors = $state.raw<Record<string, ApiErrorBody>>({});
  #api: ApiClient;

  constructor(api: ApiClient) {
    this.#api = api;
  }

  async load(): Promise<void> {
    const [providers, overview] = await Promise.all([
      this.#api.call('connections:providers', {}),
      this.#api.call('connections:overview', {}),
    ]);
    if (providers.ok) this.providers = providers.value.providers;
    if (overview.ok) {
      this.connections = overview.value.connections;
      this.keychainError = overview.value.keychainError;
    }
    this.loadError = !providers.ok ? providers.error : !overview.ok ? overview.error : null;
    this.loaded = true;
  }

  provider(id: string): ProviderDescription | undefined {
    return this.providers.find((p) => p.provider === id);
  }

  async test(id: string): Promise<void> {
    await this.#run(id, 'testing', async () => {
      const result = await this.#api.call('connections:test', { id });
      if (result.ok) this.testResults = { ...this.testResults, [id]: result.value };
      return result;
    });
  }

  async sync(id: string): Promise<void> {
    await this.#run(id, 'syncing', async () => {
      const result = await this.#api.call('sync:start', { connectionIds: [id] });
      const report = result.ok ? result.value.reports[0] : undefined;
      if (report) this.syncReports = { ...this.syncReports, [id]: report };
      return result;
    });
  }

  /** `deleteCachedData` is the user's confirmation that the cached records go too. */
  async remove(id: string, deleteCachedData: boolean): Promise<boolean> {
    let removed = false;
    await this.#run(id, 'removing', async () => {
      const result = await this.#api.call('connections:remove', { id, deleteCachedData });
      removed = result.ok;
      return result;
    });
    return removed;
  }

  async #run(
    id: string,
    what: 'testing' | 'syncing' | 'removing',
    work: () => Promise<{ ok: true } | { ok: false; error: ApiErrorBody }>,
  ): Promise<void> {
    this.busy = { ...this.busy, [id]: what };
    const { [id]: _previous, ...others } = this.actionErrors;
    this.actionErrors = others;
    const result = await work();
    const { [id]: _done, ...rest } = this.busy;
    this.busy = rest;
    if (!result.ok) this.actionErrors = { ...this.actionErrors, [id]: result.error };
    await this.load();
  }
}

/**
 * The add/edit form's draft: every field as text (numbers too, so a half-typed value is kept), the
 * secret fields write-only. `hasSecret` says a saved secret exists; its fields stay blank unless the
 * user chooses to replace it, and blank means "keep".
 */
export class ConnectionForm {
  provider = $state('');
  name = $state('');
  values = $state<Record<string, string>>({});
  secrets = $state<Record<string, string>>({});
  fieldErrors = $state.raw<FieldErrors>({});
  error = $state.raw<ApiErrorBody | null>(null);
  saving = $state(false);
  readonly editing: ConnectionView | null;
  #state: ConnectionsState;

  constructor(state: ConnectionsState, editing: ConnectionView | null = null, provider = '') {
    this.#state = state;
    this.editing = editing;
    this.provider = editing?.provider ?? provider;
    this.name = editing?.name ?? '';
    for (const [k, v] of Object.entries(editing?.config ?? {})) this.values[k] = v === null ? '' : String(v);
  }

  get description(): ProviderDescription | undefined {
    return this.#state.provider(this.provider);
  }

  /**
   * An address field now points to another origin than the saved one: the saved secret will not be
   * sent there, so the form asks for it again (the core refuses the change without it).
   */
  get addressChanged(): boolean {
    if (!this.editing) return false;
    // Scheme and host[:port] as typed; the core compares real origins and has the last word.
    const origin = (value: unknown) => {
      const text = String(value ?? '').trim();
      return /^[a-z][a-z0-9+.-]*:\/\/[^/?#]*/i.exec(text)?.[0].toLowerCase() ?? text;
    };
    return (this.description?.fields ?? []).some(
      (f) =>
        f.type === 'url' &&
        origin(this.values[f.key] || f.default) !== origin(this.editing?.config[f.key] ?? f.default),
    );
  }

  /** Saves; on success the caller closes the form. Field errors land next to their fields. */
  async save(api: ApiClient): Promise<boolean> {
    this.saving = true;
    this.error = null;
    const config: Record<string, string> = {};
    for (const field of this.description?.fields ?? [])
      config[field.key] = this.values[field.key]?.trim() ?? '';
    const secret = Object.fromEntries(Object.entries(this.secrets).filter(([, v]) => v !== ''));
    const ok = this.editing
      ? await this.#update(api, this.editing.id, config, secret)
      : await this.#add(api, config, secret);
    this.saving = false;
    if (ok) {
      this.secrets = {};
      await this.#state.load();
    }
    return ok;
  }

  async #add(
    api: ApiClient,
    config: Record<string, string>,
    secret: Record<string, string>,
  ): Promise<boolean> {
    const provider = this.description?.provider;
    if (!provider) {
      this.fieldErrors = { provider: ['Choose a provider'] };
      return false;
    }
    const result = await api.call('connections:add', { provider, name: this.name, config, secret });
    return this.#settle(result);
  }

  async #update(api: ApiClient, id: string, config: Record<string, string>, secret: Record<string, string>) {
    // One call: a new address and the secret entered for it are saved together, or neither is.
    const changed = Object.keys(secret).length > 0 ? { secret } : {};
    return this.#settle(await api.call('connections:update', { id, name: this.name, config, ...changed }));
  }

  #settle(result: { ok: true } | { ok: false; error: ApiErrorBody }): boolean {
    if (result.ok) {
      this.fieldErrors = {};
      return true;
    }
    const fields = fieldErrorsOf(result.error);
    this.fieldErrors = fields ?? {};
    this.error = fields ? null : result.error;
    return false;
  }
}
