import type { SearchFilters } from '../../../src-main/core/api/schemas.ts';
import type { SearchFacets } from '../../../src-main/core/search/facets.ts';
import { NORMALIZED_STATUSES, PROVIDERS, RECON_STATES, TRANSACTION_KINDS } from './catalog.ts';
import { formatCount, readAmountInput } from './format.ts';
import { kindLabel, providerLabel, reconStateHint, reconStateLabel, statusLabel } from './labels.ts';

type Filters = Omit<SearchFilters, 'text'>;
export type ListKey = 'providers' | 'statuses' | 'kinds' | 'reconStates' | 'currencies';
export interface FilterList {
  key: ListKey;
  /** What the empty choice says ("Provider…"). */
  prompt: string;
  options: { value: string; label: string; hint?: string }[];
}

/** The facet's values with their counts when the cache was read, else every value the contract has. */
function options<T extends string>(
  facet: readonly { value: T; count: number }[] | undefined,
  all: readonly T[],
  label: (v: T) => string,
): FilterList['options'] {
  return facet
    ? facet.map((f) => ({ value: f.value, label: `${label(f.value)} (${formatCount(f.count)})` }))
    : all.map((v) => ({ value: v, label: label(v) }));
}

/** The lists a value is added to from a select (its chip removes it again), in the order they show. */
export function filterLists(facets: SearchFacets | null, shopCurrency: string): FilterList[] {
  return [
    { key: 'providers', prompt: 'Provider…', options: options(facets?.providers, PROVIDERS, providerLabel) },
    {
      key: 'statuses',
      prompt: 'Status…',
      options: options(facets?.statuses, NORMALIZED_STATUSES, statusLabel),
    },
    { key: 'kinds', prompt: 'Kind…', options: options(facets?.kinds, TRANSACTION_KINDS, kindLabel) },
    {
      key: 'reconStates',
      prompt: 'Reconciliation…',
      options: RECON_STATES.map((r) => ({ value: r, label: reconStateLabel(r), hint: reconStateHint(r) })),
    },
    {
      key: 'currencies',
      prompt: 'Currency…',
      options: options(facets?.currencies, [shopCurrency], (c) => c),
    },
  ];
}

/**
 * One currency gives an amount its meaning (NOK 10 is not ILS 10, and JPY has no decimals): the chosen
 * one, else the only one the cache holds, else the shop's. With several chosen there is none.
 */
export function amountCurrencyOf(
  filters: Filters,
  facets: SearchFacets | null,
  shopCurrency: string,
): string | undefined {
  if (filters.currencies) return filters.currencies.length === 1 ? filters.currencies[0] : undefined;
  return facets?.currencies.length === 1 ? facets.currencies[0]?.value : shopCurrency;
}

export type AmountKey = 'amountMinMinor' | 'amountMaxMinor';

/**
 * What typing `text` in an amount box asks for: the value to set (undefined clears it), or a sentence
 * saying why it cannot be (too many decimals, not a number, above the largest / below the smallest).
 */
export function readAmountBox(
  filters: Filters,
  key: AmountKey,
  text: string,
  currency: string,
): { ok: true; minor: number | undefined } | { ok: false; message: string } {
  if (text === '') return { ok: true, minor: undefined };
  const read = readAmountInput(text, currency);
  if (!read.ok) return read;
  const min = key === 'amountMinMinor' ? read.minor : filters.amountMinMinor;
  const max = key === 'amountMaxMinor' ? read.minor : filters.amountMaxMinor;
  if (min !== undefined && max !== undefined && min > max)
    return {
      ok: false,
      message: 'The smallest amount is above the largest: nothing could match. Swap them or change one.',
    };
  return read;
}

/** A first day after the last matches nothing: said, rather than searched. */
export function dateRangeProblem(filters: Filters, key: 'dateFrom' | 'dateTo', value: string | undefined) {
  const from = key === 'dateFrom' ? value : filters.dateFrom;
  const to = key === 'dateTo' ? value : filters.dateTo;
  return from && to && from > to
    ? 'The first day is after the last day: nothing could match. Swap them or change one.'
    : null;
}
