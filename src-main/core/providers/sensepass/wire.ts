import { z } from 'zod';

/** `amount` arrives as a decimal string ("1234.56") in some records and as a JSON number in others. */
const Amount = z.union([z.string().min(1), z.number()]);
const Id = z.union([z.string().min(1), z.number().int()]).transform(String);
const Text = z.string().nullish();

/** Confirmation fields are references of the card or wallet scheme; their types vary, so they stay unknown. */
export const SensePassConfirmation = z.looseObject({
  paymentType: z.unknown().optional(),
  confirmationNumber: z.unknown().optional(),
  fullConfirmationCode: z.unknown().optional(),
  paymentMethodName: Text,
  approvedBy: Text,
  providerId: z.unknown().optional(),
  requestID: z.unknown().optional(),
  authNumber: z.unknown().optional(),
  referenceNumber: z.unknown().optional(),
  acquirer: Text,
  voucher: z.unknown().optional(),
  lastFourDigits: z.unknown().optional(),
  sensePassReferenceId: z.unknown().optional(),
});
export type SensePassConfirmation = z.infer<typeof SensePassConfirmation>;

export const SensePassProduct = z.looseObject({
  name: Text,
  quantity: z.number().nullish(),
  amount: Amount.nullish(),
  discount: Amount.nullish(),
  posIdentifier: z.unknown().optional(),
});
export type SensePassProduct = z.infer<typeof SensePassProduct>;

/**
 * One SensePass transaction, in both shapes the page shows (the single-transaction example and the
 * list's records). Unknown fields are kept; `status` is a number 0–13 (a numeric string is accepted),
 * and a code we do not know is kept as sent.
 */
export const SensePassTransaction = z.looseObject({
  TransactionNumber: Id,
  date: z.string().min(1),
  amount: Amount,
  currency: z.string().min(1),
  status: z.union([z.number().int(), z.string().regex(/^\d+$/).transform(Number)]),
  statusName: Text,
  methodType: z.unknown().optional(),
  pos: Text,
  businessName: Text,
  posData: z.record(z.string(), z.unknown()).nullish(),
  metadata: z.record(z.string(), z.unknown()).nullish(),
  paymentDetails: z.looseObject({ type: Text, paymentMethod: Text }).nullish(),
  paymentMethodData: z.looseObject({ PaymentType: Text }).nullish(),
  confirmation: SensePassConfirmation.nullish(),
  confirmations: z.array(SensePassConfirmation).nullish(),
  products: z.array(SensePassProduct).nullish(),
  paymentProcessRequestID: z.unknown().optional(),
  clientEmail: Text,
  clientPhoneNumber: Text,
  extraDetails: z
    .looseObject({
      addressData: z
        .looseObject({ billingAddress: z.looseObject({ firstName: Text, lastName: Text }).nullish() })
        .nullish(),
    })
    .nullish(),
});
export type SensePassTransaction = z.infer<typeof SensePassTransaction>;

export const SensePassPage = z.looseObject({
  pagination: z
    .looseObject({
      returnedRecords: z.number().nullish(),
      totalRecords: z.number().int().nonnegative().nullish(),
      isPartialResult: z.boolean().nullish(),
    })
    .nullish(),
  data: z.array(z.unknown()),
});
export type SensePassPage = z.infer<typeof SensePassPage>;
