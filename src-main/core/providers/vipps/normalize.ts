import { isCurrencyCode } from '../../model/money.ts';
import { businessDate, parseInstant, toUtcIso } from '../../model/time.ts';
import type {
  CanonicalTransaction,
  NormalizedStatus,
  Reference,
  TransactionKind,
  TransactionLine,
} from '../../model/transaction.ts';
import type { RecordOutcome } from '../connector.ts';
import { toOutcome } from '../shared/records.ts';
import { ReportEntry, SalesEntry, type SalesLine } from './wire.ts';

export type ReportTopic = 'funds' | 'fees';

/**
 * Report API entry types → kinds. Both spellings of the payout type are known (current docs
 * `payout-scheduled`, the 2023 spec `scheduled-for-payout`); anything not listed, including types
 * Vipps adds later, becomes an `adjustment` with status `unknown`, its entryType kept raw.
 */
export const ENTRY_KIND: Readonly<Record<string, TransactionKind>> = {
  capture: 'capture',
  refund: 'refund',
  'fees-retained': 'fee',
  'fees-invoiced': 'fee',
  'capture-fee': 'fee',
  'service-fee': 'fee',
  'payout-scheduled': 'payout',
  'scheduled-for-payout': 'payout',
  'payout-aborted': 'adjustment',
  'retained-disputed-capture': 'adjustment',
  'returned-disputed-capture': 'adjustment',
  correction: 'adjustment',
  'top-up': 'adjustment',
  'credit-note': 'adjustment',
};

export interface VippsRecordContext {
  connectionId: string;
  ledgerId: string;
  shopTimeZone: string;
}

function currencyOf(code: string): string {
  const upper = code.toUpperCase();
  if (!isCurrencyCode(upper)) throw new RangeError(`Unknown currency ${JSON.stringify(code)}`);
  return upper;
}

function instant(raw: string) {
  const dt = parseInstant(raw);
  return { dt, occurredAt: toUtcIso(dt), occurredAtRaw: raw };
}

function pushRef(refs: Reference[], kind: string, value: string | null | undefined): void {
  if (value) refs.push({ kind, value });
}

/**
 * Report entries are keyed by topic, ledger, entry type, pspReference and ledger date: a capture and
 * its capture fee share a pspReference, and fees-retained rows share theirs across both topics.
 */
export function reportExternalId(
  topic: ReportTopic,
  ledgerId: string,
  e: Partial<ReportEntry>,
): string | null {
  if (typeof e.pspReference !== 'string' || !e.pspReference || typeof e.entryType !== 'string') return null;
  return `${topic}:${ledgerId}:${e.entryType}:${e.pspReference}:${e.ledgerDate ?? ''}`;
}

/**
 * Sales entries: the pspReference is unique for card and wallet payments. Cash has none, so its key is
 * built from what the entry does carry and never changes: order reference, entry type, instant, amount.
 */
export function salesExternalId(ledgerId: string, e: Partial<SalesEntry>): string | null {
  if (typeof e.entryType !== 'string' || !e.entryType) return null;
  if (typeof e.pspReference === 'string' && e.pspReference)
    return `sales:${ledgerId}:${e.entryType}:${e.pspReference}`;
  if (e.pspReference !== null || typeof e.time !== 'string') return null;
  const at = toUtcIso(parseInstant(e.time));
  return `sales:${ledgerId}:${e.entryType}:cash:${e.reference ?? ''}:${at}:${e.amounts?.gross ?? ''}`;
}

function safeId(fn: () => string | null): string | null {
  try {
    return fn();
  } catch {
    return null;
  }
}

/** A record that failed validation, read as far as its id fields go (each is type-checked on use). */
function rawObject<T>(raw: unknown): Partial<T> {
  return raw !== null && typeof raw === 'object' ? (raw as Partial<T>) : {};
}

export function normalizeReportEntry(
  e: ReportEntry,
  raw: unknown,
  topic: ReportTopic,
  rc: VippsRecordContext,
): CanonicalTransaction {
  const { dt, occurredAt, occurredAtRaw } = instant(e.time);
  const known = ENTRY_KIND[e.entryType];
  const references: Reference[] = [{ kind: 'pspReference', value: e.pspReference }];
  pushRef(references, 'reference', e.reference);
  pushRef(references, 'recipientHandle', e.recipientHandle);
  references.push({ kind: 'ledgerId', value: rc.ledgerId });
  return {
    provider: 'vipps',
    connectionId: rc.connectionId,
    externalId: reportExternalId(topic, rc.ledgerId, e) ?? '',
    kind: known ?? 'adjustment',
    amountMinor: e.amount,
    currency: currencyOf(e.currency),
    status: known ? 'completed' : 'unknown',
    providerStatus: e.entryType,
    occurredAt,
    occurredAtRaw,
    // Ledger rows belong to the provider's own ledger date (its cutoff may be 04:00), kept as given.
    businessDate: e.ledgerDate ?? businessDate(dt, rc.shopTimeZone),
    ledgerDate: e.ledgerDate ?? null,
    customerName: null,
    customerEmail: null,
    customerPhone: null,
    method: null,
    network: null,
    description: `${topic} ledger: ${e.entryType}`,
    references,
    lines: [],
    raw,
  };
}

function line(l: SalesLine, i: number): TransactionLine {
  return {
    lineNo: i + 1,
    name: l.name ?? l.lineId ?? `Line ${i + 1}`,
    quantity: l.quantity,
    unit: null,
    unitPriceGrossMinor: l.unitPriceGross ?? null,
    unitPriceNetMinor: l.unitPriceNet ?? null,
    lineGrossMinor: l.lineTotalGross,
    lineNetMinor: l.lineTotalNet ?? null,
    discountMinor: l.discountTotal ?? 0,
    vatRateBp: l.vatRate ?? null,
    vatMinor: l.vatAmount ?? null,
    category: l.category ?? null,
  };
}

const SALES_KIND: Readonly<Record<string, TransactionKind>> = { capture: 'capture', refund: 'refund' };

export function normalizeSalesEntry(
  e: SalesEntry,
  raw: unknown,
  rc: VippsRecordContext,
): CanonicalTransaction {
  const { dt, occurredAt, occurredAtRaw } = instant(e.time);
  const lines = (e.lines ?? []).map(line);
  // `amounts` is "present when available"; the lines add up to it when both are there.
  const gross = e.amounts?.gross ?? (lines.length ? lines.reduce((s, l) => s + l.lineGrossMinor, 0) : null);
  if (gross === null) throw new RangeError('The entry has neither amounts.gross nor lines');
  const kind = SALES_KIND[e.entryType];
  const status: NormalizedStatus = kind ? 'completed' : 'unknown';
  const references: Reference[] = [];
  pushRef(references, 'pspReference', e.pspReference);
  pushRef(references, 'reference', e.reference);
  references.push({ kind: 'ledgerId', value: rc.ledgerId });
  const solution = e.classification?.solution;
  const category = e.classification?.salesCategory;
  return {
    provider: 'vipps',
    connectionId: rc.connectionId,
    externalId: salesExternalId(rc.ledgerId, e) ?? '',
    kind: kind ?? 'adjustment',
    amountMinor: gross,
    currency: currencyOf(e.currency),
    status,
    providerStatus: e.entryType,
    occurredAt,
    occurredAtRaw,
    // Sales entries carry no ledger date; their business date is the shop's calendar day.
    businessDate: businessDate(dt, rc.shopTimeZone),
    ledgerDate: null,
    customerName: e.customer?.name ?? null,
    customerEmail: e.customer?.email ?? null,
    customerPhone: e.customer?.phone ?? null,
    method: e.paymentType ?? null,
    network: null,
    description: [solution, category].filter(Boolean).join(' · ') || null,
    references,
    lines,
    raw,
  };
}

export function reportOutcome(raw: unknown, topic: ReportTopic, rc: VippsRecordContext): RecordOutcome {
  const outcome = toOutcome(raw, ReportEntry, 'pspReference', (e, r) =>
    normalizeReportEntry(e, r, topic, rc),
  );
  if (outcome.ok) return outcome;
  return {
    ...outcome,
    externalId: safeId(() => reportExternalId(topic, rc.ledgerId, rawObject<ReportEntry>(raw))),
  };
}

export function salesOutcome(raw: unknown, rc: VippsRecordContext): RecordOutcome {
  const outcome = toOutcome(raw, SalesEntry, 'pspReference', (e, r) => normalizeSalesEntry(e, r, rc));
  if (outcome.ok) return outcome;
  return { ...outcome, externalId: safeId(() => salesExternalId(rc.ledgerId, rawObject<SalesEntry>(raw))) };
}
