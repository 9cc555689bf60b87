/** Percentiles and a ratio table for benchmarks that compare against a baseline in the same run. */
export function percentile(samples: number[], p: number): number {
  const sorted = [...samples].sort((a, b) => a - b);
  const index = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[index] ?? Number.NaN;
}

export interface Comparison {
  p50: number;
  p99: number;
  baselineP50: number;
  baselineP99: number;
  ratioP50: number;
  ratioP99: number;
}

export function compare(subject: number[], baseline: number[]): Comparison {
  const p50 = percentile(subject, 50);
  const p99 = percentile(subject, 99);
  const baselineP50 = percentile(baseline, 50);
  const baselineP99 = percentile(baseline, 99);
  return { p50, p99, baselineP50, baselineP99, ratioP50: p50 / baselineP50, ratioP99: p99 / baselineP99 };
}

/** Runs subject and baseline alternately so both see the same machine and cluster state. */
export async function interleave(
  rounds: number,
  subject: () => Promise<unknown>,
  baseline: () => Promise<unknown>,
  settle?: () => Promise<unknown>,
): Promise<{ subject: number[]; baseline: number[] }> {
  const out = { subject: [] as number[], baseline: [] as number[] };
  for (let i = 0; i < rounds; i++) {
    const first = i % 2 === 0;
    for (const [fn, bucket] of first
      ? ([
          [subject, out.subject],
          [baseline, out.baseline],
        ] as const)
      : ([
          [baseline, out.baseline],
          [subject, out.subject],
        ] as const)) {
      await settle?.(); // untimed: let the system come to rest so both sides start alike
      const t0 = performance.now();
      await fn();
      bucket.push(performance.now() - t0);
    }
  }
  return out;
}

export const ms = (value: number): string => `${value.toFixed(2)} ms`;
