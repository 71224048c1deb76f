/** p50 and p95 of `runs` synchronous calls, after `warm` unmeasured ones (statement preparation, page cache). */
export function timeSync(runs: number, fn: () => unknown, warm = 5): { p50: number; p95: number } {
  for (let i = 0; i < warm; i++) fn();
  const t: number[] = [];
  for (let i = 0; i < runs; i++) {
    const a = performance.now();
    fn();
    t.push(performance.now() - a);
  }
  t.sort((x, y) => x - y);
  const q = (p: number) => t[Math.min(t.length - 1, Math.ceil(p * t.length) - 1)]!;
  return { p50: q(0.5), p95: q(0.95) };
}
