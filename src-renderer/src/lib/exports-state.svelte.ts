import type { EventPayload, OperationOutput } from '../../../src-main/core/api/contract.ts';
import type { ApiClient, ApiErrorBody } from './api.ts';

export type ExportEntry = OperationOutput<'export:list'>['exports'][number];
export type SheetId = ExportEntry['sheets'][number];
export type ExportProgress = EventPayload<'export:progress'>;

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
  loadError = $state.raw<ApiErrorBody | null>(null);
  #api: ApiClient;
  #runs = 0;

  constructor(api: ApiClient) {
    this.#api = api;
  }

  get canStart(): boolean {
    return !this.running && this.from !== '' && this.to !== '' && this.sheets.length > 0;
  }

  async load(): Promise<void> {
    const r = await this.#api.call('export:list', { limit: 50 });
    if (r.ok) {
      this.past = r.value.exports;
      this.loadError = null;
    } else this.loadError = r.error;
  }

  toggle(id: SheetId, on: boolean): void {
    // Kept in the workbook's own order, whatever order they were ticked in.
    this.sheets = SHEETS.map((s) => s.id).filter((s) => (s === id ? on : this.sheets.includes(s)));
  }

  async start(): Promise<void> {
    if (!this.canStart) return;
    const jobId = `ui-${Date.now().toString(36)}-${++this.#runs}`;
    this.error = null;
    this.finished = null;
    this.cancelling = false;
    this.running = { jobId, sheet: '', rows: 0, totalRows: 0 };
    const r = await this.#api.call('export:xlsx', {
      from: this.from,
      to: this.to,
      sheets: this.sheets,
      jobId,
    });
    this.running = null;
    this.cancelling = false;
    if (r.ok) {
      this.finished = r.value;
      this.past = [r.value, ...this.past.filter((e) => e.id !== r.value.id)];
    } else if (r.error.code !== 'CANCELLED') this.error = r.error;
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
