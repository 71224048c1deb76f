import type { TransactionSummary } from '../../../src-main/core/api/schemas.ts';
import type { ApiClient, ApiErrorBody } from './api.ts';

export const PAGE_SIZE = 100;

/** The cached transactions, one keyset page at a time. */
export class TransactionsState {
  /** Raw: rows are replaced, never mutated, and a deep proxy over thousands of rows buys nothing. */
  items = $state.raw<TransactionSummary[]>([]);
  nextCursor = $state<string | null>(null);
  status = $state<'idle' | 'loading' | 'ready' | 'error'>('idle');
  loadingMore = $state(false);
  error = $state.raw<ApiErrorBody | null>(null);
  #api: ApiClient;

  constructor(api: ApiClient) {
    this.#api = api;
  }

  get isEmpty(): boolean {
    return this.status === 'ready' && this.items.length === 0;
  }

  async loadFirst(): Promise<void> {
    this.status = 'loading';
    this.error = null;
    const result = await this.#api.call('transactions:list', { limit: PAGE_SIZE });
    if (result.ok) {
      this.items = result.value.items;
      this.nextCursor = result.value.nextCursor;
      this.status = 'ready';
    } else {
      this.error = result.error;
      this.status = 'error';
    }
  }

  async loadMore(): Promise<void> {
    if (!this.nextCursor || this.loadingMore) return;
    this.loadingMore = true;
    this.error = null;
    const result = await this.#api.call('transactions:list', { limit: PAGE_SIZE, cursor: this.nextCursor });
    this.loadingMore = false;
    if (result.ok) {
      this.items = [...this.items, ...result.value.items];
      this.nextCursor = result.value.nextCursor;
    } else {
      // Rows already shown stay; the error sits next to the button so the user can retry.
      this.error = result.error;
    }
  }
}
