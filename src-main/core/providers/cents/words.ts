import { methodName, type ProviderWords } from '../shared/words.ts';

/** A Cents record is an order, often with a round-up donation (its second line, named after the cause). */
export const centsWords: ProviderWords = {
  references: {
    id: 'Cents transaction id',
    external_id: 'Gateway charge',
    gateway_id: 'Charge id at the gateway',
    reconciliation_id: 'Reconciliation id',
    order_id: 'Order number',
  },
  what: (r) => {
    if (r.providerStatus === 'pre_transaction') return 'Card check before the payment';
    const donation = r.lines.find((l) => l.category === 'donation');
    if (!donation) return 'Order';
    const cause = /\((.+)\)/.exec(donation.name)?.[1]?.replaceAll(/[-_]+/g, ' ');
    return cause ? `Order + round-up for ${cause}` : 'Order + round-up donation';
  },
  method: (r) => methodName(r.method),
  linesAreProducts: false,
};
