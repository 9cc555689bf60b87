/**
 * Readiness as a cached state, refreshed in the background (issue 9, item 16): `/readyz` answers
 * from the last refresh, so a probe (or a flood of requests) never turns into live calls to the
 * cluster and Mattermost, and a dependency that hangs makes the answer "not ready", not a hang.
 */
import type { Logger } from '../../../core/ports/logger.ts';

export interface ReadinessCache {
  /** The last known state of every check (false until a check first answered true). */
  snapshot(): Record<string, boolean>;
  stop(): void;
}

export interface ReadinessOptions {
  /** How often every check runs (each waits for its previous run to end). */
  everyMs: number;
  /** A check slower than this counts as failed until it answers. */
  timeoutMs: number;
  logger: Logger;
}

export function startReadinessCache(checks: Record<string, () => Promise<boolean>>, o: ReadinessOptions): ReadinessCache {
  const state: Record<string, boolean> = Object.fromEntries(Object.keys(checks).map((name) => [name, false]));
  /** The run of each check that may still write its state; an abandoned (timed-out) run may not. */
  const current = new Map<string, number>();
  let runs = 0;

  const refresh = (name: string, check: () => Promise<boolean>): void => {
    if (current.has(name)) return; // a slow check is not piled up...
    const run = ++runs;
    current.set(name, run);
    const settle = (ok: boolean): void => {
      if (current.get(name) !== run) return;
      state[name] = ok;
      current.delete(name);
    };
    // ...but one that hangs is abandoned after `timeoutMs`, and tried afresh at the next refresh.
    const late = setTimeout(() => settle(false), o.timeoutMs);
    check()
      .then(
        (ok) => settle(ok),
        (error: unknown) => {
          if (state[name] && current.get(name) === run)
            o.logger.warn({ check: name, err: (error as Error).message }, 'readiness: a dependency stopped answering');
          settle(false);
        },
      )
      .finally(() => clearTimeout(late));
  };
  const refreshAll = (): void => {
    for (const [name, check] of Object.entries(checks)) refresh(name, check);
  };
  refreshAll();
  const timer = setInterval(refreshAll, o.everyMs);
  timer.unref();
  return { snapshot: () => ({ ...state }), stop: () => clearInterval(timer) };
}
