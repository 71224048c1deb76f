import type { OperationOutput } from '../../../src-main/core/api/contract.ts';
import type { ApiClient, ApiErrorBody } from './api.ts';

export type DecisionEntry = OperationOutput<'reconcile:decisions'>['items'][number];

const PAGE = 100;

/** The Reconcile view's Activity tab: the decisions made, newest first, a page at a time. */
export class DecisionLog {
  items = $state.raw<DecisionEntry[]>([]);
  status = $state<'idle' | 'loading' | 'ready' | 'error'>('idle');
  error = $state.raw<ApiErrorBody | null>(null);
  more = $state(false);
  #api: ApiClient;

  constructor(api: ApiClient) {
    this.#api = api;
  }

  async load(more = false): Promise<void> {
    const beforeId = more ? this.items.at(-1)?.id : undefined;
    if (!more) this.status = 'loading';
    const result = await this.#api.call('reconcile:decisions', { limit: PAGE, beforeId });
    if (!result.ok) {
      this.error = result.error;
      this.status = 'error';
      return;
    }
    this.items = more ? [...this.items, ...result.value.items] : result.value.items;
    this.more = result.value.items.length === PAGE;
    this.error = null;
    this.status = 'ready';
  }
}
