/**
 * A duty only the leading `serve` replica performs (the mention listener, the leftover sweep, and
 * later informers, the incident engine, the scheduler, backup drills), like controller-runtime's
 * manager.Runnable. The leader manager (leader-manager.ts) starts every one when this replica
 * becomes leader and stops them all when it stops leading.
 *
 * One `start(signal)` rather than a start/stop pair: stopping is the same abort for every
 * runnable, the promise settling tells the manager that the runnable has stopped (and saved what
 * it must), and a failure is a rejection the manager can log and restart; there is no state
 * shared between two calls for each runnable to get right.
 */
export interface Runnable {
  /** Names it in log lines. */
  readonly name: string;
  /**
   * Runs until `signal` aborts, then cleans up and resolves. Rejecting (or resolving before the
   * abort) counts as a failure: the manager starts it again, with backoff, while it leads.
   */
  start(signal: AbortSignal): Promise<void>;
  /** Whether it does its job right now (the mention listener: its websocket is connected); absent: always. */
  ready?(): boolean;
}

/** Resolves once `signal` aborts (at once when it already has). */
export function aborted(signal: AbortSignal): Promise<void> {
  if (signal.aborted) return Promise.resolve();
  return new Promise((resolve) => signal.addEventListener('abort', () => resolve(), { once: true }));
}
