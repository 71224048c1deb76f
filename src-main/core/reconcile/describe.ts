import { currencyExponent } from '../model/money.ts';
import type { DiscrepancyClass } from './discrepancies.ts';

/** Providers as a shop manager knows them. */
export const PROVIDER_NAMES: Record<string, string> = {
  sentrypos: 'SentryPOS',
  vipps: 'Vipps',
  tgi: 'TGI',
  sensepass: 'SensePass',
  cents: 'Cents',
};

export const CLASS_LABELS: Record<DiscrepancyClass, string> = {
  sale_without_payment: 'Sales with no payment',
  payment_without_sale: 'Payments with no sale',
  amount_mismatch: 'Amounts that differ by more than a tip',
  duplicate_charge: 'Duplicate charges',
  refund_without_original: 'Refunds with no original payment',
  pending_too_long: 'Payments pending too long',
  payout_difference: 'Payouts that differ from what they settle',
  mistyped_reference: 'Mistyped references, matched anyway',
};

export function providerName(id: string): string {
  return id
    .split('+')
    .map((p) => PROVIDER_NAMES[p] ?? p)
    .join(' + ');
}

const money = new Map<string, Intl.NumberFormat>();
/** "NOK 1,234.50": the code, not a symbol, because kr is ambiguous between NOK, SEK and DKK. */
export function formatMoney(minor: number, currency: string): string {
  let f = money.get(currency);
  if (!f) {
    f = new Intl.NumberFormat('en-GB', { style: 'currency', currency, currencyDisplay: 'code' });
    money.set(currency, f);
  }
  return f.format(minor / 10 ** currencyExponent(currency)).replace(/\u00a0/g, ' ');
}

const day = new Intl.DateTimeFormat('en-GB', {
  day: 'numeric',
  month: 'long',
  year: 'numeric',
  timeZone: 'UTC',
});
/** A business date (already in the shop's zone) as "3 March 2026". */
export function formatDay(date: string): string {
  const ms = Date.parse(`${date}T00:00:00Z`);
  return Number.isNaN(ms) ? date : day.format(ms);
}

export interface DiscrepancyFacts {
  class: DiscrepancyClass;
  date: string;
  provider: string;
  currency: string;
  amountMinor: number;
  invoice: string | null;
  reference: string | null;
  expectedMinor: number | null;
  actualMinor: number | null;
  pendingDays: number | null;
}

/** One sentence per discrepancy, in the words a shop manager uses. */
export function describeDiscrepancy(f: DiscrepancyFacts): string {
  const amount = formatMoney(Math.abs(f.amountMinor), f.currency);
  const on = formatDay(f.date);
  const who = providerName(f.provider);
  const sale = f.invoice ? `Sale ${f.invoice}` : 'A sale';
  switch (f.class) {
    case 'sale_without_payment':
      return `${sale} of ${amount} on ${on} has no payment from any provider.`;
    case 'payment_without_sale':
      return `${who} took ${amount} on ${on}, and no sale in the till matches it.`;
    case 'amount_mismatch':
      return `${sale} on ${on}: ${who} took ${amount} ${f.amountMinor > 0 ? 'more' : 'less'} than the sale, which is more than a tip would explain.`;
    case 'duplicate_charge':
      return `${who} charged ${amount} twice for ${f.invoice ? `sale ${f.invoice}` : 'one sale'} on ${on}.`;
    case 'refund_without_original':
      return `${who} refunded ${amount} on ${on}, and no payment it could refund was found.`;
    case 'pending_too_long':
      return `A ${who} payment of ${amount} from ${on} is still pending after ${f.pendingDays ?? 'several'} days.`;
    case 'payout_difference': {
      const actual = formatMoney(f.actualMinor ?? 0, f.currency);
      return `${who} paid out ${actual} on ${on}, ${amount} ${f.amountMinor < 0 ? 'less' : 'more'} than the captures minus refunds and fees it settles.`;
    }
    case 'mistyped_reference':
      return `${sale} on ${on} was matched to a ${who} payment whose reference reads "${f.reference ?? '?'}".`;
  }
}
