import type { ProviderId } from '../../../src-main/core/model/transaction.ts';
import { formatBusinessDate, formatMoney, formatTime } from './format.ts';
import { providerLabel } from './labels.ts';
import type { Explanation } from './reconcile-state.svelte.ts';

type Member = Explanation['members'][number];
type Rival = NonNullable<NonNullable<Explanation['pairs'][number]['runnerUp']>['record']>;
type Reference = Member['references'][number];

/** The reference a person knows a record by (the POS invoice, the order, the PSP or terminal id), else its first. */
export const mainReference = (refs: readonly Reference[]): Reference | undefined =>
  refs.find((r) => /invoice|reference|order|psp|tid/i.test(r.kind)) ?? refs[0];

/** "NOK 179.80 at 6:57:07 PM on 12/01/2026 (Transaction id iKfoyov7)": what tells one record from another. */
function recordWords(
  r: Pick<Member, 'amountMinor' | 'currency' | 'occurredAt' | 'businessDate' | 'references'>,
  timeZone: string | undefined,
  locale: string | undefined,
): string {
  const ref = mainReference(r.references);
  return (
    `${formatMoney(Math.abs(r.amountMinor), r.currency, locale)} at ${formatTime(r.occurredAt, timeZone, locale)}` +
    ` on ${formatBusinessDate(r.businessDate, locale)}${ref ? ` (${ref.label} ${ref.value})` : ''}`
  );
}

/**
 * What a runner-up put up against a link, in words: another payment for the sale, or another sale for
 * the payment. Never a row id, which means nothing to a shop manager.
 */
export function rivalWords(r: Rival | null, timeZone?: string, locale?: string): string {
  if (!r) return 'a record that is no longer in the cache';
  const who =
    r.side === 'payment' ? `another ${providerLabel(r.provider as ProviderId)} payment` : 'another sale';
  return `${who} of ${recordWords(r, timeZone, locale)}`;
}

/** A refund and the payment it gives back (absent: a person tied the refund to the sale itself). */
export function refundWords(
  refund: Member | undefined,
  paid: Member | undefined,
  timeZone?: string,
  locale?: string,
): string {
  const what = refund ? `Refund of ${recordWords(refund, timeZone, locale)}` : 'A refund';
  if (!paid) return what;
  return `${what}, of the ${providerLabel(paid.provider as ProviderId)} payment of ${recordWords(paid, timeZone, locale)}`;
}

/** What a decision was on, when it is one of the sale's records: "the refund of …", "the TGI payment of …". */
export function memberWords(m: Member, timeZone?: string, locale?: string): string {
  const what =
    m.role === 'refund'
      ? 'the refund'
      : m.role === 'sale'
        ? 'the sale'
        : `the ${providerLabel(m.provider as ProviderId)} payment`;
  return `${what} of ${recordWords(m, timeZone, locale)}`;
}
