import { z } from 'zod';
import type { CanonicalTransaction } from '../../../src-main/core/model/transaction.ts';
import type { Connector, RecordOutcome, StreamPage } from '../../../src-main/core/providers/connector.ts';
import { ConnectorError } from '../../../src-main/core/providers/connector-error.ts';
import { tgiWords } from '../../../src-main/core/providers/tgi/words.ts';

/** A canonical record with sensible defaults; tests override what they are about. */
export function canonical(
  connectionId: string,
  externalId: string,
  patch: Partial<CanonicalTransaction> = {},
): CanonicalTransaction {
  return {
    provider: 'tgi',
    connectionId,
    externalId,
    kind: 'sale',
    amountMinor: 12_50,
    currency: 'NOK',
    status: 'completed',
    providerStatus: 'complete',
    occurredAt: '2024-03-01T10:00:00.000Z',
    occurredAtRaw: '2024-03-01 11:00:00',
    businessDate: '2024-03-01',
    ledgerDate: null,
    customerName: null,
    customerEmail: null,
    customerPhone: null,
    method: 'card',
    network: 'visa',
    description: `sale ${externalId}`,
    references: [{ kind: 'tid', value: `T-${externalId}` }],
    lines: [
      {
        lineNo: 1,
        name: 'Coffee',
        quantity: 1,
        unit: null,
        unitPriceGrossMinor: 12_50,
        unitPriceNetMinor: 10_00,
        lineGrossMinor: 12_50,
        lineNetMinor: 10_00,
        discountMinor: 0,
        vatRateBp: 2500,
        vatMinor: 2_50,
        category: 'drinks',
      },
    ],
    raw: { id: externalId, total: 1250 },
    ...patch,
  };
}

export interface FakeBehaviour {
  /** Pages of the one stream; each page's outcomes built from the connection id. */
  pages: (connectionId: string) => RecordOutcome[][];
  /** Throw this (once, the first time this page index is requested) instead of yielding it. */
  failAt?: { page: number; error: Error };
  /** Called (and awaited) before each page is yielded: tests abort a signal or hold the run here. */
  beforePage?: (index: number) => void | Promise<void>;
  requestedFrom?: (bookmark: string | null) => void;
}

/**
 * A one-stream connector over in-memory pages. The bookmark is the index of the last page handed
 * out, so a resumed run continues after the last committed page, as a real date cursor would.
 */
export function fakeConnector(behaviour: FakeBehaviour, provider: Connector['provider'] = 'tgi'): Connector {
  let failed = false;
  return {
    provider,
    displayName: 'FakePOS',
    words: tgiWords,
    defaultBaseUrl: 'http://127.0.0.1:9',
    sandboxBaseUrl: null,
    configSchema: z.object({ baseUrl: z.string().default('http://127.0.0.1:9') }),
    secretFields: [{ key: 'apiKey', label: 'API key' }],
    budget: null,
    authorizer: () => null,
    test: async () => {},
    streams: [
      {
        name: 'sales',
        async *pages(ctx, bookmark): AsyncIterable<StreamPage> {
          behaviour.requestedFrom?.(bookmark);
          const pages = behaviour.pages(ctx.connection.id);
          // `since` means "fetch again from the start", as a date cursor would from that date.
          const from = bookmark === null || ctx.window.since ? 0 : Number(bookmark) + 1;
          for (let i = from; i < pages.length; i++) {
            await behaviour.beforePage?.(i);
            if (behaviour.failAt && behaviour.failAt.page === i && !failed) {
              failed = true;
              throw behaviour.failAt.error;
            }
            if (ctx.signal.aborted) throw new ConnectorError('cancelled', 'The sync was cancelled.');
            yield {
              outcomes: pages[i] ?? [],
              bookmark: String(i),
              totalHint: pages.reduce((n, p) => n + p.length, 0),
              completeness: [
                {
                  stream: 'sales',
                  date: `2024-03-0${i + 1}`,
                  state: i === pages.length - 1 ? 'open' : 'complete',
                },
              ],
            };
          }
        },
      },
    ],
  };
}

export const ok = (record: CanonicalTransaction): RecordOutcome => ({ ok: true, record });
