/** A sliding-window limiter: at most `max` requests per `windowMs` per key. */
export class RateLimiter {
  private readonly hits = new Map<string, number[]>();
  private readonly max: number;
  private readonly windowMs: number;

  constructor(max: number, windowMs: number) {
    this.max = max;
    this.windowMs = windowMs;
  }

  /** Records a request; returns 0 if allowed, else the ms until a slot frees. */
  take(key: string, now: number): number {
    const list = (this.hits.get(key) ?? []).filter((t) => t > now - this.windowMs);
    this.hits.set(key, list);
    if (list.length >= this.max) return (list[0] ?? now) + this.windowMs - now;
    list.push(now);
    return 0;
  }
}
