import type {
  SearchFilters,
  SearchSort,
  SearchTotals,
  TransactionDetail,
  TransactionSummary,
} from '../../../src-main/core/api/schemas.ts';
import type { ReconState } from '../../../src-main/core/model/recon-state.ts';
import type { SearchFacets } from '../../../src-main/core/search/facets.ts';
import type { ApiClient, ApiErrorBody } from './api.ts';
import { RECON_STATES } from './catalog.ts';
import { ChainState } from './chain-state.svelte.ts';

export const PAGE_SIZE = 200;

/** Filters other than the text, each shown as a removable chip. */
export type FilterKey = Exclude<keyof SearchFilters, 'text'>;

/**
 * The Transactions view's search: filters, the rows loaded so far (keyset pages appended as the user
 * scrolls), the totals of the whole filter, and the open detail. Every request carries a generation so
 * an answer to an older search never overwrites a newer one.
 */
export class TransactionsState {
  text = $state('');
  filters = $state.raw<Omit<SearchFilters, 'text'>>({});
  sort = $state<SearchSort>('time_desc');
  /** Raw: rows are replaced, never mutated, and a deep proxy over 100k rows buys nothing. */
  items = $state.raw<TransactionSummary[]>([]);
  nextCursor = $state<string | null>(null);
  status = $state<'idle' | 'loading' | 'ready' | 'error'>('idle');
  loadingMore = $state(false);
  error = $state.raw<ApiErrorBody | null>(null);
  totals = $state.raw<SearchTotals | null>(null);
  /** Part of a link into the list that could not be read (see `applyLink`). */
  linkProblem = $state<string | null>(null);
  /** What the cache holds, for the filter lists (null until read, or when it could not be read). */
  facets = $state.raw<SearchFacets | null>(null);
  /** Whether the cache holds anything at all, so "no results" and "nothing synced yet" differ. */
  cacheEmpty = $state(false);
  selected = $state(-1);
  detail = $state.raw<TransactionDetail | null>(null);
  /**
   * Counts detail requests: only the latest may show its answer, so a detail closed (Escape) while a
   * second click's request was still out does not open again when that answer arrives.
   */
  #detailRequest = 0;
  detailError = $state.raw<ApiErrorBody | null>(null);
  /** The open record's reconciliation chain (or, for a payout, what it settles). */
  readonly chain: ChainState;
  #api: ApiClient;
  #generation = 0;

  constructor(api: ApiClient) {
    this.#api = api;
    this.chain = new ChainState(api);
  }

  get hasQuery(): boolean {
    return this.text.trim() !== '' || Object.keys(this.filters).length > 0;
  }

  get isEmpty(): boolean {
    return this.status === 'ready' && this.items.length === 0;
  }

  #query(): SearchFilters & { sort: SearchSort } {
    const text = this.text.trim();
    return { ...this.filters, ...(text ? { text } : {}), sort: this.sort };
  }

  /** Reads what the cache holds; the filters fall back to the full lists when this fails. */
  async loadFacets(): Promise<void> {
    const result = await this.#api.call('transactions:facets', {});
    if (result.ok) this.facets = result.value;
  }

  /** Runs the search from the first page; the totals come in a second call so the rows show first. */
  async search(): Promise<void> {
    const generation = ++this.#generation;
    const query = this.#query();
    this.status = 'loading';
    this.error = null;
    this.totals = null;
    this.selected = -1;
    const totals = this.#api.call('transactions:search', { ...query, limit: 0, totals: true });
    const page = await this.#api.call('transactions:search', { ...query, limit: PAGE_SIZE });
    if (generation !== this.#generation) return;
    if (page.ok) {
      this.items = page.value.items;
      this.nextCursor = page.value.nextCursor;
      this.status = 'ready';
    } else {
      this.items = [];
      this.error = page.error;
      this.status = 'error';
    }
    const t = await totals;
    if (generation !== this.#generation || !t.ok) return;
    this.totals = t.value.totals;
    if (!this.hasQuery) this.cacheEmpty = (t.value.totals?.matched ?? 0) === 0;
  }

  async loadMore(): Promise<void> {
    if (!this.nextCursor || this.loadingMore || this.status !== 'ready') return;
    const generation = this.#generation;
    this.loadingMore = true;
    const result = await this.#api.call('transactions:search', {
      ...this.#query(),
      limit: PAGE_SIZE,
      cursor: this.nextCursor,
    });
    this.loadingMore = false;
    if (generation !== this.#generation) return;
    if (result.ok) {
      this.items = [...this.items, ...result.value.items];
      this.nextCursor = result.value.nextCursor;
      this.error = null;
    } else {
      // Rows already shown stay; the error offers a retry.
      this.error = result.error;
    }
  }

  setFilter<K extends FilterKey>(key: K, value: SearchFilters[K] | undefined): void {
    const next = { ...this.filters };
    if (value === undefined || (Array.isArray(value) && value.length === 0)) delete next[key];
    else next[key] = value;
    this.filters = next;
    void this.search();
  }

  setSort(sort: SearchSort): void {
    this.sort = sort;
    void this.search();
  }

  clear(): void {
    this.text = '';
    this.filters = {};
    this.linkProblem = null;
    void this.search();
  }

  /**
   * A link into the list (`#/transactions?q=Kari&state=review,unmatched&from=2026-11-01&to=…`), from
   * another view or a bookmark: replaces the search with it. What cannot be read is left out and said,
   * so a mistyped link never shows a list that silently ignores part of it.
   */
  applyLink(params: URLSearchParams): void {
    if (![...params.keys()].length) return;
    const filters: Omit<SearchFilters, 'text'> = {};
    const unread: string[] = [];
    const states = (params.get('state') ?? '').split(',').filter(Boolean);
    const known = states.filter((s): s is ReconState => (RECON_STATES as readonly string[]).includes(s));
    if (known.length) filters.reconStates = known;
    if (known.length < states.length) unread.push(`state “${params.get('state')}”`);
    for (const [param, key] of [
      ['from', 'dateFrom'],
      ['to', 'dateTo'],
    ] as const) {
      const value = params.get(param);
      if (value === null) continue;
      if (/^\d{4}-\d{2}-\d{2}$/.test(value) && !Number.isNaN(Date.parse(`${value}T00:00:00Z`)))
        filters[key] = value;
      else unread.push(`${param} “${value}”`);
    }
    this.text = params.get('q') ?? '';
    this.filters = filters;
    this.linkProblem = unread.length
      ? `This link's ${unread.join(' and ')} could not be read, so the list is not narrowed by it.`
      : null;
    void this.search();
  }

  move(delta: number): void {
    if (this.items.length === 0) return;
    this.selected = Math.min(this.items.length - 1, Math.max(0, this.selected + delta));
    if (this.selected >= this.items.length - 20) void this.loadMore();
  }

  async open(index = this.selected): Promise<void> {
    const row = this.items[index];
    if (!row) return;
    this.selected = index;
    this.detailError = null;
    const request = ++this.#detailRequest;
    void this.chain.load(row.id, row.kind);
    const result = await this.#api.call('transactions:get', { id: row.id });
    if (request !== this.#detailRequest || this.items[this.selected]?.id !== row.id) return;
    if (result.ok) this.detail = result.value;
    else this.detailError = result.error;
  }

  /** Opens any record by id (a step of a chain), whether or not the list shows it. */
  async openRecord(id: number, kind: string): Promise<void> {
    this.detailError = null;
    const request = ++this.#detailRequest;
    void this.chain.load(id, kind);
    const result = await this.#api.call('transactions:get', { id });
    if (request !== this.#detailRequest || this.chain.forId !== id) return;
    if (result.ok) this.detail = result.value;
    else this.detailError = result.error;
  }

  close(): void {
    this.#detailRequest++;
    this.detail = null;
    this.detailError = null;
    this.chain.clear();
  }
}
