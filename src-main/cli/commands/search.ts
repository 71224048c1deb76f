import { createCore } from '../../core/core.ts';
import type { OperationInput, OperationOutput } from '../../core/api/contract.ts';
import { decimalToMinor, isCurrencyCode, minorToDecimal } from '../../core/model/money.ts';
import { type CliIo, EXIT, printError, printJson, printLine } from '../output.ts';

export interface SearchOptions {
  json: boolean;
  from?: string;
  to?: string;
  provider?: string[];
  status?: string[];
  currency?: string;
  min?: string;
  max?: string;
  limit: number;
  sort?: string;
}

const list = (values: string[] | undefined) =>
  values
    ?.flatMap((v) => v.split(','))
    .map((v) => v.trim())
    .filter(Boolean);

/**
 * `posrecon search [TEXT]`: the same operation, validation and totals as the Transactions view. --min
 * and --max are decimal amounts in --currency (or the shop's currency), converted exactly to minor units.
 */
export async function runSearch(
  home: string,
  text: string | undefined,
  opts: SearchOptions,
  io: CliIo,
): Promise<number> {
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
        throw new RangeError(`--currency is not an ISO 4217 code`);
      try {
        return decimalToMinor(value, amountCurrency);
      } catch {
        throw new RangeError(`${flag} must be a decimal amount such as 199.50, not ${JSON.stringify(value)}`);
      }
    };
    let input: OperationInput<'transactions:search'>;
    try {
      input = {
        text,
        dateFrom: opts.from,
        dateTo: opts.to,
        providers: list(opts.provider) as OperationInput<'transactions:search'>['providers'],
        statuses: list(opts.status) as OperationInput<'transactions:search'>['statuses'],
        currencies: opts.currency ? [opts.currency] : undefined,
        amountMinMinor: toMinor(opts.min, '--min'),
        amountMaxMinor: toMinor(opts.max, '--max'),
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
    else printText(io, value);
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
  payouts: 'paid out',
  fees: 'fees',
  adjustments: 'adjusted',
};

function printText(io: CliIo, { items, totals, nextCursor }: OperationOutput<'transactions:search'>): void {
  for (const t of items) {
    const amount = `${minorToDecimal(t.amountMinor, t.currency)} ${t.currency}`.padStart(16);
    printLine(
      io,
      `${t.businessDate}  ${t.provider.padEnd(9)} ${t.kind.padEnd(8)} ${amount}  ${t.status.padEnd(10)} ${t.customerName ?? ''}  ${t.externalId}`,
    );
  }
  if (!totals) return;
  const counted = totals.secondViews ? `, ${totals.count} counted` : '';
  printLine(io, `${totals.matched} matching${counted}${nextCursor ? ` (showing ${items.length})` : ''}`);
  // One line per currency: the headline, then each kind of money on its own, never added together.
  for (const c of totals.byCurrency) {
    const money = (minor: number) => minorToDecimal(minor, c.currency);
    const kinds = c.byKind.map((k) => `${KIND_WORDS[k.kind] ?? k.kind} ${money(k.amountMinor)} (${k.count})`);
    printLine(
      io,
      `  ${c.currency} ${HEADLINE_WORDS[c.headline.what] ?? c.headline.what} ${money(c.headline.amountMinor)} | ${kinds.join(' | ')}`,
    );
  }
  if (totals.note) printLine(io, totals.note);
}
