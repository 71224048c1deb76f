import type { EventPayload, OperationOutput } from '../../../src-main/core/api/contract.ts';
import type { ApiClient, ApiErrorBody } from './api.ts';

export type ExportEntry = OperationOutput<'export:list'>['exports'][number];
export type SheetId = ExportEntry['sheets'][number];
export type ExportProgress = EventPayload<'export:progress'>;
export type ClosedPeriod = OperationOutput<'export:periods'>['periods'][number];

/** What each sheet holds, in the words shown beside its checkbox. */
export const SHEETS: readonly { id: SheetId; name: string; about: string }[] = [
  { id: 'summary', name: 'Summary', about: 'The period, totals per provider and what is still open.' },
  { id: 'sales', name: 'Sales', about: 'Every till sale with its payment, provider and payout date.' },
  { id: 'payments', name: 'Payments', about: 'Card and mobile payments and refunds, each counted once.' },
  {
    id: 'daily',
    name: 'Daily by tender and VAT',
    about: "Each day's revenue by payment method and VAT rate.",
  },
  { id: 'payouts', name: 'Payouts', about: 'Each payout with what it settles, the fees and any difference.' },
  { id: 'discrepancies', name: 'Discrepancies', about: 'What does not add up, in plain words.' },
  {
    id: 'adjustments',
    name: 'Post-close adjustments',
    about: 'Changes to days already closed, booked in this period (only after a close).',
  },
  { id: 'journal', name: 'Journal', about: 'Balanced bookkeeping lines per day and per payout.' },
];

/** Where a finished export is fetched: the same path in browser mode and in the app (its save dialog). */
export function downloadHref(id: number): string {
  return `/api/exports/${id}/download`;
}

/** The Exports view's state: the period and sheets chosen, the running export, and past ones. */
export class ExportsState {
  from = $state('');
  to = $state('');
  sheets = $state<SheetId[]>(SHEETS.map((s) => s.id));
  running = $state.raw<ExportProgress | null>(null);
  cancelling = $state(false);
  error = $state.raw<ApiErrorBody | null>(null);
  /** The export just made, shown with its download link until the next one starts. */
  finished = $state.raw<ExportEntry | null>(null);
  past = $state.raw<ExportEntry[]>([]);
  /** Periods whose books were closed (and reopened), newest first. */
  closed = $state.raw<ClosedPeriod[]>([]);
  loadError = $state.raw<ApiErrorBody | null>(null);
  #api: ApiClient;
  #runs = 0;

  constructor(api: ApiClient) {
    this.#api = api;
  }

  get canStart(): boolean {
    return !this.running && this.from !== '' && this.to !== '' && this.sheets.length > 0;
  }

  /** The chosen period, when its books are closed: its workbook is then the one booked at close. */
  get closedPeriod(): ClosedPeriod | undefined {
    return this.closed.find((p) => !p.reopenedAt && p.from === this.from && p.to === this.to);
  }

  async load(): Promise<void> {
    const [list, periods] = await Promise.all([
      this.#api.call('export:list', { limit: 50 }),
      this.#api.call('export:periods', {}),
    ]);
    if (periods.ok) this.closed = periods.value.periods;
    if (list.ok) {
      this.past = list.value.exports;
      this.loadError = periods.ok ? null : periods.error;
    } else this.loadError = list.error;
  }

  toggle(id: SheetId, on: boolean): void {
    // Kept in the workbook's own order, whatever order they were ticked in.
    this.sheets = SHEETS.map((s) => s.id).filter((s) => (s === id ? on : this.sheets.includes(s)));
  }

  async start(): Promise<void> {
    if (!this.canStart) return;
    await this.#run((jobId) =>
      this.#api.call('export:xlsx', { from: this.from, to: this.to, sheets: this.sheets, jobId }),
    );
  }

  /** Closes the books for the chosen period with its whole workbook (the view confirms first). */
  async close(): Promise<void> {
    if (this.running || !this.from || !this.to) return;
    const closed = await this.#run(async (jobId) => {
      const r = await this.#api.call('export:close', { from: this.from, to: this.to, jobId });
      return r.ok ? { ok: true as const, value: r.value.export, period: r.value.period } : r;
    });
    if (closed?.period) this.closed = [closed.period, ...this.closed];
  }

  /** Reopens a closed period with the manager's reason; the error, in plain words, or null. */
  async reopen(id: number, reason: string): Promise<ApiErrorBody | null> {
    const r = await this.#api.call('export:reopen', { id, reason });
    if (!r.ok) return r.error;
    this.closed = this.closed.map((p) => (p.id === id ? r.value : p));
    return null;
  }

  async #run<R extends { ok: true; value: ExportEntry } | { ok: false; error: ApiErrorBody }>(
    call: (jobId: string) => Promise<R>,
  ): Promise<(R & { ok: true }) | null> {
    const jobId = `ui-${Date.now().toString(36)}-${++this.#runs}`;
    this.error = null;
    this.finished = null;
    this.cancelling = false;
    this.running = { jobId, sheet: '', rows: 0, totalRows: 0 };
    const r = await call(jobId);
    this.running = null;
    this.cancelling = false;
    if (r.ok) {
      this.finished = r.value;
      this.past = [r.value, ...this.past.filter((e) => e.id !== r.value.id)];
      return r as R & { ok: true };
    }
    if (r.error.code !== 'CANCELLED') this.error = r.error;
    return null;
  }

  /**
   * Follows progress for as long as the view is open: subscribing only when a run starts would open
   * the event stream too late to see a short export's events.
   */
  listen(): () => void {
    return this.#api.on('export:progress', (p) => {
      if (this.running && p.jobId === this.running.jobId) this.running = p;
    });
  }

  async cancel(): Promise<void> {
    const job = this.running;
    if (!job) return;
    this.cancelling = true;
    await this.#api.call('export:cancel', { jobId: job.jobId });
  }
}
