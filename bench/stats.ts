/** Shared figures helpers: benchmarks report medians of several runs (shared, noisy machines). */
export function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)] ?? 0;
}
