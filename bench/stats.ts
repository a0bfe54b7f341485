/** The p-th percentile (nearest rank) of ascending samples. */
export function percentile(sorted: number[], p: number): number {
  const index = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[index] ?? Number.NaN;
}

/** p50 and p95 of a set of timings. */
export function summarize(samples: number[]): { p50: number; p95: number } {
  const sorted = [...samples].sort((a, b) => a - b);
  return { p50: percentile(sorted, 50), p95: percentile(sorted, 95) };
}

/** Milliseconds for people. */
export function ms(n: number): string {
  return `${n.toFixed(2)} ms`;
}
