/**
 * Runs a change while holding its installation's lock: renewed all along, given up before another
 * matterops could take it over, released afterwards. Timers go through the Clock port.
 */
import { MatteropsError, isMatteropsError } from '../errors.ts';
import type { InFlightRecord } from '../model/in-flight-record.ts';
import type { HeldLock } from '../ports/lock-manager.ts';
import type { Timer } from '../ports/clock.ts';
import type { ChangeDeps } from './change-deps.ts';

type HoldDeps = Pick<ChangeDeps, 'locks' | 'clock' | 'logger' | 'lockRenewMs'>;

/**
 * Waits at most `ms` for `work`. At the deadline its signal aborts (so the calls it has under way
 * stop too) and the wait is abandoned, whatever `work` still does: a renewal that hangs is never
 * waited for.
 */
function within<T>(deps: HoldDeps, ms: number, work: (signal: AbortSignal) => Promise<T>, what: string): Promise<T> {
  const deadline = new AbortController();
  let timer: Timer | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = deps.clock.after(ms, () => {
      const error = new DOMException(`${what} took longer than ${ms} ms`, 'TimeoutError');
      deadline.abort(error);
      reject(error);
    });
  });
  return Promise.race([work(deadline.signal), late]).finally(() => timer?.cancel());
}

/** The held lock, and how the work tells it where the change stands (the record resume reads). */
export interface Holding {
  lost: AbortSignal;
  /** Writes `record` onto the lock (with a renewal); a failure is logged, not thrown, and the next renewals carry it until one lands. */
  saveProgress(record: InFlightRecord): Promise<void>;
}

/**
 * Runs `work` while holding `lock`: renews it every `lockRenewMs` and releases it afterwards.
 *
 * The Lease lasts three renewal periods (main.ts), and another matterops may take it over once it
 * has stood still that long. So the change must have stopped before then, whatever its renewals do:
 * - a watchdog, independent of the renewals, gives the lock up once no renewal has succeeded for
 *   two thirds of the Lease (two periods), counted from when the last good one began (its write
 *   landed after that) or from the acquire;
 * - each renewal has half a period (below the Kubernetes call deadline with the defaults): at its
 *   deadline its calls are aborted and it is abandoned; a failed one is tried again a quarter
 *   period later, so a single hang leaves time for another try before the watchdog;
 * - a renewal refused because another holder took the lock over loses it at once.
 * A lost lock aborts `work`'s signal, so it stops before writing again. One renewal runs at a time,
 * and the release waits for it instead of racing it (a renewal that landed between the release's
 * read and delete made the delete fail, leaving the lock held until it expired: seen as "scale in
 * progress" on the next command).
 */
export async function whileHolding<T>(deps: HoldDeps, lock: HeldLock, work: (holding: Holding) => Promise<T>): Promise<T> {
  const locks = deps.locks(lock.target.cluster);
  const operationId = lock.holder.operationId;
  const lost = new AbortController();
  const where = `${lock.target.namespace}/${lock.target.name}`;
  const period = deps.lockRenewMs;
  /** When the last renewal that succeeded began (at first, the acquire): the Lease is fresh from then on. */
  let renewedFrom = deps.clock.now().getTime();
  let stopped = false;
  let timer: Timer | undefined;
  const loseLock = (why: string): void => {
    if (lost.signal.aborted) return;
    deps.logger.error({ operationId, target: where }, `lock lost: ${why}`);
    lost.abort(
      new MatteropsError('conflict', `matterops lost its lock on ${where} (${why}); it stopped here`, 'type status to see where the installation stands'),
    );
  };
  const watchdog = deps.clock.every(Math.max(1, Math.min(250, period / 10)), () => {
    if (deps.clock.now().getTime() - renewedFrom > 2 * period) loseLock('it could not be renewed in time');
  });
  let renewing: Promise<void> = Promise.resolve();
  const renewLater = (ms: number): void => {
    if (!stopped && !lost.signal.aborted)
      timer = deps.clock.after(ms, () => {
        renewing = renewing.then(() => renewOnce(false));
      });
  };
  const refused = (e: unknown): boolean => {
    if (isMatteropsError(e) && e.code === 'conflict') loseLock('another holder took it over');
    return lost.signal.aborted;
  };
  /** A record whose save has not succeeded yet: every renewal carries it until one does. */
  let unsaved: InFlightRecord | undefined;
  async function renewOnce(saving: boolean): Promise<void> {
    const began = deps.clock.now().getTime();
    const record = unsaved;
    try {
      await within(deps, period / 2, (signal) => locks.renew(lock, { signal, ...(record ? { record } : {}) }), 'a lock renewal');
      renewedFrom = began;
      if (unsaved === record) unsaved = undefined;
      if (!saving) renewLater(period);
    } catch (e: unknown) {
      deps.logger.warn(
        { operationId, err: String(e) },
        record ? 'saving the progress of a change on its lock failed (the next renewal carries it)' : 'lock renewal failed',
      );
      if (!refused(e) && !saving) renewLater(period / 4);
    }
  }
  const holding: Holding = {
    lost: lost.signal,
    async saveProgress(record) {
      unsaved = record;
      await renewing; // one write to the Lease at a time
      renewing = renewOnce(true);
      await renewing;
    },
  };
  renewLater(period);
  try {
    return await work(holding);
  } finally {
    stopped = true;
    timer?.cancel();
    watchdog.cancel();
    await renewing;
    await locks.release(lock).catch((e: unknown) => deps.logger.warn({ operationId, err: String(e) }, 'lock release failed'));
  }
}
