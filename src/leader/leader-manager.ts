/**
 * Starts every leader runnable when this replica becomes leader and stops them all when it stops
 * leading or shuts down, like controller-runtime's manager (issue 10, item 2). A term begins only
 * once the previous one has stopped, so a runnable never runs twice at once in one replica (the
 * mention listener loads what the last leader saved only after this replica saved its own). A
 * runnable that fails while leading is logged and started again after a backoff (doubling up to a
 * limit, reset after a run that lasted that long), without touching the others.
 */
import type { Clock } from '../core/ports/clock.ts';
import type { Logger } from '../core/ports/logger.ts';
import type { Runnable } from './runnable.ts';

export interface LeaderManagerOptions {
  runnables: readonly Runnable[];
  clock: Clock;
  logger: Logger;
  /** First wait before a failed runnable starts again (5 s, the mention listener's retry before). */
  backoffMs?: number;
  /** The longest wait between restarts (60 s). */
  maxBackoffMs?: number;
}

export interface LeaderManager {
  /** This replica leads: starts every runnable, once the previous term has stopped. */
  lead(): void;
  /** This replica stopped leading (or shuts down): aborts every runnable; resolves once all have stopped. Never rejects. */
  stop(): Promise<void>;
  /** Leading, and every runnable does its job. */
  readonly ready: boolean;
}

interface Backoff {
  firstMs: number;
  maxMs: number;
}

/** Runs it once; says why it failed, or undefined when it ended without an error. */
async function runOnce(r: Runnable, signal: AbortSignal): Promise<string | undefined> {
  try {
    await r.start(signal);
    return undefined;
  } catch (error) {
    return (error as Error).message;
  }
}

/** Runs one runnable until `signal` aborts, restarting it with backoff when it fails; never rejects. */
async function keepRunning(r: Runnable, signal: AbortSignal, o: LeaderManagerOptions & { backoff: Backoff }): Promise<void> {
  let waitMs = o.backoff.firstMs;
  while (!signal.aborted) {
    const startedAt = o.clock.now().getTime();
    const failure = await runOnce(r, signal);
    if (signal.aborted) {
      if (failure !== undefined) o.logger.error({ runnable: r.name, err: failure }, 'a leader runnable failed while stopping');
      return;
    }
    if (o.clock.now().getTime() - startedAt >= o.backoff.maxMs) waitMs = o.backoff.firstMs; // it ran fine for a while
    o.logger.error({ runnable: r.name, err: failure ?? 'it ended while still leading', retryInMs: waitMs }, 'a leader runnable failed; starting it again');
    await o.clock.sleep(waitMs, signal).catch(() => undefined); // an abort ends the wait, and the loop
    waitMs = Math.min(o.backoff.maxMs, waitMs * 2);
  }
}

export function createLeaderManager(o: LeaderManagerOptions): LeaderManager {
  const options = { ...o, backoff: { firstMs: o.backoffMs ?? 5_000, maxMs: o.maxBackoffMs ?? 60_000 } };
  let term: { controller: AbortController; done: Promise<void> } | undefined;
  /** Settles when the last term's runnables have all stopped. */
  let stopped: Promise<void> = Promise.resolve();

  return {
    lead() {
      if (term) return;
      const controller = new AbortController();
      const run = (): Promise<void> => Promise.all(o.runnables.map((r) => keepRunning(r, controller.signal, options))).then(() => undefined);
      term = { controller, done: stopped.then(run) };
    },
    stop() {
      if (term) {
        term.controller.abort();
        stopped = term.done;
        term = undefined;
      }
      return stopped;
    },
    get ready() {
      return term !== undefined && o.runnables.every((r) => r.ready?.() ?? true);
    },
  };
}
