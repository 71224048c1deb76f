import type { OperationInput, OperationOutput } from '../../../src-main/core/api/contract.ts';
import type { ApiClient, ApiErrorBody } from './api.ts';
import { shiftInstant } from './reconcile-period.ts';

type Result = OperationOutput<'reconcile:candidates'>;
export type Candidate = Result['items'][number];

/** How far Find match may widen the prefilled search: a share of the amount, and hours either side. */
export const AMOUNT_SPREADS = [
  { id: 0, label: 'Exactly this amount' },
  { id: 0.01, label: 'Within 1 %' },
  { id: 0.05, label: 'Within 5 %' },
  { id: 0.25, label: 'Within 25 %' },
  { id: 1, label: 'Any amount up to double' },
] as const;
export const TIME_SPREADS = [
  { id: 1, label: 'Within an hour' },
  { id: 24, label: 'Within a day' },
  { id: 72, label: 'Within 3 days' },
  { id: 168, label: 'Within a week' },
] as const;

/**
 * The Find match panel: candidates for the unmatched record on screen, in a window prefilled around it
 * (its amount, a day either side) that the person can widen; the selected candidate links with L.
 */
export class MatchFinder {
  key = $state<string | null>(null);
  result = $state.raw<Result | null>(null);
  status = $state<'idle' | 'loading' | 'ready' | 'error'>('idle');
  error = $state.raw<ApiErrorBody | null>(null);
  selected = $state(-1);
  amountSpread = $state<number>(0);
  hours = $state<number>(24);
  #api: ApiClient;
  #generation = 0;

  constructor(api: ApiClient) {
    this.#api = api;
  }

  get items(): Candidate[] {
    return this.result?.items ?? [];
  }

  get current(): Candidate | null {
    return this.items[this.selected] ?? null;
  }

  clear(): void {
    this.#generation += 1;
    this.key = null;
    this.result = null;
    this.status = 'idle';
    this.selected = -1;
  }

  async open(key: string): Promise<void> {
    if (key !== this.key) {
      this.result = null;
      this.amountSpread = 0;
      this.hours = 24;
    }
    this.key = key;
    await this.search();
  }

  async widen(amountSpread: number, hours: number): Promise<void> {
    this.amountSpread = amountSpread;
    this.hours = hours;
    await this.search();
  }

  async search(): Promise<void> {
    if (!this.key) return;
    const generation = ++this.#generation;
    this.status = 'loading';
    const input: OperationInput<'reconcile:candidates'> = { key: this.key };
    const anchor = this.result?.record;
    if (anchor) {
      // The record's amount and time come from the first answer; widening works around them.
      const spread = Math.ceil(Math.abs(anchor.amountMinor) * this.amountSpread);
      input.minMinor = anchor.amountMinor - spread;
      input.maxMinor = anchor.amountMinor + spread;
      input.from = shiftInstant(anchor.occurredAt, -this.hours);
      input.to = shiftInstant(anchor.occurredAt, this.hours);
    }
    const result = await this.#api.call('reconcile:candidates', input);
    if (generation !== this.#generation) return;
    if (result.ok) {
      this.result = result.value;
      this.error = null;
      this.status = 'ready';
      this.selected = result.value.items.findIndex((c) => c.linkable);
    } else {
      this.result = null;
      this.error = result.error;
      this.status = 'error';
    }
  }

  move(delta: number): void {
    if (!this.items.length) return;
    this.selected = Math.min(this.items.length - 1, Math.max(0, this.selected + delta));
  }
}
