import type { Database } from 'better-sqlite3';
import { AppError } from '../model/app-error.ts';
import type { HandlerMap } from '../api/dispatcher.ts';
import type { OperationParsedInput } from '../api/contract.ts';
import type { Connector } from '../providers/connector.ts';
import type { ProviderId } from '../model/transaction.ts';
import { dismissQuarantined } from '../store/mutations/quarantine.ts';
import { type QuarantineRow, listQuarantine } from '../store/queries/quarantine.ts';
import { plainReason } from './quarantine-reason.ts';
import type { QuarantineItem } from './quarantine-schemas.ts';
import type { StartOptions, SyncService } from './sync-service.ts';

export interface QuarantineServiceOptions {
  db: Database;
  sync: Pick<SyncService, 'start'>;
  connectors: readonly Connector[];
  actor: string;
  now?: () => Date;
}

function parseRaw(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}

/**
 * The quarantine as the shop manager sees it: what the sync could not store and why, a retry (the
 * records' connections synced again, reading from their days), and a dismissal with a reason.
 */
export class QuarantineService {
  readonly #o: QuarantineServiceOptions;

  constructor(options: QuarantineServiceOptions) {
    this.#o = options;
  }

  #item(r: QuarantineRow): QuarantineItem {
    const providerName = this.#o.connectors.find((c) => c.provider === r.provider)?.displayName ?? r.provider;
    const raw = parseRaw(r.raw_json);
    return {
      id: r.id,
      provider: r.provider as ProviderId,
      providerName,
      connectionId: r.connection_id,
      connectionName: r.connection_name,
      stream: r.stream,
      externalId: r.external_id,
      day: r.day,
      reason: plainReason(providerName, r.error, raw),
      error: r.error,
      raw,
      firstSeenAt: r.first_seen_at,
      lastSeenAt: r.last_seen_at,
      dismissedAt: r.dismissed_at,
      dismissedReason: r.dismissed_reason,
    };
  }

  list(input: OperationParsedInput<'quarantine:list'>): { items: QuarantineItem[]; truncated: boolean } {
    const rows = listQuarantine(this.#o.db, { ...input, limit: input.limit + 1 });
    return {
      items: rows.slice(0, input.limit).map((r) => this.#item(r)),
      truncated: rows.length > input.limit,
    };
  }

  async retry(
    input: OperationParsedInput<'quarantine:retry'>,
    options: Pick<StartOptions, 'signal' | 'onProgress'> = {},
  ) {
    const { db } = this.#o;
    const rows = listQuarantine(db, { connectionId: input.connectionId, ids: input.ids });
    if (input.ids) {
      const missing = input.ids.filter((id) => !rows.some((r) => r.id === id));
      if (missing.length) {
        throw new AppError(
          'NOT_FOUND',
          `No record waiting in quarantine with number ${missing.join(', ')} (it may be stored or dismissed already).`,
        );
      }
    }
    if (!rows.length) return { reports: [], retried: 0, stored: 0, remaining: 0 };
    const connectionIds = [...new Set(rows.map((r) => r.connection_id))];
    // Every sync of a connection reads its open quarantine's days again; a retry is that sync, now.
    const reports = await this.#o.sync.start({ connectionIds, ...options });
    const left = new Set(listQuarantine(db, { ids: rows.map((r) => r.id) }).map((r) => r.id));
    return { reports, retried: rows.length, stored: rows.length - left.size, remaining: left.size };
  }

  dismiss(input: OperationParsedInput<'quarantine:dismiss'>): { dismissed: number } {
    const reason = input.reason.trim();
    // The contract refuses it too; in-process callers (the CLI) come through here as well.
    if (reason.length < 3) {
      throw new AppError('REASON_REQUIRED', 'Say why these records can be let go (at least a few words).');
    }
    const rows = listQuarantine(this.#o.db, { ids: input.ids });
    const missing = input.ids.filter((id) => !rows.some((r) => r.id === id));
    if (missing.length) {
      throw new AppError(
        'NOT_FOUND',
        `No record waiting in quarantine with number ${missing.join(', ')} (it may be stored or dismissed already).`,
      );
    }
    const now = (this.#o.now?.() ?? new Date()).toISOString();
    return { dismissed: dismissQuarantined(this.#o.db, rows, reason, this.#o.actor, now) };
  }
}

export function quarantineHandlers(service: QuarantineService) {
  return {
    'quarantine:list': (input: OperationParsedInput<'quarantine:list'>) => service.list(input),
    'quarantine:retry': (input: OperationParsedInput<'quarantine:retry'>) => service.retry(input),
    'quarantine:dismiss': (input: OperationParsedInput<'quarantine:dismiss'>) => service.dismiss(input),
  } satisfies Partial<HandlerMap>;
}
