/*
 * Sorted-array helpers of matching: a binary search over times, and the scored stage's candidates put
 * best first and grouped by tender or payment without an object per candidate.
 */

/**
 * Candidate numbers best first: highest score, then closest, then lowest number. A busy day has half a
 * million: when the three fit in one exact number (scores in thousandths, whole milliseconds) they are
 * sorted as plain numbers, without a comparator call per comparison; otherwise by the comparator.
 */
export function bestFirst(
  score: readonly number[],
  closeness: readonly number[],
): ArrayLike<number> & Iterable<number> {
  const n = score.length;
  let span = 0;
  let exact = true;
  for (let c = 0; c < n; c++) {
    const [s, d] = [score[c]!, closeness[c]!];
    if (d > span) span = d;
    exact &&= Number.isInteger(d) && s >= 0 && s <= 1 && Math.round(s * 1000) / 1000 === s;
  }
  span += 1;
  if (!exact || 1001 * span * n > Number.MAX_SAFE_INTEGER)
    return Array.from(score.keys()).sort(
      (a, b) => score[b]! - score[a]! || closeness[a]! - closeness[b]! || a - b,
    );
  const keys = new Float64Array(n);
  for (let c = 0; c < n; c++)
    keys[c] = ((1000 - Math.round(score[c]! * 1000)) * span + closeness[c]!) * n + c;
  keys.sort();
  const order = new Int32Array(n);
  for (let i = 0; i < n; i++) order[i] = keys[i]! % n;
  return order;
}

/** The candidates in `order` grouped by `of[c]` (in 0..n), each group in `order`'s order. */
export function groupBy(order: ArrayLike<number> & Iterable<number>, of: readonly number[], n: number) {
  const start = new Int32Array(n + 1);
  for (const c of order) start[of[c]! + 1]!++;
  for (let i = 0; i < n; i++) start[i + 1]! += start[i]!;
  const next = start.slice(0, n);
  const list = new Int32Array(of.length);
  for (const c of order) list[next[of[c]!]!++] = c;
  return { start, list };
}

export function lowerBound(xs: readonly number[], x: number): number {
  let lo = 0;
  let hi = xs.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if ((xs[mid] ?? 0) < x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
