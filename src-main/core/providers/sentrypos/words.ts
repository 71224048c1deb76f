import { methodName, productsText, type ProviderWords } from '../shared/words.ts';

/** A SentryPOS row is one tender of an invoice; its products come from the payment it was linked to. */
export const sentryposWords: ProviderWords = {
  references: { id: 'Payment number', invoiceId: 'Invoice number' },
  what: (r) => productsText(r.lines),
  method: (r) => methodName(r.network),
  linesAreProducts: false,
};
