/** Latency summaries as the benches print them. */
export interface Distribution {
  n: number;
  p50: number;
  p99: number;
  max: number;
}

/** Nearest-rank percentiles: p99 of 200 samples is the 198th smallest, an observed value. */
export function distribution(samples: readonly number[]): Distribution {
  const sorted = [...samples].sort((a, b) => a - b);
  const rank = (p: number): number =>
    sorted[Math.max(0, Math.ceil((p / 100) * sorted.length) - 1)] ?? NaN;
  return { n: sorted.length, p50: rank(50), p99: rank(99), max: sorted[sorted.length - 1] ?? NaN };
}

export function ms(value: number): string {
  return `${value < 10 ? value.toFixed(2) : value.toFixed(0)} ms`;
}

export function formatDistribution(d: Distribution): string {
  return `n=${d.n} p50=${ms(d.p50)} p99=${ms(d.p99)} max=${ms(d.max)}`;
}

/** Counts of each key, in key order (formatTally prints `200×999 202×1`). */
export function tally(keys: Iterable<string | number>): Map<string, number> {
  const counts = new Map<string, number>();
  for (const key of keys) counts.set(String(key), (counts.get(String(key)) ?? 0) + 1);
  return new Map([...counts].sort(([a], [b]) => a.localeCompare(b)));
}

export function formatTally(counts: Map<string, number>): string {
  return [...counts].map(([key, n]) => `${key}×${n}`).join(" ") || "(none)";
}
