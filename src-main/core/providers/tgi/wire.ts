import { z } from 'zod';

/** An id that some records send as a number: kept as its string form. */
const Id = z.union([z.string().min(1), z.number().int()]).transform(String);

/**
 * LFL Group TGI wire shapes. Only `data: [{tid: "HIWRLD", ...}]` is shown on the page; the fields
 * follow the POST body (`cid, tid, total, subtotal, tax, date`) plus `status`. Unknown fields are kept.
 */
export const TgiTransaction = z.looseObject({
  tid: Id,
  cid: Id.nullish(),
  total: z.number().int(),
  subtotal: z.number().int().nullish(),
  tax: z.number().int().nullish(),
  date: z.string().min(1),
  status: z.string().min(1),
  parent_tid: Id.nullish(),
});
export type TgiTransaction = z.infer<typeof TgiTransaction>;

export const TgiPage = z.looseObject({
  query: z
    .looseObject({
      limit: z.number().nullish(),
      results: z.number().nullish(),
      totalRecords: z.number().int().nonnegative().nullish(),
    })
    .nullish(),
  page: z.looseObject({}).nullish(),
  cursor: z
    .looseObject({
      prevUrl: z.string().nullish(),
      nextUrl: z.string().nullish(),
    })
    .nullish(),
  data: z.array(z.unknown()),
});
export type TgiPage = z.infer<typeof TgiPage>;
