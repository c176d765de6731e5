// Small statistics helpers for the bench: exact percentiles over recorded samples.

/** Percentile (0..100) of an ascending-sorted array, nearest-rank method; NaN for an empty array. */
export function percentile(sorted: ArrayLike<number>, p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length - 1, Math.max(0, rank - 1))] as number;
}

/** Median of unsorted numbers (copied, not mutated). */
export function median(values: readonly number[]): number {
  const s = [...values].sort((a, b) => a - b);
  return percentile(s, 50);
}

/** A growable Float64 sample buffer (latencies in ms), cheap to append in a hot loop. */
export class Samples {
  private buf: Float64Array;
  length = 0;
  constructor(initial = 1 << 16) {
    this.buf = new Float64Array(initial);
  }
  push(v: number): void {
    if (this.length === this.buf.length) {
      const next = new Float64Array(this.buf.length * 2);
      next.set(this.buf);
      this.buf = next;
    }
    this.buf[this.length++] = v;
  }
  /** Sorted copy of the recorded samples. */
  sorted(): Float64Array {
    return this.buf.slice(0, this.length).sort();
  }
}

export interface LatencySummary {
  count: number;
  p50: number;
  p99: number;
  p999: number;
  max: number;
}

export function summarise(samples: Samples): LatencySummary {
  const s = samples.sorted();
  return {
    count: s.length,
    p50: percentile(s, 50),
    p99: percentile(s, 99),
    p999: percentile(s, 99.9),
    max: s.length ? (s[s.length - 1] as number) : Number.NaN,
  };
}

/** Runs `fn` repeatedly for about `ms` milliseconds (after a short warm-up); returns operations/s. */
export function opsPerSecond(fn: () => void, ms: number, batch = 1): number {
  const warm = performance.now() + Math.min(200, ms / 4);
  while (performance.now() < warm) fn();
  let ops = 0;
  const start = performance.now();
  let now = start;
  while (now - start < ms) {
    for (let i = 0; i < batch; i++) fn();
    ops += batch;
    now = performance.now();
  }
  return (ops * 1000) / (now - start);
}

/** Async variant of opsPerSecond (one awaited call at a time). */
export async function asyncOpsPerSecond(fn: () => Promise<unknown>, ms: number): Promise<number> {
  const warm = performance.now() + Math.min(200, ms / 4);
  while (performance.now() < warm) await fn();
  let ops = 0;
  const start = performance.now();
  let now = start;
  while (now - start < ms) {
    await fn();
    ops++;
    now = performance.now();
  }
  return (ops * 1000) / (now - start);
}

/**
 * Measures several functions in alternating short slices and keeps each one's best slice: on a shared
 * machine, other processes only ever slow a slice down, so the best slice is the least disturbed, and
 * alternating keeps a burst of outside load from landing on one side of a comparison only.
 */
export function bestOfInterleaved(fns: (() => void)[], totalMs: number, rounds = 5): number[] {
  const best = fns.map(() => 0);
  const slice = totalMs / rounds / fns.length;
  for (let r = 0; r < rounds; r++) {
    fns.forEach((fn, i) => {
      best[i] = Math.max(best[i]!, opsPerSecond(fn, slice));
    });
  }
  return best;
}
