import { AppError } from '../model/app-error.ts';
import type { SearchSort } from '../api/schemas.ts';

/** The sort key of the last row of a page: (business_date, occurred_at, id) or (amount_minor, id). */
export type CursorKey = [string, string, number] | [number, number];

interface CursorBody {
  s: SearchSort;
  k: CursorKey;
}

export function encodeSearchCursor(sort: SearchSort, key: CursorKey): string {
  return Buffer.from(JSON.stringify({ s: sort, k: key } satisfies CursorBody)).toString('base64url');
}

function validKey(sort: SearchSort, k: unknown): k is CursorKey {
  if (!Array.isArray(k)) return false;
  if (sort.startsWith('time')) {
    return (
      k.length === 3 && typeof k[0] === 'string' && typeof k[1] === 'string' && Number.isSafeInteger(k[2])
    );
  }
  return k.length === 2 && Number.isSafeInteger(k[0]) && Number.isSafeInteger(k[1]);
}

/** A cursor is only valid for the sort it was made under; anything else asks the client to start over. */
export function decodeSearchCursor(sort: SearchSort, text: string): CursorKey {
  try {
    const body = JSON.parse(Buffer.from(text, 'base64url').toString('utf8')) as Partial<CursorBody>;
    if (body.s === sort && validKey(sort, body.k)) return body.k;
  } catch {
    // fall through
  }
  throw new AppError(
    'BAD_INPUT',
    'The page cursor is not valid for this search; start again from the first page.',
  );
}
