import { methodName, productsText, type ProviderWords } from '../shared/words.ts';

/** SensePass names the terminal (`pos`); posData keys are the merchant's own and read through humanizeField. */
export const sensepassWords: ProviderWords = {
  references: {
    TransactionNumber: 'Transaction number',
    receiptSaveUid: 'Receipt id',
    transactionEventId: 'Event id',
    paymentProcessRequestID: 'Payment request id',
    confirmationNumber: 'Confirmation number',
    fullConfirmationCode: 'Full confirmation code',
    authNumber: 'Authorisation code',
    referenceNumber: 'Card reference number',
    voucher: 'Voucher number',
    sensePassReferenceId: 'SensePass reference',
    requestID: 'Request id',
    providerId: 'Card processor id',
  },
  what: (r) => productsText(r.lines) ?? (r.providerText ? `At ${r.providerText}` : null),
  method: (r) => methodName(r.method),
  linesAreProducts: true,
};
