import type { Rec } from '../../src-main/core/reconcile/load-day.ts';

/** A record as matching reads it: a completed NOK 100.00 SentryPOS card sale, with what a test changes. */
export function rec(over: Partial<Rec>): Rec {
  return {
    id: 1,
    provider: 'sentrypos',
    connectionId: 'c',
    externalId: 'x',
    kind: 'sale',
    amount: 10000,
    currency: 'NOK',
    status: 'completed',
    providerStatus: null,
    atMs: Date.parse('2026-11-03T12:00:00Z'),
    date: '2026-11-03',
    customerName: null,
    customerPhone: null,
    method: null,
    network: 'VISA',
    fingerprint: null,
    refs: ['inv_00001234abcd'],
    link: null,
    orderMinor: null,
    tipMinor: 0,
    twinId: null,
    heldBy: null,
    heldKey: null,
    heldRole: null,
    ...over,
  };
}
