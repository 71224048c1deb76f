import { productsText, type ProviderWords, type RecordFacts } from '../shared/words.ts';

const PAYMENT_TYPES: Readonly<Record<string, string>> = { CARD: 'Card', CASH: 'Cash', WALLET: 'Vipps app' };

/** Report API entry types (funds and fees ledgers) in plain words; the order reference follows where one is given. */
const ENTRY_WORDS: Readonly<Record<string, (order: string | null) => string>> = {
  capture: (o) => (o ? `Settled payment for order ${o}` : 'Settled payment'),
  refund: (o) => (o ? `Settled refund for order ${o}` : 'Settled refund'),
  'capture-fee': (o) => (o ? `Fee for the payment of order ${o}` : 'Fee for a payment'),
  'fees-retained': () => 'Fees kept back from the takings',
  'fees-invoiced': () => 'Fees sent as an invoice',
  'service-fee': () => 'Service fee',
  'payout-scheduled': () => 'Paid out to your bank',
  'scheduled-for-payout': () => 'Paid out to your bank',
  'payout-aborted': () => 'Payout stopped: the money stays with Vipps',
  'retained-disputed-capture': (o) => `Held back: a payment the customer disputes${o ? ` (order ${o})` : ''}`,
  'returned-disputed-capture': (o) => `Given back: a disputed payment${o ? ` (order ${o})` : ''}`,
  correction: () => 'Correction by Vipps',
  'top-up': () => 'Top-up of the Vipps balance',
  'credit-note': () => 'Credit note from Vipps',
};

/** Sales API entries (`sales:` ids) carry the basket; a variable-amount entry has none. */
function saleWhat(r: RecordFacts): string | null {
  const products = productsText(r.lines);
  if (products) return products;
  return r.providerText?.startsWith('VARIABLE_AMOUNT') ? 'Amount typed in at the till' : null;
}

export const vippsWords: ProviderWords = {
  references: {
    // A payment's, and also a payout's or a day's fees' own id: not only payments carry one.
    pspReference: 'Vipps reference',
    reference: 'Order reference',
    recipientHandle: 'Vipps merchant',
    ledgerId: 'Settlement ledger',
  },
  what: (r) => {
    if (r.externalId.startsWith('sales:')) return saleWhat(r);
    const entry = r.providerStatus ?? '';
    const words = ENTRY_WORDS[entry];
    // New entry types appear without notice: name the type rather than guess what it means.
    return words ? words(r.references.reference || null) : `Vipps ledger entry “${entry}”`;
  },
  method: (r) => (r.method ? (PAYMENT_TYPES[r.method] ?? r.method) : null),
  linesAreProducts: true,
};
