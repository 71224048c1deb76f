import type { ProviderId } from '../model/transaction.ts';

export interface SyncProgress {
  connectionId: string;
  connectionName: string;
  provider: ProviderId;
  stream: string;
  pages: number;
  records: number;
  quarantined: number;
  /** The connector's current estimate of this stream's records, when it has one. */
  totalHint: number | null;
  ratePerSecond: number;
  etaSeconds: number | null;
  /** The stream has finished (successfully or not); no more progress follows for it. */
  done: boolean;
}

/** Counts one stream's pages and turns them into a rate and, when the total is known, an ETA. */
export class ProgressTracker {
  readonly #base: Pick<SyncProgress, 'connectionId' | 'connectionName' | 'provider' | 'stream'>;
  readonly #clock: () => number;
  readonly #started: number;
  #pages = 0;
  #records = 0;
  #quarantined = 0;
  #totalHint: number | null = null;

  constructor(
    base: Pick<SyncProgress, 'connectionId' | 'connectionName' | 'provider' | 'stream'>,
    clock = () => performance.now(),
  ) {
    this.#base = base;
    this.#clock = clock;
    this.#started = clock();
  }

  page(records: number, quarantined: number, totalHint: number | undefined): SyncProgress {
    this.#pages++;
    this.#records += records;
    this.#quarantined += quarantined;
    if (totalHint !== undefined) this.#totalHint = totalHint;
    return this.snapshot(false);
  }

  snapshot(done: boolean): SyncProgress {
    const seconds = Math.max((this.#clock() - this.#started) / 1000, 1e-3);
    const rate = this.#records / seconds;
    const remaining = this.#totalHint === null ? null : Math.max(this.#totalHint - this.#records, 0);
    return {
      ...this.#base,
      pages: this.#pages,
      records: this.#records,
      quarantined: this.#quarantined,
      totalHint: this.#totalHint,
      ratePerSecond: Math.round(rate * 10) / 10,
      etaSeconds: done ? 0 : remaining === null || rate === 0 ? null : Math.round(remaining / rate),
      done,
    };
  }
}
