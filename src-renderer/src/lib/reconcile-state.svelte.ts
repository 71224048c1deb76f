import type { OperationOutput } from '../../../src-main/core/api/contract.ts';
import { tabCounts, type TabCounts } from './reconcile-counts.ts';
import type { ApiClient, ApiErrorBody } from './api.ts';
import { DecisionLog, type DecisionEntry } from './decision-log.svelte.ts';
import { MatchFinder, type Candidate } from './match-finder.svelte.ts';
import type { ReconcileLink } from './reconcile-link.ts';
import { periodRange, shopToday, type PeriodId } from './reconcile-period.ts';
import { ReconcileQueue, type QueueItem, type QueueQuery } from './reconcile-queue.svelte.ts';

export type Summary = OperationOutput<'reconcile:summary'>;
export type Explanation = OperationOutput<'reconcile:explain'>;
export type DiscrepancyClassId = Summary['classes'][number]['class'];
export type Tab = 'review' | 'unmatched' | 'discrepancy' | 'activity';

export interface Toast {
  message: string;
  /** Whether the toast offers "Undo" (the latest decision is still in force). */
  undoable: boolean;
  tone: 'info' | 'error';
}

const invoiceOf = (key: string) => key.split(':').at(-1) ?? key;

/** What `reconcile:explain` takes for a list item: a lone payment's discrepancy has no sale group. */
export function explainKey(item: QueueItem): string {
  return item.key.startsWith('discrepancy:') && item.transactionIds[0]
    ? `payment:${item.transactionIds[0]}`
    : item.key;
}

/** How many of a sale's payments and refunds wait for a decision (Accept and Reject take them all). */
export function waitingItems(d: Explanation): number {
  const n = (xs: { status: string }[]) => xs.filter((x) => x.status === 'suggested').length;
  return n(d.pairs) + n(d.refunds);
}

/**
 * The Reconcile view's state: the period's summary (cards and day × provider grid), the open counts,
 * the queue on screen with the explanation of its selected item, decisions with their undo toast, and
 * the activity list. Decisions are refused when the group changed since it was shown (STALE); the
 * item is then reloaded so the person decides on what is there now.
 */
export class ReconcileState {
  period = $state<PeriodId>('yesterday');
  timeZone = $state<string | undefined>(undefined);
  summary = $state.raw<Summary | null>(null);
  /** Every day: what is still open, whatever the period (the cards' counts). */
  open = $state.raw<Summary | null>(null);
  /** The days a link narrows the queues to (null while loading, or when no link narrows them). */
  scoped = $state.raw<Summary | null>(null);
  summaryStatus = $state<'idle' | 'loading' | 'ready' | 'error'>('idle');
  summaryError = $state.raw<ApiErrorBody | null>(null);
  cell = $state.raw<{ date: string; provider: string } | null>(null);
  /** Days a link named (the Dashboard's period): the overview and the queues cover them instead of the period. */
  span = $state.raw<{ from: string; to: string } | null>(null);
  tab = $state<Tab>('review');
  unmatchedSide = $state<'sales' | 'payments'>('sales');
  discrepancyClass = $state<DiscrepancyClassId | null>(null);
  detail = $state.raw<Explanation | null>(null);
  detailError = $state.raw<ApiErrorBody | null>(null);
  /** Shown over the detail after a refused decision, in the core's plain words. */
  notice = $state<string | null>(null);
  busy = $state(false);
  toast = $state.raw<Toast | null>(null);
  readonly activity: DecisionLog;
  readonly queue: ReconcileQueue;
  readonly finder: MatchFinder;
  #api: ApiClient;
  #detailFor = '';
  /** Runs our own decisions caused: their `reconcile:changed` event needs no second reload. */
  #ownRuns = 0;
  /** The decisions the latest one made (accepting a sale accepts its payment and its refunds): undo takes them all. */
  #lastDecisions: number[] = [];

  constructor(api: ApiClient) {
    this.#api = api;
    this.queue = new ReconcileQueue(api);
    this.finder = new MatchFinder(api);
    this.activity = new DecisionLog(api);
  }

  /** What the tabs count, over what the lists show (see `tabCounts`). */
  get counts(): TabCounts | null {
    return tabCounts(this.span ? this.scoped : this.open, this.cell, this.summary);
  }

  /** The queues show everything still open, unless a grid cell or a link narrows them to its days. */
  #days(): { from?: string; to?: string } {
    return this.cell ? { from: this.cell.date, to: this.cell.date } : (this.span ?? {});
  }

  /** What the lists are narrowed to: the days, and under a grid cell its provider column. */
  #scope(): { from?: string; to?: string; provider?: string } {
    return this.cell ? { ...this.#days(), provider: this.cell.provider } : this.#days();
  }

  get range() {
    return this.span ?? periodRange(this.period, shopToday(this.timeZone));
  }

  /** Opens the queue and the days a link points at (call before loading). */
  applyLink(link: ReconcileLink): void {
    this.span = link.span;
    this.cell = null;
    this.scoped = null;
    if (link.tab) {
      this.tab = link.tab;
      this.unmatchedSide = 'sales';
      this.discrepancyClass = link.discrepancyClass;
    }
  }

  async loadSummary(): Promise<void> {
    this.summaryStatus = this.summary ? this.summaryStatus : 'loading';
    const [period, open] = await Promise.all([
      this.#api.call('reconcile:summary', this.range),
      this.#api.call('reconcile:summary', {}),
      this.#loadScoped(),
    ]);
    if (period.ok && open.ok) {
      this.summary = period.value;
      this.open = open.value;
      this.summaryError = null;
      this.summaryStatus = 'ready';
    } else {
      this.summaryError = !period.ok ? period.error : !open.ok ? open.error : null;
      this.summaryStatus = 'error';
    }
  }

  async #loadScoped(): Promise<void> {
    const span = this.span;
    if (!span) return;
    const scoped = await this.#api.call('reconcile:summary', span);
    // Only the answer for the days the lists still show may count them.
    if (scoped.ok && span === this.span) this.scoped = scoped.value;
  }

  setPeriod(period: PeriodId): void {
    this.period = period;
    this.span = null;
    this.cell = null;
    void this.loadSummary();
    void this.reloadQueue();
  }

  /** A grid cell narrows the queues to that day and provider; the same cell again widens them back. */
  setCell(cell: { date: string; provider: string } | null): void {
    const same = cell && this.cell?.date === cell.date && this.cell.provider === cell.provider;
    this.cell = same ? null : cell;
    void this.reloadQueue(null);
  }

  setTab(tab: Tab): void {
    this.tab = tab;
    if (tab === 'activity') void this.loadActivity();
    else void this.reloadQueue(null);
  }

  setUnmatchedSide(side: 'sales' | 'payments'): void {
    this.unmatchedSide = side;
    void this.reloadQueue(null);
  }

  setDiscrepancyClass(c: DiscrepancyClassId | null): void {
    this.discrepancyClass = c;
    void this.reloadQueue(null);
  }

  #query(): QueueQuery {
    const day = this.#scope();
    if (this.tab === 'unmatched')
      return this.unmatchedSide === 'sales'
        ? { state: 'unmatched', ...day }
        : { state: 'discrepancy', class: 'payment_without_sale', ...day };
    if (this.tab === 'discrepancy') return { state: 'discrepancy', class: this.discrepancyClass, ...day };
    return { state: 'review', ...day };
  }

  async reloadQueue(keepKey: string | null | undefined = undefined): Promise<void> {
    if (this.tab === 'activity') return;
    await this.queue.load(this.#query(), keepKey === null ? undefined : (keepKey ?? this.queue.current?.key));
    await this.openCurrent();
  }

  /** Explains the selected item (once per key), and prepares Find match for unmatched ones. */
  async openCurrent(force = false): Promise<void> {
    const item = this.queue.current;
    if (!item) {
      this.detail = null;
      this.#detailFor = '';
      this.finder.clear();
      return;
    }
    const key = explainKey(item);
    if (!force && key === this.#detailFor && this.detail) return;
    this.#detailFor = key;
    if (!force) this.notice = null;
    const result = await this.#api.call('reconcile:explain', { key });
    if (this.#detailFor !== key) return;
    if (result.ok && this.tab === 'review' && result.value.state !== 'review') {
      // A decision can settle other suggestions too (a tie's twin, once its rival is taken): one that no
      // longer waits for a decision leaves the list, and the one after it is opened.
      this.queue.remove(item.key);
      return this.openCurrent(force);
    }
    if (result.ok) {
      this.detail = result.value;
      this.detailError = null;
      if (this.tab === 'unmatched') void this.finder.open(key);
      else this.finder.clear();
    } else {
      this.detail = null;
      this.detailError = result.error;
    }
  }

  move(delta: number): void {
    this.queue.move(delta);
    void this.openCurrent();
  }

  select(index: number): void {
    this.queue.selected = index;
    void this.openCurrent();
  }

  /** Accept or reject the selected suggestion, as shown (with its version). */
  async decide(action: 'accept' | 'reject'): Promise<void> {
    const item = this.queue.current;
    if (!item || this.busy || this.tab !== 'review') return;
    // A key pressed right after J acts on the item now selected: its explanation, with the version the
    // decision is checked against, must be the one loaded, never the previous item's still on screen.
    if (this.detail?.key !== item.key) await this.openCurrent(true);
    if (this.queue.current !== item || this.busy || !this.detail || this.detail.key !== item.key) return;
    const verb = action === 'accept' ? 'Accepted' : 'Rejected';
    await this.#decide(
      { action, groupKey: item.key, version: this.detail.version },
      `${verb}: sale ${invoiceOf(item.key)}${action === 'accept' ? ' is linked to its payment' : ' goes back to unmatched; that payment will not be suggested for it again'}.`,
      item.key,
    );
  }

  /** Accepts or rejects one of the items a sale waits on (a refund, a split's payment): see `openCurrent`. */
  async decideOne(action: 'accept' | 'reject', transactionId: number): Promise<void> {
    const item = this.queue.current;
    const d = this.detail;
    if (!item || !d || d.key !== item.key || this.busy || this.tab !== 'review') return;
    const what = d.refunds.some((r) => r.refundId === transactionId) ? 'refund' : 'payment';
    const sale = invoiceOf(item.key);
    await this.#decide(
      { action, groupKey: item.key, version: d.version, transactionId },
      action === 'accept'
        ? `Accepted: that ${what} is linked to sale ${sale}.`
        : `Rejected: that ${what} will not be suggested for sale ${sale} again.`,
      null,
    );
  }

  /** Links a Find match candidate (L): the sale's group and version come with the candidate. */
  async link(candidate: Candidate | null = this.finder.current): Promise<void> {
    if (!candidate || !candidate.linkable || this.busy) return;
    const item = this.queue.current;
    await this.#decide(
      { action: 'link', ...candidate.link },
      `Linked: sale ${invoiceOf(candidate.link.groupKey)} now holds that payment.`,
      item?.key ?? null,
    );
  }

  async #decide(
    input: {
      action: 'accept' | 'reject' | 'link';
      groupKey: string;
      version: string | null;
      transactionId?: number;
    },
    done: string,
    itemKey: string | null,
  ): Promise<void> {
    this.busy = true;
    this.#ownRuns += 1;
    const result = await this.#api.call('reconcile:decide', input);
    this.busy = false;
    if (result.ok) {
      this.#lastDecisions = result.value.decisions.map((d) => d.id);
      this.notice = null;
      this.toast = { message: done, undoable: true, tone: 'info' };
      if (itemKey) this.queue.remove(itemKey);
      this.#detailFor = '';
      await this.openCurrent();
      void this.loadSummary();
      return;
    }
    this.#ownRuns -= 1;
    this.toast = null;
    this.notice = result.error.message;
    if (['STALE', 'NOT_FOUND', 'NOTHING_TO_DECIDE'].includes(result.error.code)) {
      // Decide on what is there now: the item and the list are reloaded, the message stays.
      await this.reloadQueue();
      await this.openCurrent(true);
    }
  }

  /**
   * Undoes the latest decision (Ctrl+Z or the toast): every record it decided on, newest first; or the
   * one decision given from the activity list.
   */
  async undo(decisionId?: number): Promise<void> {
    if (this.busy) return;
    const ids = decisionId ? [decisionId] : [...this.#lastDecisions].sort((a, b) => b - a);
    this.#lastDecisions = [];
    this.busy = true;
    let undone: DecisionEntry | null = null;
    let failed: ApiErrorBody | null = null;
    for (const id of ids.length ? ids : [undefined]) {
      this.#ownRuns += 1;
      const result = await this.#api.call('reconcile:undo', id ? { decisionId: id } : {});
      if (result.ok) undone = result.value.undone;
      else {
        this.#ownRuns -= 1;
        failed = result.error;
        break;
      }
    }
    this.busy = false;
    if (!undone) {
      this.toast = {
        message: failed?.message ?? 'There is nothing to undo.',
        undoable: false,
        tone: 'error',
      };
      return;
    }
    this.toast = {
      message: `Undone: the ${undone.action} on sale ${invoiceOf(undone.saleKey)}.`,
      undoable: false,
      tone: 'info',
    };
    this.notice = null;
    // The undone sale may still be on screen (after a decision on one of its items): explain it again.
    this.#detailFor = '';
    void this.loadSummary();
    if (this.tab === 'activity') await this.loadActivity();
    else await this.reloadQueue(`sale:${undone.saleKey}`);
  }

  loadActivity(more = false): Promise<void> {
    return this.activity.load(more);
  }

  /** Review items at or above a score, counted over every page (what "Accept all" would take). */
  reviewAtLeast(score: number): Promise<QueueItem[] | ApiErrorBody> {
    return this.queue.reviewAtLeast(this.#scope(), score);
  }

  /** Accepts each item as listed; a stale or changed one is skipped and counted, never forced. */
  async acceptAll(items: QueueItem[]): Promise<{ accepted: number; skipped: number }> {
    this.busy = true;
    let accepted = 0;
    let skipped = 0;
    for (const i of items) {
      this.#ownRuns += 1;
      const r = await this.#api.call('reconcile:decide', {
        action: 'accept',
        groupKey: i.key,
        version: i.version,
      });
      if (r.ok) accepted += 1;
      else {
        skipped += 1;
        this.#ownRuns -= 1;
      }
    }
    this.busy = false;
    this.toast = {
      message: `Accepted ${accepted} suggestion${accepted === 1 ? '' : 's'}${skipped ? `; ${skipped} changed since and were left for you to look at` : ''}.`,
      undoable: false,
      tone: 'info',
    };
    void this.loadSummary();
    await this.reloadQueue(null);
    return { accepted, skipped };
  }

  /** Follows runs the core makes after a sync (or another window's decision). Returns the stop function. */
  listen(): () => void {
    return this.#api.on('reconcile:changed', () => {
      if (this.#ownRuns > 0) {
        this.#ownRuns -= 1;
        return;
      }
      void this.loadSummary();
      if (this.tab === 'activity') void this.loadActivity();
      else void this.reloadQueue();
    });
  }
}
