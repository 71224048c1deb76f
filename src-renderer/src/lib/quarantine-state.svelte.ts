import type { QuarantineItem } from '../../../src-main/core/sync/quarantine-schemas.ts';
import type { ApiClient, ApiErrorBody } from './api.ts';

export type { QuarantineItem };

/**
 * The records each connection's syncs could not store, for its card: why, what the provider sent,
 * a retry (the connection synced again from the records' days) and a dismissal with a reason.
 */
export class QuarantineState {
  items = $state.raw<QuarantineItem[]>([]);
  busy = $state.raw<Record<string, 'retrying' | 'dismissing'>>({});
  /** Per connection: the last retry's outcome in words. */
  results = $state.raw<Record<string, string>>({});
  errors = $state.raw<Record<string, ApiErrorBody>>({});
  #api: ApiClient;

  constructor(api: ApiClient) {
    this.#api = api;
  }

  of(connectionId: string): QuarantineItem[] {
    return this.items.filter((q) => q.connectionId === connectionId);
  }

  async load(): Promise<void> {
    const r = await this.#api.call('quarantine:list', {});
    // A list that cannot be read leaves the cards as they are; the actions report their own errors.
    if (r.ok) this.items = r.value.items;
  }

  async retry(connectionId: string): Promise<void> {
    let text: string | null = null;
    await this.#run(connectionId, 'retrying', async () => {
      const r = await this.#api.call('quarantine:retry', { connectionId });
      if (r.ok) {
        const { stored, remaining } = r.value;
        text =
          remaining > 0
            ? `Tried again: ${stored} stored, ${remaining} still could not be read.`
            : stored === 1
              ? 'Tried again: the record is stored now.'
              : `Tried again: all ${stored} records are stored now.`;
      }
      return r;
    });
    // Said once the list has been read again, so the card never says "stored" beside the record.
    if (text) this.results = { ...this.results, [connectionId]: text };
  }

  /** Resolves to the error, if any, so the form keeps the reason the user typed. */
  async dismiss(connectionId: string, id: number, reason: string): Promise<ApiErrorBody | null> {
    return this.#run(connectionId, 'dismissing', () =>
      this.#api.call('quarantine:dismiss', { ids: [id], reason }),
    );
  }

  async #run(
    connectionId: string,
    what: 'retrying' | 'dismissing',
    fn: () => Promise<{ ok: true } | { ok: false; error: ApiErrorBody }>,
  ): Promise<ApiErrorBody | null> {
    this.busy = { ...this.busy, [connectionId]: what };
    const { [connectionId]: _cleared, ...rest } = this.errors;
    this.errors = rest;
    try {
      const r = await fn();
      if (!r.ok) this.errors = { ...this.errors, [connectionId]: r.error };
      await this.load();
      return r.ok ? null : r.error;
    } finally {
      const { [connectionId]: _done, ...others } = this.busy;
      this.busy = others;
    }
  }
}
