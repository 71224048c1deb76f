import type { OperationInput, OperationOutput } from '../../../src-main/core/api/contract.ts';
import type { ApiClient, ApiErrorBody } from './api.ts';
import { readFlattenedErrors } from './settings-state.svelte.ts';

type MatchingSettings = OperationOutput<'reconcile:settings'>;
type Patch = OperationInput<'reconcile:configure'>;
type FxRate = MatchingSettings['fxRates'][number];

/** The single-number settings the form edits as text; a field's name is its path in the core's errors. */
export const NUMBER_FIELDS = [
  'autoAcceptScore',
  'reviewScore',
  'minMargin',
  'timeWindowMinutes',
  'pendingDays',
  'tipMaxPercent',
  'tipMaxAmount',
  'fxTolerancePercent',
] as const;
export type NumberField = (typeof NUMBER_FIELDS)[number];

/** One row of the rates table as typed; `key` keeps a row's inputs its own while rows come and go. */
export interface RateRow {
  key: number;
  currency: string;
  rate: string;
  from: string;
  /** Empty while the rate still applies. */
  to: string;
}

/** Errors keyed by the core's path: `reviewScore`, `fxRates.2.rate`, or `fxRates` for the table. */
export type PathErrors = Record<string, string[]>;

const byCurrencyThenFrom = (a: { currency: string; from: string }, b: { currency: string; from: string }) =>
  a.currency.localeCompare(b.currency) || a.from.localeCompare(b.from);

/**
 * The core reports each bad value with its path in `details.fields` (`fxRates.2.rate`), from its own
 * check of the merged settings (review above auto-accept) and from the contract's input check alike.
 * Flattened errors alone, keyed by the top-level field only, are read too.
 */
export function readPathErrors(details: unknown): { fields: PathErrors; form: string[] } | null {
  const fields: PathErrors = {};
  const list = (details as { fields?: unknown } | null)?.fields;
  if (Array.isArray(list)) {
    for (const item of list as { path?: unknown; message?: unknown }[])
      (fields[String(item.path ?? '')] ??= []).push(String(item.message));
    return { fields, form: fields[''] ?? [] };
  }
  const flat = readFlattenedErrors(details);
  if (!flat) return null;
  return { fields: flat.fieldErrors as PathErrors, form: flat.formErrors };
}

/**
 * The Matching section's draft and what happens after a save: the core marks every day to be matched
 * again under the new settings, and this starts that run without holding up the form.
 */
export class MatchingSettingsForm {
  numbers = $state<Record<NumberField, string>>(
    Object.fromEntries(NUMBER_FIELDS.map((f) => [f, ''])) as Record<NumberField, string>,
  );
  rates = $state<RateRow[]>([]);
  loaded = $state.raw<MatchingSettings | null>(null);
  loadError = $state.raw<ApiErrorBody | null>(null);
  errors = $state.raw<PathErrors>({});
  formErrors = $state.raw<string[]>([]);
  /** A failure that is not about a field (network, expired session, internal error). */
  error = $state.raw<ApiErrorBody | null>(null);
  saving = $state(false);
  saved = $state(false);
  run = $state<'idle' | 'running' | 'done'>('idle');
  runProgress = $state.raw<{ phase: string; done: number; total: number } | null>(null);
  runError = $state.raw<ApiErrorBody | null>(null);
  #nextKey = 0;
  #api: ApiClient;

  constructor(api: ApiClient) {
    this.#api = api;
  }

  async load(): Promise<void> {
    const result = await this.#api.call('reconcile:settings', {});
    if (result.ok) {
      this.loadError = null;
      this.reset(result.value);
    } else this.loadError = result.error;
  }

  reset(from: MatchingSettings): void {
    this.loaded = from;
    for (const f of NUMBER_FIELDS) this.numbers[f] = String(from[f]);
    this.rates = [...from.fxRates].sort(byCurrencyThenFrom).map((r) => this.#row(r));
  }

  addRate(currency = ''): void {
    this.rates.push({ key: this.#nextKey++, currency, rate: '', from: '', to: '' });
  }

  removeRate(key: number): void {
    this.rates = this.rates.filter((r) => r.key !== key);
  }

  /** The draft as the core takes it, or the fields that are not numbers at all. */
  #read(): { patch: Patch } | { bad: PathErrors } {
    const bad: PathErrors = {};
    const num = (path: string, text: string) => {
      const value = text.trim() === '' ? NaN : Number(text.trim().replace(',', '.'));
      if (!Number.isFinite(value)) bad[path] = ['Enter a number, for example 0.8'];
      return value;
    };
    const patch: Record<string, unknown> = {};
    for (const f of NUMBER_FIELDS) patch[f] = num(f, this.numbers[f]);
    // Sent in the order shown after a save, so the core's row numbers point at the rows on screen.
    const rows = this.rates
      .map((r) => ({ ...r, currency: r.currency.trim().toUpperCase() }))
      .sort(byCurrencyThenFrom);
    this.rates = rows;
    patch.fxRates = rows.map((r, i) => {
      // The contract's answer to an empty date is zod's "Invalid ISO date", keyed to no row.
      if (!r.from) bad[`fxRates.${i}.from`] = ['Pick the first day this rate applies'];
      const rate = num(`fxRates.${i}.rate`, r.rate);
      return { currency: r.currency, rate, from: r.from, to: r.to === '' ? null : r.to };
    });
    return Object.keys(bad).length ? { bad } : { patch: patch as Patch };
  }

  async save(): Promise<boolean> {
    this.saved = false;
    this.error = null;
    // "Matched again" spoke of the last save; a run still going keeps its progress line.
    if (this.run === 'done') this.run = 'idle';
    this.runError = null;
    const read = this.#read();
    if ('bad' in read) {
      this.errors = read.bad;
      this.formErrors = [];
      return false;
    }
    this.saving = true;
    const result = await this.#api.call('reconcile:configure', read.patch);
    this.saving = false;
    if (result.ok) {
      this.errors = {};
      this.formErrors = [];
      this.reset(result.value);
      this.saved = true;
      void this.#runAgain();
      return true;
    }
    const found = result.error.code === 'BAD_INPUT' ? readPathErrors(result.error.details) : null;
    this.errors = found?.fields ?? {};
    this.formErrors = found?.form ?? [];
    if (!found) this.error = result.error;
    return false;
  }

  /** Rebuilds the matches under the saved settings; the form stays usable meanwhile. */
  async #runAgain(): Promise<void> {
    this.run = 'running';
    this.runProgress = null;
    this.runError = null;
    const result = await this.#api.call('reconcile:run', { full: false });
    this.run = result.ok ? 'done' : 'idle';
    if (!result.ok) this.runError = result.error;
  }

  /** Progress of the run started after a save (or one already under way, which that call joins). */
  listen(): () => void {
    return this.#api.on('reconcile:progress', (p) => {
      if (this.run === 'running') this.runProgress = p;
    });
  }

  #row(r: FxRate): RateRow {
    return { key: this.#nextKey++, currency: r.currency, rate: String(r.rate), from: r.from, to: r.to ?? '' };
  }
}
