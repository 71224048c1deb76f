import { createCore } from '../../core/core.ts';
import type { OperationInput, OperationOutput } from '../../core/api/contract.ts';
import { formatBusinessDate, localeFromEnv } from '../../core/model/display-time.ts';
import { currencyExponent, decimalToMinor, isCurrencyCode, minorToDecimal } from '../../core/model/money.ts';
import { shopAmountMinor } from '../../core/model/money-direction.ts';
import { RECON_STATE_WORDS } from '../../core/model/recon-state.ts';
import { NORMALIZED_STATUSES, PROVIDERS, TRANSACTION_KINDS } from '../../core/model/transaction.ts';
import { KIND_WORDS as KIND_WORD_NAMES } from '../../core/providers/describe.ts';
import { CONNECTORS } from '../../core/providers/registry.ts';
import { type CliIo, EXIT, printError, printJson, printLine, printTable } from '../output.ts';
import { existingCache } from './cache-file.ts';

export interface SearchOptions {
  json: boolean;
  from?: string;
  to?: string;
  provider?: string[];
  kind?: string[];
  status?: string[];
  currency?: string;
  min?: string;
  max?: string;
  limit: number;
  sort?: string;
}

/** A repeatable, comma-separated flag's values, each one of `allowed`; the error names the flag. */
function oneOf<T extends string>(
  values: string[] | undefined,
  flag: string,
  allowed: readonly T[],
): T[] | undefined {
  const list = values
    ?.flatMap((v) => v.split(','))
    .map((v) => v.trim())
    .filter(Boolean);
  const bad = list?.find((v) => !allowed.includes(v as T));
  if (bad !== undefined)
    throw new RangeError(`${flag} must be one of ${allowed.join(', ')}, not ${JSON.stringify(bad)}.`);
  return list as T[] | undefined;
}

/** An amount in `currency`, exactly: refused when it has more decimals than the currency has. */
function amountToMinor(value: string, flag: string, currency: string): number {
  const decimals = /^\s*[+-]?\d*\.(\d+)\s*$/.exec(value)?.[1]?.length ?? 0;
  const exponent = currencyExponent(currency);
  if (decimals > exponent) {
    throw new RangeError(
      `${flag} ${value} has more decimals than ${currency} has (${exponent === 0 ? 'none' : exponent}).`,
    );
  }
  try {
    return decimalToMinor(value, currency);
  } catch {
    throw new RangeError(`${flag} must be a decimal amount such as 199.50, not ${JSON.stringify(value)}.`);
  }
}

/**
 * `posrecon search [TEXT]`: the same operation, validation and totals as the Transactions view. --min
 * and --max are decimal amounts in --currency (or the shop's currency), converted exactly to minor units.
 */
export async function runSearch(
  home: string,
  text: string | undefined,
  opts: SearchOptions,
  io: CliIo & { env?: NodeJS.ProcessEnv },
): Promise<number> {
  if (!existingCache(home, opts.json, io)) return EXIT.FAILURE;
  const core = await createCore({ home, actor: 'cli' });
  try {
    let amountCurrency = opts.currency?.toUpperCase();
    if (!amountCurrency && (opts.min || opts.max)) {
      const settings = await core.dispatch('settings:get', {});
      amountCurrency = settings.ok ? (settings.value as { currency: string }).currency : 'NOK';
    }
    const toMinor = (value: string | undefined, flag: string): number | undefined => {
      if (value === undefined) return undefined;
      if (!amountCurrency || !isCurrencyCode(amountCurrency))
        throw new RangeError(`--currency must be a currency code such as NOK or EUR.`);
      return amountToMinor(value, flag, amountCurrency);
    };
    let input: OperationInput<'transactions:search'>;
    try {
      if (opts.currency && !isCurrencyCode(opts.currency.toUpperCase()))
        throw new RangeError(
          `--currency must be a currency code such as NOK or EUR, not ${JSON.stringify(opts.currency)}.`,
        );
      if (opts.from && opts.to && opts.to < opts.from)
        throw new RangeError(`--to ${opts.to} is before --from ${opts.from}.`);
      const min = toMinor(opts.min, '--min');
      const max = toMinor(opts.max, '--max');
      if (min !== undefined && max !== undefined && min > max)
        throw new RangeError(`--min ${opts.min} is above --max ${opts.max}.`);
      input = {
        text,
        dateFrom: opts.from,
        dateTo: opts.to,
        providers: oneOf(opts.provider, '--provider', PROVIDERS),
        // "payment" is what the Transactions view calls a provider's capture.
        kinds: oneOf(opts.kind, '--kind', [...TRANSACTION_KINDS, 'payment'])?.map((k) =>
          k === 'payment' ? 'capture' : k,
        ),
        statuses: oneOf(opts.status, '--status', NORMALIZED_STATUSES),
        currencies: amountCurrency && opts.currency ? [amountCurrency] : undefined,
        amountMinMinor: min,
        amountMaxMinor: max,
        sort: opts.sort as OperationInput<'transactions:search'>['sort'],
        limit: opts.limit,
        totals: true,
      };
    } catch (err) {
      printError(io, opts.json, 'BAD_INPUT', (err as Error).message);
      return EXIT.USAGE;
    }
    const result = await core.dispatch('transactions:search', input);
    if (!result.ok) {
      printError(io, opts.json, result.error.code, result.error.message);
      return result.error.code === 'BAD_INPUT' ? EXIT.USAGE : EXIT.FAILURE;
    }
    const value = result.value as OperationOutput<'transactions:search'>;
    if (opts.json) printJson(io, value);
    else printText(io, value, localeFromEnv(io.env ?? {}));
    return EXIT.OK;
  } finally {
    core.close();
  }
}

/** Plain words for the kinds of money, as the Transactions view says them. */
const KIND_WORDS: Record<string, string> = {
  sale: 'sales',
  capture: 'payments',
  refund: 'refunds',
  fee: 'fees',
  payout: 'payouts',
  adjustment: 'adjustments',
};
const HEADLINE_WORDS: Record<string, string> = {
  received: 'received',
  sales: 'sold',
  payouts: 'paid to your bank',
  fees: 'fees',
  adjustments: 'adjusted',
};

function printText(
  io: CliIo,
  { items, totals, nextCursor }: OperationOutput<'transactions:search'>,
  locale: string | undefined,
): void {
  if (items.length) {
    printTable(
      io,
      ['Date', 'Provider', 'Kind', 'Amount', 'Status', 'Reconciliation', 'Description', 'Reference'],
      items.map((t) => [
        formatBusinessDate(t.businessDate, locale),
        CONNECTORS[t.provider]?.displayName ?? t.provider,
        KIND_WORD_NAMES[t.kind],
        // A payout is the shop's money going to its bank, not a loss; a fee is money out whatever its sign.
        `${minorToDecimal(shopAmountMinor(t.direction, t.amountMinor), t.currency)} ${t.currency}`,
        t.status.replaceAll('_', ' '),
        RECON_STATE_WORDS[t.reconState],
        t.description,
        t.externalId,
      ]),
      new Set([3]),
    );
  }
  if (!totals) return;
  const counted = totals.secondViews ? `, ${totals.count} counted` : '';
  printLine(io, `${totals.matched} matching${counted}${nextCursor ? ` (showing ${items.length})` : ''}`);
  // One line per currency: the headline, then each kind of money on its own, never added together.
  for (const c of totals.byCurrency) {
    // Payouts are money to the shop's bank: shown without the ledger's minus.
    const money = (minor: number, what: string) =>
      minorToDecimal(what.startsWith('payout') ? Math.abs(minor) : minor, c.currency);
    const kinds = c.byKind.map(
      (k) => `${KIND_WORDS[k.kind] ?? k.kind} ${money(k.amountMinor, k.kind)} (${k.count})`,
    );
    printLine(
      io,
      `  ${c.currency} ${HEADLINE_WORDS[c.headline.what] ?? c.headline.what} ${money(c.headline.amountMinor, c.headline.what)} | ${kinds.join(' | ')}`,
    );
  }
  if (totals.note) printLine(io, totals.note);
}
