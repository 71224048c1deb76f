import { z } from 'zod';
import type { TransactionKind } from './transaction.ts';

/**
 * Which way a record moves the shop's money, whatever sign its provider gives it: `in` (a sale, a
 * payment), `out` (a refund, a fee: money the shop no longer has) or `bank` (a payout: the shop's own
 * money leaving the provider for its bank account, which is neither income nor a loss). A Vipps
 * capture fee is positive in the fees ledger and negative in the funds ledger; both are money out.
 */
export const MONEY_DIRECTIONS = ['in', 'out', 'bank'] as const;
export const MoneyDirection = z.enum(MONEY_DIRECTIONS);
export type MoneyDirection = z.infer<typeof MoneyDirection>;

export function moneyDirection(kind: TransactionKind, amountMinor: number): MoneyDirection {
  if (kind === 'payout') return 'bank';
  if (kind === 'refund' || kind === 'fee') return 'out';
  return amountMinor < 0 ? 'out' : 'in';
}

/**
 * The amount as the shop sees it: money out is negative, money in and a payout to the bank positive.
 * (The renderer, which may import only types from here, has the same one-liner in lib/labels.ts.)
 */
export function shopAmountMinor(direction: MoneyDirection, amountMinor: number): number {
  return direction === 'out' ? -Math.abs(amountMinor) : Math.abs(amountMinor);
}
