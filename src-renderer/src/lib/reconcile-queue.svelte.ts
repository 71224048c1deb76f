import type { OperationInput, OperationOutput } from '../../../src-main/core/api/contract.ts';
import type { ApiClient, ApiErrorBody, CallResult } from './api.ts';

export type QueueItem = OperationOutput<'reconcile:list'>['items'][number];
export type QueueQuery = Omit<OperationInput<'reconcile:list'>, 'cursor' | 'limit'>;

export const QUEUE_PAGE = 200;

/**
 * One reconciliation list (review, unmatched, a discrepancy class), keyset-paged from the contract as
 * the user scrolls or moves down. A generation guards every answer so an older query never lands on a
 * newer one. A grid cell's day and provider column are part of the query: the contract narrows and pages.
 */
export class ReconcileQueue {
  items = $state.raw<QueueItem[]>([]);
  nextCursor = $state<string | null>(null);
  status = $state<'idle' | 'loading' | 'ready' | 'error'>('idle');
  loadingMore = $state(false);
  error = $state.raw<ApiErrorBody | null>(null);
  selected = $state(-1);
  query = $state.raw<QueueQuery>({ state: 'review' });
  #api: ApiClient;
  #generation = 0;

  constructor(api: ApiClient) {
    this.#api = api;
  }

  get current(): QueueItem | null {
    return this.items[this.selected] ?? null;
  }

  /** Loads the first page; keeps the selection on the same key when it is still listed. */
  async load(query: QueueQuery = this.query, keepKey = this.current?.key): Promise<void> {
    const generation = ++this.#generation;
    this.query = query;
    this.status = this.items.length && keepKey ? this.status : 'loading';
    this.error = null;
    const result = await this.#api.call('reconcile:list', { ...query, limit: QUEUE_PAGE });
    if (generation !== this.#generation) return;
    if (!result.ok) {
      this.items = [];
      this.error = result.error;
      this.status = 'error';
      this.selected = -1;
      return;
    }
    this.items = result.value.items;
    this.nextCursor = result.value.nextCursor;
    this.status = 'ready';
    const at = keepKey ? this.items.findIndex((i) => i.key === keepKey) : -1;
    this.selected =
      at >= 0 ? at : this.items.length ? Math.min(Math.max(this.selected, 0), this.items.length - 1) : -1;
  }

  async loadMore(): Promise<void> {
    if (!this.nextCursor || this.loadingMore || this.status !== 'ready') return;
    const generation = this.#generation;
    this.loadingMore = true;
    const result = await this.#api.call('reconcile:list', {
      ...this.query,
      limit: QUEUE_PAGE,
      cursor: this.nextCursor,
    });
    this.loadingMore = false;
    if (generation !== this.#generation) return;
    if (!result.ok) {
      this.error = result.error;
      return;
    }
    this.items = [...this.items, ...result.value.items];
    this.nextCursor = result.value.nextCursor;
    if (this.selected < 0 && this.items.length) this.selected = 0;
  }

  move(delta: number): void {
    if (!this.items.length) return;
    this.selected = Math.min(this.items.length - 1, Math.max(0, this.selected + delta));
    if (this.selected >= this.items.length - 20) void this.loadMore();
  }

  /** Takes a decided item out at once, leaving the selection on the item that followed it. */
  remove(key: string): void {
    const at = this.items.findIndex((i) => i.key === key);
    if (at < 0) return;
    this.items = this.items.filter((_, i) => i !== at);
    if (this.selected >= this.items.length) this.selected = this.items.length - 1;
  }

  /** A group reloaded after a stale decision: its new version replaces the one shown. */
  update(key: string, patch: Partial<QueueItem>): void {
    this.items = this.items.map((i) => (i.key === key ? { ...i, ...patch } : i));
  }

  /** Review items at or above a score, over every page of the days (and column) given. */
  async reviewAtLeast(
    scope: Omit<QueueQuery, 'state' | 'class'>,
    score: number,
  ): Promise<QueueItem[] | ApiErrorBody> {
    const found: QueueItem[] = [];
    let cursor: string | null = null;
    do {
      const page: CallResult<'reconcile:list'> = await this.#api.call('reconcile:list', {
        state: 'review',
        ...scope,
        limit: 500,
        cursor,
      });
      if (!page.ok) return page.error;
      for (const i of page.value.items) if ((i.score ?? 0) >= score) found.push(i);
      cursor = page.value.nextCursor;
    } while (cursor);
    return found;
  }
}
