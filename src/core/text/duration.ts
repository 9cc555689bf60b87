/** Strict durations (`90s`, `10m`, `1h30m`, `2d`) and short ages for tables (`5m`, `3h`, `2d`). */
import { duration } from '../model/patterns.ts';
import { usageError } from '../errors.ts';

const unitMs = { s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 } as const;

/** Parses a duration or throws a usage error that shows the accepted forms. */
export function parseDuration(input: string, what = 'duration'): number {
  const match = duration.exec(input.trim());
  if (!match || input.trim() === '') {
    throw usageError(`${what} must look like 30s, 10m, 1h or 1h30m, got "${input}"`);
  }
  const [, d, h, m, s] = match;
  return Number(d ?? 0) * unitMs.d + Number(h ?? 0) * unitMs.h + Number(m ?? 0) * unitMs.m + Number(s ?? 0) * unitMs.s;
}

/** "45s", "12m", "3h", "4d": the kubectl style, one unit, rounded down. */
export function formatAge(ms: number): string {
  const seconds = Math.max(0, Math.floor(ms / 1_000));
  if (seconds < 120) return `${seconds}s`;
  if (seconds < 7_200) return `${Math.floor(seconds / 60)}m`;
  if (seconds < 172_800) return `${Math.floor(seconds / 3_600)}h`;
  return `${Math.floor(seconds / 86_400)}d`;
}

export function ageSince(then: Date | undefined, now: Date): string {
  return then ? formatAge(now.getTime() - then.getTime()) : '-';
}
