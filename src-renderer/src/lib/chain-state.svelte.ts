import type { OperationOutput } from '../../../src-main/core/api/contract.ts';
import type { ApiClient, ApiErrorBody } from './api.ts';

export type Chain = OperationOutput<'reconcile:explain'>;
export type PayoutDetail = OperationOutput<'reconcile:payout'>;

/**
 * A record's reconciliation chain for the transaction detail: the sale, its payment(s), refunds, fees
 * and the payout(s) that settled them; for a payout, what it settles and its expected net.
 */
export class ChainState {
  forId = $state<number | null>(null);
  chain = $state.raw<Chain | null>(null);
  payout = $state.raw<PayoutDetail | null>(null);
  status = $state<'idle' | 'loading' | 'ready' | 'error'>('idle');
  error = $state.raw<ApiErrorBody | null>(null);
  #api: ApiClient;

  constructor(api: ApiClient) {
    this.#api = api;
  }

  async load(id: number, kind: string): Promise<void> {
    this.forId = id;
    this.status = 'loading';
    this.chain = null;
    this.payout = null;
    if (kind === 'payout') {
      const r = await this.#api.call('reconcile:payout', { id });
      if (this.forId !== id) return;
      // A payout posrecon has not checked (not Vipps, or not reconciled yet) simply has no chain.
      if (r.ok) this.payout = r.value;
      else if (r.error.code !== 'NOT_FOUND') return this.#fail(r.error);
      this.status = 'ready';
      return;
    }
    const r = await this.#api.call('reconcile:explain', { key: `transaction:${id}` });
    if (this.forId !== id) return;
    if (r.ok) this.chain = r.value;
    else if (r.error.code !== 'NOT_FOUND') return this.#fail(r.error);
    this.status = 'ready';
  }

  #fail(error: ApiErrorBody): void {
    this.error = error;
    this.status = 'error';
  }

  clear(): void {
    this.forId = null;
    this.chain = null;
    this.payout = null;
    this.status = 'idle';
  }
}
