/**
 * Resumes changes a dead replica left in flight, on every cluster matterops serves, and reports
 * each outcome where it was asked for. At once when leading begins (waiting up to a lock duration
 * and 2 s for the dead holder's locks to expire), then every two lock durations those already
 * expired (a follower may die at any time). A sweep still running when the next is due is not
 * doubled. Stopping ends the sweeps, not a change being followed: that one holds its lock and goes
 * on (or, at exit, its lock expires and the next leader takes it over); waiting for it would hold
 * a shutdown up to the follow timeout.
 */
import type { ChangeDeps } from '../core/change/change-deps.ts';
import { resumeEveryCluster } from '../core/change/resume.ts';
import type { Clock } from '../core/ports/clock.ts';
import type { ClusterDirectory } from '../core/ports/cluster-gateway.ts';
import type { Logger } from '../core/ports/logger.ts';
import { existingPost, type Notifier } from '../core/ports/notifier.ts';
import { resumeTargets } from '../resume-targets.ts';
import { aborted, type Runnable } from './runnable.ts';

export interface LeftoverSweepDeps {
  changeDeps: ChangeDeps;
  clusters: ClusterDirectory;
  notifier: Notifier;
  clock: Clock;
  logger: Logger;
  lockSeconds: number;
}

/** Reports the outcome of every leftover resumed, in the thread it was asked in. */
async function sweep(d: LeftoverSweepDeps, waitMs: number): Promise<void> {
  const { reports } = await resumeEveryCluster(d.changeDeps, resumeTargets(d.clusters, waitMs), () => undefined);
  await Promise.all(
    reports.map(async (r) => {
      const [channelId, rootId] = (r.record.replyTo ?? '').split(':');
      // Through the outbox, which logs a report it has to give up.
      if (channelId) await d.notifier.post({ channel: channelId, ...(rootId ? { thread: existingPost(channelId, rootId) } : {}) }, r.reply).delivery;
    }),
  );
}

export function leftoverSweep(d: LeftoverSweepDeps): Runnable {
  // Across runs too: a sweep from the last term may still be following a change.
  let running: Promise<void> | undefined;
  const sweepUnlessRunning = (waitMs: number): void => {
    running ??= sweep(d, waitMs)
      .catch((e: unknown) => d.logger.error({ err: (e as Error).message }, 'resuming in-flight changes failed'))
      .finally(() => {
        running = undefined;
      });
  };
  return {
    name: 'leftover sweep',
    async start(signal) {
      sweepUnlessRunning(d.lockSeconds * 1000 + 2_000);
      const timer = d.clock.every(d.lockSeconds * 2_000, () => sweepUnlessRunning(0), { background: true });
      await aborted(signal);
      timer.cancel();
    },
  };
}
