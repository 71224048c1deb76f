import type { NormalizedStatus, TransactionKind } from '../../model/transaction.ts';

/** One of a record's first lines, as its description reads it. */
export interface LineFact {
  quantity: number;
  name: string;
  category: string | null;
}

/** What a record's words are built from: the cached row, its first lines and its references. */
export interface RecordFacts {
  kind: TransactionKind;
  status: NormalizedStatus;
  providerStatus: string | null;
  externalId: string;
  amountMinor: number;
  method: string | null;
  network: string | null;
  /** The text the provider gave the record, as normalised (a terminal's name, a donation cause). */
  providerText: string | null;
  /** Reference kind (the provider's field name) → value. */
  references: Readonly<Record<string, string>>;
  /** The record's lines; for a POS sale without any, those of the payment it was linked to. */
  lines: readonly LineFact[];
}

/** How one provider's records read to a shop manager. Each provider folder exports one. */
export interface ProviderWords {
  /** Each reference kind the provider fills (its own field name) in plain words. */
  references: Readonly<Record<string, string>>;
  /** What the record is: its products, or what the money was for ("Paid out to your bank"). */
  what(r: RecordFacts): string | null;
  /** How it was paid ("Visa", "Vipps app", "Cash"), where the record says. */
  method(r: Pick<RecordFacts, 'method' | 'network'>): string | null;
  /** Whether its lines are the products sold, so that the POS sale a record pays can name them. */
  linesAreProducts: boolean;
}

/** How many lines a description names before it says "+ N more". */
export const LINES_NAMED = 3;

/** "2 × Coffee, Bun + 3 more": the products a record carries, or null when it has none. */
export function productsText(lines: readonly LineFact[]): string | null {
  // The same product on two lines is said once with both quantities ("2 × Newspaper", not "Newspaper,
  // Newspaper"); a refund's lines count back (−1 × Bun), and the kind already says it is a refund.
  const quantities = new Map<string, number>();
  for (const l of lines) {
    const name = l.name.trim();
    if (name) quantities.set(name, (quantities.get(name) ?? 0) + Math.abs(l.quantity));
  }
  const names = [...quantities].map(([name, q]) => (q === 1 ? name : `${q} × ${name}`));
  if (!names.length) return null;
  const named = names.slice(0, LINES_NAMED).join(', ');
  return names.length > LINES_NAMED ? `${named} + ${names.length - LINES_NAMED} more` : named;
}

/**
 * A field name the provider's words do not list (SensePass's posData is keyed by the merchant), read
 * as words: "invoiceId" and "invoice_id" → "Invoice id".
 */
export function humanizeField(field: string): string {
  const words = field
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .replace(/[_\-.]+/g, ' ')
    .trim()
    .toLowerCase();
  return words ? words[0]!.toUpperCase() + words.slice(1) : field;
}

/** Reference names every provider's merchant data tends to use, for fields a provider does not name. */
export const COMMON_REFERENCES: Readonly<Record<string, string>> = {
  invoiceId: 'Invoice number',
  invoice_id: 'Invoice number',
  orderId: 'Order number',
  order_id: 'Order number',
  receiptId: 'Receipt number',
};

/** Card networks and wallets as their owners write them. */
const METHODS: Readonly<Record<string, string>> = {
  VISA: 'Visa',
  MASTERCARD: 'Mastercard',
  AMEX: 'American Express',
  DINERS: 'Diners Club',
  DISCOVER: 'Discover',
  JCB: 'JCB',
  MAESTRO: 'Maestro',
  BIT: 'Bit',
  VIPPS: 'Vipps',
  MOBILEPAY: 'MobilePay',
  CASH: 'Cash',
  CARD: 'Card',
  CREDITCARD: 'Credit card',
  DEBITCARD: 'Debit card',
  APPLEPAY: 'Apple Pay',
  GOOGLEPAY: 'Google Pay',
  STRIPE: 'Card (Stripe)',
  ADYEN: 'Card (Adyen)',
};

/** A method or network code in its owner's spelling ("MASTERCARD" → "Mastercard"), or as sent. */
export function methodName(code: string | null): string | null {
  if (!code) return null;
  return METHODS[code.replace(/[\s_-]+/g, '').toUpperCase()] ?? code;
}
