import type { Database } from 'better-sqlite3';
import { z } from 'zod';
import { get, sql } from '../store/sql.ts';

/**
 * Which ledger account each journal line goes to. The defaults follow the Norwegian standard chart
 * (NS 4102) and SAF-T VAT codes, since most of our shops are Norwegian; an accountant changes them in
 * Settings (key `exportAccounts`) and the next export uses theirs.
 */
export const AccountMapping = z.object({
  /** Revenue per VAT rate in basis points ("2500" is 25 %). */
  revenue: z.record(z.string().regex(/^\d+$/), z.string().min(1)),
  /** Revenue at a rate the mapping does not name. */
  revenueOther: z.string().min(1),
  outputVat: z.string().min(1),
  /** One clearing account per tender: each provider, plus `cash` for the till's cash tenders. */
  clearing: z.record(z.string(), z.string().min(1)),
  clearingOther: z.string().min(1),
  fees: z.string().min(1),
  bank: z.string().min(1),
  rounding: z.string().min(1),
  /** Payout adjustments the provider made (corrections, reversals) until someone explains them. */
  adjustments: z.string().min(1),
  /** Donations collected for a charity are a debt to it, not revenue. */
  donations: z.string().min(1),
  /** SAF-T standard VAT code per rate in basis points. */
  vatCodes: z.record(z.string().regex(/^\d+$/), z.string()),
  /** The rate applied to money whose record carries no VAT lines (card terminals, the till). */
  defaultVatRateBp: z.number().int().min(0).max(10_000),
});
export type AccountMapping = z.infer<typeof AccountMapping>;

export const DEFAULT_ACCOUNTS: AccountMapping = {
  revenue: { '2500': '3000', '1500': '3030', '1200': '3033', '0': '3100' },
  revenueOther: '3090',
  outputVat: '2700',
  clearing: {
    cash: '1900',
    vipps: '1571',
    tgi: '1572',
    sensepass: '1573',
    cents: '1574',
  },
  clearingOther: '1579',
  fees: '7770',
  bank: '1920',
  rounding: '7795',
  adjustments: '7790',
  donations: '2900',
  vatCodes: { '2500': '3', '1500': '31', '1200': '33', '0': '5' },
  defaultVatRateBp: 2500,
};

export const ACCOUNTS_SETTING = 'exportAccounts';

/** Stored mapping over the defaults; a stored value that no longer validates falls back whole. */
export function readAccountMapping(db: Database): AccountMapping {
  const row = get<{ value: string }>(db, sql`SELECT value FROM settings WHERE key = ${ACCOUNTS_SETTING}`);
  if (!row) return DEFAULT_ACCOUNTS;
  const parsed = AccountMapping.partial().safeParse(JSON.parse(row.value));
  return parsed.success ? { ...DEFAULT_ACCOUNTS, ...parsed.data } : DEFAULT_ACCOUNTS;
}

export const revenueAccount = (m: AccountMapping, rateBp: number) =>
  m.revenue[String(rateBp)] ?? m.revenueOther;
export const clearingAccount = (m: AccountMapping, tender: string) => m.clearing[tender] ?? m.clearingOther;
export const vatCode = (m: AccountMapping, rateBp: number | null) =>
  rateBp === null ? '' : (m.vatCodes[String(rateBp)] ?? '');
