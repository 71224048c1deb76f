import type { ProviderId, TransactionKind } from '../model/transaction.ts';
import { CONNECTORS } from './registry.ts';
import { COMMON_REFERENCES, humanizeField, type RecordFacts } from './shared/words.ts';

/** Each kind of record as a person says it (a provider's capture is the payment received). */
export const KIND_WORDS: Record<TransactionKind, string> = {
  sale: 'Sale',
  capture: 'Payment',
  refund: 'Refund',
  fee: 'Fee',
  payout: 'Payout',
  adjustment: 'Adjustment',
};

/**
 * What a record is, in the shop manager's words: "2 × Coffee, Bun · Kari Nordmann · Vipps app". The
 * one builder of descriptions: search rows, the detail, the CLI and exports all read it from here.
 */
export function describeRecord(
  provider: ProviderId,
  r: RecordFacts & { customerName: string | null },
): string {
  const words = CONNECTORS[provider]?.words;
  const parts = [words?.what(r), r.customerName, words?.method(r)].filter((p): p is string => !!p?.trim());
  return parts.length ? parts.join(' · ') : KIND_WORDS[r.kind];
}

/** How a record was paid, in its owner's words ("Vipps app", "Mastercard"), where the record says. */
export function paidWith(provider: ProviderId, r: Pick<RecordFacts, 'method' | 'network'>): string | null {
  return CONNECTORS[provider]?.words.method(r) ?? null;
}

/** A reference's field name in plain words ("pspReference" → "Vipps payment reference"). */
export function referenceLabel(provider: ProviderId, kind: string): string {
  return CONNECTORS[provider]?.words.references[kind] ?? COMMON_REFERENCES[kind] ?? humanizeField(kind);
}

/** The providers whose lines are products a sale can borrow (Cents' lines are an order and a donation). */
export function productProviders(): ProviderId[] {
  return Object.values(CONNECTORS)
    .filter((c) => c.words.linesAreProducts)
    .map((c) => c.provider);
}
