/**
 * The leader's scheduler of status digests and restore drills (issues 13, 11). It reads the
 * schedules from the state at every firing and every `pollMs` (so a schedule added on another
 * replica, or a `schedule test`, is seen within that), runs each due run and asked test through
 * startRun (claimed before it posts: src/core/schedule/run-schedule.ts), and then arms one Clock
 * timer for whichever comes first, the next firing or the next poll. Passes are never run two at
 * once. A drill is a change that takes minutes: once claimed it runs beside the passes, so it
 * delays no digest, and stopping (leadership lost) does not wait for it: like a command typed on
 * any replica, it runs to its end under its installation's lock, in this process.
 */
import type { Schedule } from '../core/model/schedule.ts';
import { dueRun, nextFiring } from '../core/schedule/due-run.ts';
import { startRun, type RunAsked, type ScheduleRunnerDeps } from '../core/schedule/run-schedule.ts';
import { schedulesDocument } from '../core/schedule/schedules-document.ts';
import type { Timer } from '../core/ports/clock.ts';
import { aborted, type Runnable } from './runnable.ts';

export interface DigestSchedulerDeps extends ScheduleRunnerDeps {
  /** How often the schedules are read again between firings. */
  pollMs: number;
}

/** Drills claimed and still running, kept so none is lost from sight (and each is dropped once it ends). */
type Running = Set<Promise<void>>;

/** Claims the run; a digest is then posted before the pass goes on, a drill left to run beside it. */
async function run(d: DigestSchedulerDeps, s: Schedule, asked: RunAsked, drills: Running): Promise<void> {
  const started = await startRun(d, s, asked);
  if (!started) return;
  if (s.kind !== 'drill') return started.finished;
  const { finished } = started;
  drills.add(finished);
  void finished.then(() => drills.delete(finished));
}

/** One pass: every due run and every asked test, one after another. */
async function pass(d: DigestSchedulerDeps, drills: Running): Promise<Date | undefined> {
  const { value } = await d.store.read(schedulesDocument);
  for (const s of value.schedules) {
    const now = d.clock.now();
    const due = dueRun(s, d.calendar, now);
    if (due) {
      if (due.skipped > 0) d.logger.warn({ schedule: s.id, skipped: due.skipped }, `schedule ${s.id}: ${due.skipped} earlier missed run(s) skipped`);
      await run(d, s, { kind: 'scheduled', for: due.at, lateMs: now.getTime() - due.at.getTime() }, drills);
    }
    if (s.testAsked && s.lastTest?.for !== s.testAsked) await run(d, s, { kind: 'test', for: new Date(s.testAsked), lateMs: 0 }, drills);
  }
  return nextFiring(value.schedules, d.calendar, d.clock.now());
}

export function digestScheduler(d: DigestSchedulerDeps): Runnable {
  return {
    name: 'digest scheduler',
    async start(signal) {
      let timer: Timer | undefined;
      let running: Promise<void> = Promise.resolve();
      const drills: Running = new Set();
      const wake = (): void => {
        running = pass(d, drills)
          .catch((e: unknown) => {
            d.logger.error({ err: (e as Error).message }, 'the digest scheduler could not read or run the schedules');
            return undefined;
          })
          .then((next) => {
            if (signal.aborted) return;
            const poll = d.clock.now().getTime() + d.pollMs;
            timer = d.clock.at(new Date(Math.min(poll, next?.getTime() ?? poll)), wake, { background: true });
          });
      };
      wake();
      await aborted(signal);
      timer?.cancel();
      await running;
      if (drills.size) d.logger.info({ drills: drills.size }, 'the digest scheduler stops; the drills it started run on to their end');
    },
  };
}
