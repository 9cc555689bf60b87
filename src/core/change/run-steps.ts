/**
 * Carries out a plan's steps from the one its record has reached, in order, saving on the lock
 * which step is next after each (so a resumed change continues there): writes through the
 * caller's `write` (execute's, or resume's), waits through waits.ts. Stops at the first wait that
 * does not succeed, or when the lock is lost.
 */
import { kinds, sameKind, type WrittenObject } from '../model/resource.ts';
import type { InFlightRecord } from '../model/in-flight-record.ts';
import type { RecordedStep, RecordedWrite, WaitStep } from '../model/step.ts';
import type { ClusterGateway } from '../ports/cluster-gateway.ts';
import type { ChangeDeps } from './change-deps.ts';
import type { FollowOutcome } from './follow.ts';
import type { Holding } from './hold-lock.ts';
import { waitFor } from './waits.ts';

export interface StepRun {
  /** The gateway waits read through (the bot's own on the plan's cluster). */
  follower: ClusterGateway;
  holding: Holding;
  progress: (text: string) => void;
  /**
   * Applies one write step (and audits it). `steps`, when given, replaces the plan's steps: the
   * first write may have planned the change again.
   */
  write: (step: RecordedWrite, index: number) => Promise<{ written: WrittenObject | undefined; steps?: RecordedStep[] }>;
}

/** After a write to an installation, the `stable` waits on it that follow wait for what it wrote. */
function withGeneration(steps: RecordedStep[], from: number, step: RecordedWrite, written: WrittenObject | undefined): RecordedStep[] {
  if (!written || !sameKind(step.resource, kinds.mattermost)) return steps;
  return steps.map((s, i) =>
    i > from && s.kind === 'wait' && s.until === 'stable' && s.namespace === step.namespace && s.name === step.name && s.generation === undefined
      ? { ...s, generation: written.generation }
      : s,
  );
}

/**
 * A wait's deadline: its own time (a Job's deadline) or the follow timeout, from when it starts,
 * and never past the change's whole deadline. So a long Job does not eat the time of the waits
 * after it (a restore's scale to 0 always has its full follow window).
 */
function waitDeadline(deps: Pick<ChangeDeps, 'clock' | 'followTimeoutMs'>, step: WaitStep, record: InFlightRecord): Date {
  const own = deps.clock.now().getTime() + (step.timeoutSeconds ? step.timeoutSeconds * 1000 : deps.followTimeoutMs);
  return new Date(Math.min(own, new Date(record.deadline).getTime()));
}

/** Waits that check what an earlier wait's end left, rather than wait for the cluster to act. */
const checks = new Set<WaitStep['until']>(['env-from-secret']);
/** Waits whose outcome the reply shows: what a runner Job did, and what a check found. */
const reported = new Set<WaitStep['until']>(['job-complete', ...checks]);

/** A failed wait's outcome: where things stand, and what the Jobs before it reported. */
function stoppedAt(step: WaitStep, outcome: FollowOutcome, reports: string[]): FollowOutcome {
  const failed = step.ifFailed ? { ...outcome, text: `${outcome.text}\n${step.ifFailed}` } : outcome;
  return reports.length ? { ...failed, reports } : failed;
}

/** The whole change's deadline: the follow timeout, and the time of every wait that has its own. */
export function changeDeadline(start: Date, followTimeoutMs: number, steps: readonly { kind: string; timeoutSeconds?: number }[]): Date {
  const own = steps.reduce((sum, s) => sum + (s.kind === 'wait' && s.timeoutSeconds ? s.timeoutSeconds * 1000 : 0), 0);
  return new Date(start.getTime() + followTimeoutMs + own);
}

export async function runSteps(deps: Pick<ChangeDeps, 'clock' | 'followTimeoutMs'>, run: StepRun, start: InFlightRecord): Promise<FollowOutcome> {
  let record = start;
  let outcome: FollowOutcome = { status: 'succeeded', text: 'done' };
  const reports: string[] = [];
  for (let i = start.step; i < record.steps.length; i++) {
    const step = record.steps[i]!;
    if (run.holding.lost.aborted) return { status: 'failed', text: (run.holding.lost.reason as Error).message };
    if (step.kind === 'write') {
      const { written, steps } = await run.write(step, i);
      record = { ...record, steps: withGeneration(steps ?? record.steps, i, step, written) };
    } else {
      const seen = await waitFor(
        { gateway: run.follower, clock: deps.clock, deadline: waitDeadline(deps, step, record), onProgress: run.progress, signal: run.holding.lost },
        step,
      );
      if (seen.status !== 'succeeded') return stoppedAt(step, seen, reports);
      if (reported.has(step.until)) reports.push(seen.text);
      // A check after the last wait is reported, and the heading stays what that wait said ("stable 2/2").
      if (!checks.has(step.until)) outcome = seen;
    }
    if (i + 1 < record.steps.length) {
      record = { ...record, step: i + 1 };
      await run.holding.saveProgress(record);
    }
  }
  return reports.length ? { ...outcome, reports } : outcome;
}
