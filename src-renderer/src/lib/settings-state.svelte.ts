import type { Settings } from '../../../src-main/core/api/schemas.ts';
import type { OperationInput } from '../../../src-main/core/api/contract.ts';
import type { ApiClient, ApiErrorBody, CallResult } from './api.ts';

/** The shop's settings as the core last reported them; other views read the time zone from here. */
export class SettingsState {
  current = $state.raw<Settings | null>(null);
  loadError = $state.raw<ApiErrorBody | null>(null);
  loading = $state(false);
  #api: ApiClient;

  constructor(api: ApiClient) {
    this.#api = api;
  }

  async load(): Promise<void> {
    this.loading = true;
    const result = await this.#api.call('settings:get', {});
    this.loading = false;
    if (result.ok) {
      this.current = result.value;
      this.loadError = null;
    } else {
      this.loadError = result.error;
    }
  }

  /** Saves and, on success, becomes the new current settings. Validation errors come back in the result. */
  async save(patch: OperationInput<'settings:set'>): Promise<CallResult<'settings:set'>> {
    const result = await this.#api.call('settings:set', patch);
    if (result.ok) this.current = result.value;
    return result;
  }

  /** Follows changes made elsewhere (another window, the CLI) through `settings:changed`. */
  listen(): () => void {
    return this.#api.on('settings:changed', (settings) => {
      this.current = settings;
    });
  }
}

export type SettingsField = keyof Settings;
export type FieldErrors = Partial<Record<SettingsField, string[]>>;

/** zod's `flattenError` shape, which the core puts in `details` of a BAD_INPUT error. */
export function readFlattenedErrors(
  details: unknown,
): { formErrors: string[]; fieldErrors: FieldErrors } | null {
  if (typeof details !== 'object' || details === null) return null;
  const { formErrors, fieldErrors } = details as { formErrors?: unknown; fieldErrors?: unknown };
  if (!Array.isArray(formErrors) || typeof fieldErrors !== 'object' || fieldErrors === null) return null;
  const fields: FieldErrors = {};
  for (const [key, messages] of Object.entries(fieldErrors)) {
    if (Array.isArray(messages)) fields[key as SettingsField] = messages.map(String);
  }
  return { formErrors: formErrors.map(String), fieldErrors: fields };
}

/** The settings form's draft, kept apart from `SettingsState` so an edit in progress is never clobbered. */
export class SettingsForm {
  shopName = $state('');
  timeZone = $state('');
  currency = $state('');
  fieldErrors = $state.raw<FieldErrors>({});
  formErrors = $state.raw<string[]>([]);
  /** A failure that is not about a field (network, expired session, internal error). */
  error = $state.raw<ApiErrorBody | null>(null);
  saving = $state(false);
  saved = $state(false);
  /** The last save changed the zone or the currency: the next sync reads the history again (say so). */
  rereads = $state(false);
  #baseline = $state.raw<Settings | null>(null);
  #settings: SettingsState;

  dirty = $derived(
    this.#baseline !== null &&
      (this.shopName !== this.#baseline.shopName ||
        this.timeZone !== this.#baseline.timeZone ||
        this.currency !== this.#baseline.currency),
  );

  constructor(settings: SettingsState) {
    this.#settings = settings;
  }

  reset(from: Settings): void {
    this.#baseline = from;
    this.shopName = from.shopName;
    this.timeZone = from.timeZone;
    this.currency = from.currency;
  }

  /** Takes newer settings unless the user has unsaved edits. */
  follow(next: Settings): void {
    if (!this.dirty) this.reset(next);
  }

  async save(): Promise<boolean> {
    this.saving = true;
    this.saved = false;
    this.error = null;
    const result = await this.#settings.save({
      shopName: this.shopName,
      timeZone: this.timeZone,
      currency: this.currency,
    });
    this.saving = false;
    if (result.ok) {
      this.fieldErrors = {};
      this.formErrors = [];
      const was = this.#baseline;
      this.rereads =
        was !== null && (was.timeZone !== result.value.timeZone || was.currency !== result.value.currency);
      this.reset(result.value);
      this.saved = true;
      return true;
    }
    const flattened = result.error.code === 'BAD_INPUT' ? readFlattenedErrors(result.error.details) : null;
    if (flattened) {
      this.fieldErrors = flattened.fieldErrors;
      this.formErrors = flattened.formErrors;
    } else {
      this.fieldErrors = {};
      this.formErrors = [];
      this.error = result.error;
    }
    return false;
  }
}
