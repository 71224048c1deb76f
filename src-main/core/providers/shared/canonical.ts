import type { ConnectionInfo } from '../connector.ts';
import { businessDate, parseInstant, toUtcIso } from '../../model/time.ts';
import type { CanonicalTransaction, Reference } from '../../model/transaction.ts';

type Required = Pick<
  CanonicalTransaction,
  | 'externalId'
  | 'kind'
  | 'amountMinor'
  | 'currency'
  | 'status'
  | 'providerStatus'
  | 'occurredAt'
  | 'occurredAtRaw'
  | 'businessDate'
  | 'raw'
>;

/** A canonical transaction with the optional fields defaulted to "not given". */
export function canonical(
  connection: Pick<ConnectionInfo, 'id' | 'provider'>,
  fields: Required & Partial<CanonicalTransaction>,
): CanonicalTransaction {
  return {
    provider: connection.provider,
    connectionId: connection.id,
    ledgerDate: null,
    customerName: null,
    customerEmail: null,
    customerPhone: null,
    method: null,
    network: null,
    description: null,
    references: [],
    lines: [],
    ...fields,
  };
}

/** UTC instant, original string and the shop's business date of a provider timestamp. */
export function instantFields(
  raw: string,
  shopZone: string,
  assumeZone?: string,
): Pick<CanonicalTransaction, 'occurredAt' | 'occurredAtRaw' | 'businessDate'> {
  const instant = parseInstant(raw, assumeZone);
  return { occurredAt: toUtcIso(instant), occurredAtRaw: raw, businessDate: businessDate(instant, shopZone) };
}

/** Collects references, skipping empty values and repeats (the same id under two fields is kept once per kind). */
export class References {
  private readonly list: Reference[] = [];

  add(kind: string, value: unknown): this {
    if (typeof value === 'number' && Number.isFinite(value)) value = String(value);
    if (typeof value !== 'string' || value.trim() === '') return this;
    if (!this.list.some((r) => r.kind === kind && r.value === value)) this.list.push({ kind, value });
    return this;
  }

  toArray(): Reference[] {
    return [...this.list];
  }
}

/** A non-empty trimmed string, or null. */
export function text(value: unknown): string | null {
  return typeof value === 'string' && value.trim() !== '' ? value.trim() : null;
}
