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
  score: Float64Array,
  closeness: Float64Array,
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
export function groupBy(order: ArrayLike<number> & Iterable<number>, of: Int32Array, n: number) {
  const start = new Int32Array(n + 1);
  for (const c of order) start[of[c]! + 1]!++;
  for (let i = 0; i < n; i++) start[i + 1]! += start[i]!;
  const next = start.slice(0, n);
  const list = new Int32Array(of.length);
  for (const c of order) list[next[of[c]!]!++] = c;
  return { start, list };
}

/**
 * A column of numbers that grows by doubling a typed array: a busy day pushes half a million
 * candidates into four of them, which as JS arrays grew by copies that were garbage at once.
 */
export class Column<T extends Int32Array | Float64Array> {
  readonly #make: (n: number) => T;
  #data: T;
  length = 0;

  constructor(make: (n: number) => T) {
    this.#make = make;
    this.#data = make(1024);
  }

  push(x: number): void {
    if (this.length === this.#data.length) {
      const wider = this.#make(this.length * 2);
      wider.set(this.#data);
      this.#data = wider;
    }
    this.#data[this.length++] = x;
  }

  /** The numbers pushed, without a copy. */
  values(): T {
    return this.#data.subarray(0, this.length) as T;
  }
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
