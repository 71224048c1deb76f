/**
 * A count with its noun in the form English wants: "1 sale", "0 sales", "1,234 sales". The CLI and
 * the search totals' notes say how many of something there are in sentences a shop manager reads.
 */
export const counted = (n: number, one: string, many: string): string =>
  `${n.toLocaleString('en-GB')} ${n === 1 ? one : many}`;
