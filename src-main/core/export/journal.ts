import { type AccountMapping, clearingAccount, revenueAccount, vatCode } from './accounts.ts';
import type { DailyRow } from './daily.ts';

/**
 * Double entry from the Daily sheet and the payouts. Every voucher balances to the minor unit by
 * construction (each line's counterpart is derived from the same integers), and a rounding line
 * catches anything that would not, so a voucher that cannot balance is impossible to export.
 */
export interface JournalLine {
  voucher: string;
  date: string;
  account: string;
  /** Minor units; one of debit and credit is 0, neither is negative. */
  debitMinor: number;
  creditMinor: number;
  currency: string;
  vatCode: string;
  text: string;
  reference: string;
}

export interface PayoutFacts {
  id: number;
  ledgerId: string;
  ledgerDate: string;
  provider: string;
  currency: string;
  capturesMinor: number;
  refundsMinor: number;
  feesMinor: number;
  adjustmentsMinor: number;
  expectedMinor: number;
  actualMinor: number;
  differenceMinor: number;
}

/** A positive amount is a debit; a negative one the same line on the credit side. */
function line(
  base: Omit<JournalLine, 'account' | 'debitMinor' | 'creditMinor' | 'vatCode' | 'text'>,
  account: string,
  debitMinor: number,
  text: string,
  code = '',
): JournalLine {
  return {
    ...base,
    account,
    debitMinor: Math.max(debitMinor, 0),
    creditMinor: Math.max(-debitMinor, 0),
    vatCode: code,
    text,
  };
}

/** Closes the voucher with a rounding line if (and only if) its sides differ. */
function balance(lines: JournalLine[], m: AccountMapping, text: string): JournalLine[] {
  const kept = lines.filter((l) => l.debitMinor !== 0 || l.creditMinor !== 0);
  const diff = kept.reduce((s, l) => s + l.debitMinor - l.creditMinor, 0);
  const first = kept[0];
  if (diff !== 0 && first) kept.push(line(first, m.rounding, -diff, text));
  return kept;
}

export const TENDER_NAMES: Record<string, string> = {
  cash: 'cash',
  vipps: 'Vipps',
  tgi: 'TGI',
  sensepass: 'SensePass',
  cents: 'Cents',
};
const pct = (bp: number) => `${bp / 100} %`;

/** One voucher per business day and currency: what each tender took, split into revenue and VAT. */
export function revenueVouchers(rows: readonly DailyRow[], m: AccountMapping): JournalLine[][] {
  const byDay = new Map<string, DailyRow[]>();
  for (const r of rows) {
    const k = `${r.date}|${r.currency}`;
    byDay.set(k, [...(byDay.get(k) ?? []), r]);
  }
  const vouchers: JournalLine[][] = [];
  for (const [k, day] of [...byDay].sort(([a], [b]) => a.localeCompare(b))) {
    const [date, currency] = k.split('|') as [string, string];
    const base = { voucher: `S-${date}-${currency}`, date, currency, reference: `Sales ${date}` };
    const lines: JournalLine[] = [];
    const tenders = new Map<string, number>();
    for (const r of day) tenders.set(r.tender, (tenders.get(r.tender) ?? 0) + r.grossMinor);
    for (const [tender, gross] of [...tenders].sort(([a], [b]) => a.localeCompare(b)))
      lines.push(
        line(base, clearingAccount(m, tender), gross, `Takings ${date}, ${TENDER_NAMES[tender] ?? tender}`),
      );
    const rates = new Map<number | null, { net: number; vat: number }>();
    for (const r of day) {
      const x = rates.get(r.rateBp) ?? { net: 0, vat: 0 };
      x.net += r.netMinor;
      x.vat += r.vatMinor;
      rates.set(r.rateBp, x);
    }
    for (const [rate, x] of [...rates].sort(([a], [b]) => (b ?? -1) - (a ?? -1))) {
      if (rate === null) {
        lines.push(line(base, m.donations, -x.net, `Donations collected ${date}`));
        continue;
      }
      const code = vatCode(m, rate);
      lines.push(line(base, revenueAccount(m, rate), -x.net, `Sales ${date}, VAT ${pct(rate)}`, code));
      lines.push(line(base, m.outputVat, -x.vat, `Output VAT ${date}, ${pct(rate)}`, code));
    }
    vouchers.push(balance(lines, m, `Rounding ${date}`));
  }
  return vouchers;
}

/** One voucher per payout: the bank receives the net, fees are costs, the clearing account empties. */
export function payoutVoucher(p: PayoutFacts, m: AccountMapping): JournalLine[] {
  const name = TENDER_NAMES[p.provider] ?? p.provider;
  const base = {
    voucher: `P-${p.ledgerDate}-${p.id}`,
    date: p.ledgerDate,
    currency: p.currency,
    reference: `${name} payout ${p.ledgerId} ${p.ledgerDate}`,
  };
  const clearing = clearingAccount(m, p.provider);
  return balance(
    [
      line(base, m.bank, p.actualMinor, `${name} payout ${p.ledgerDate}`),
      line(base, m.fees, p.feesMinor, `${name} fees`),
      line(base, clearing, -(p.capturesMinor + p.refundsMinor), `${name} captures less refunds settled`),
      line(base, m.adjustments, -p.adjustmentsMinor, `${name} adjustments`),
      line(base, m.rounding, -p.differenceMinor, `${name} payout differs from what it settles`),
    ],
    m,
    `Rounding ${p.ledgerDate}`,
  );
}
