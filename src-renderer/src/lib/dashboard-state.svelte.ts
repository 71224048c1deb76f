import type { OperationInput, OperationOutput } from '../../../src-main/core/api/contract.ts';
import type { ApiClient, ApiErrorBody } from './api.ts';

export type Dashboard = OperationOutput<'dashboard:get'>;
export type DashboardPreset = NonNullable<OperationInput<'dashboard:get'>['preset']>;

export const PRESETS: { id: DashboardPreset; label: string }[] = [
  { id: 'today', label: 'Today' },
  { id: 'yesterday', label: 'Yesterday' },
  { id: 'last7', label: 'Last 7 days' },
  { id: 'last30', label: 'Last 30 days' },
  { id: 'thisMonth', label: 'This month' },
  { id: 'lastMonth', label: 'Last month' },
  { id: 'custom', label: 'Custom' },
];

/** The Dashboard's period and figures. A newer request wins: a slow answer never overwrites a later one. */
export class DashboardState {
  preset = $state<DashboardPreset>('last30');
  from = $state('');
  to = $state('');
  data = $state.raw<Dashboard | null>(null);
  error = $state.raw<ApiErrorBody | null>(null);
  loading = $state(false);
  #api: ApiClient;
  #seq = 0;

  constructor(api: ApiClient) {
    this.#api = api;
  }

  async load(): Promise<void> {
    if (this.preset === 'custom' && (!this.from || !this.to)) return;
    const seq = ++this.#seq;
    this.loading = true;
    const input =
      this.preset === 'custom'
        ? { preset: this.preset, from: this.from, to: this.to }
        : { preset: this.preset };
    const result = await this.#api.call('dashboard:get', input);
    if (seq !== this.#seq) return;
    this.loading = false;
    if (result.ok) {
      this.data = result.value;
      this.error = null;
      if (this.preset !== 'custom') [this.from, this.to] = [result.value.period.from, result.value.period.to];
    } else this.error = result.error;
  }

  choose(preset: DashboardPreset): void {
    this.preset = preset;
    void this.load();
  }
}

/** "+12.5 %" against the previous period, or null when there is nothing to compare with. */
export function change(now: number, before: number): number | null {
  return before === 0 ? null : (now - before) / Math.abs(before);
}

export function formatPercent(x: number | null, locale?: string, signed = false): string {
  if (x === null || !Number.isFinite(x)) return '–';
  return new Intl.NumberFormat(locale, {
    style: 'percent',
    maximumFractionDigits: 1,
    signDisplay: signed ? 'exceptZero' : 'auto',
  }).format(x);
}

/**
 * A link into the Reconcile view with its filter in the hash (`#/reconcile?state=…&class=…&from=…&to=…`),
 * the names reconcile:list takes. The router reads the route before `?`, so the link always opens the view.
 */
export function reconcileHref(filter: { state: string; class?: string; from: string; to: string }): string {
  const q = Object.entries(filter)
    .filter(([, v]) => v)
    .map(([k, v]) => `${k}=${encodeURIComponent(v ?? '')}`)
    .join('&');
  return `#/reconcile?${q}`;
}

/** Colours of the payment providers' series, readable on white and told apart without red/green. */
const PALETTE = ['#2563eb', '#d97706', '#059669', '#7c3aed', '#db2777', '#0891b2', '#65a30d', '#9333ea'];
export function seriesColor(index: number, id: string): string {
  if (id === 'none') return '#9ca3af';
  if (id === 'unreconciled') return '#cbd5e1';
  return PALETTE[index % PALETTE.length] ?? '#64748b';
}
