import type { ProviderWords } from '../shared/words.ts';

/** TGI documents only a customer id (`cid`) and a transaction id (`tid`); nothing says what was bought. */
export const tgiWords: ProviderWords = {
  references: { tid: 'Transaction id', cid: 'Customer id', parent_tid: 'Original transaction' },
  what: (r) => {
    const customer = r.references.cid;
    if (!customer) return null;
    return r.kind === 'refund' ? `Refund to customer ${customer}` : `Payment from customer ${customer}`;
  },
  method: () => null,
  linesAreProducts: false,
};
