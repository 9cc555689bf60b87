/**
 * How long a watch waits before trying again: doubling from `initialMs` up to `maxMs`, each wait
 * drawn between half and all of that (jitter), so watches that failed together do not retry together.
 */
export interface Backoff {
  initialMs: number;
  maxMs: number;
}

export const defaultBackoff: Backoff = { initialMs: 500, maxMs: 30_000 };

/** The wait before retry number `attempt` (0 for the first); `random` returns [0, 1). */
export function backoffDelay(attempt: number, backoff: Backoff, random: () => number): number {
  const ceiling = Math.min(backoff.maxMs, backoff.initialMs * 2 ** Math.min(attempt, 30));
  return Math.round(ceiling * (0.5 + random() / 2));
}
