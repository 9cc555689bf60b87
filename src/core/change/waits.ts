/**
 * Carries out one wait step (model/step.ts): `stable` and `deleted` follow the installation's
 * watch (follow.ts); `job-complete` and `replicas-gone` poll the Job or the pods.
 */
import type { WaitStep } from '../model/step.ts';
import type { Clock } from '../ports/clock.ts';
import type { ClusterGateway } from '../ports/cluster-gateway.ts';
import { follow, type FollowOutcome } from './follow.ts';
import { pollUntil } from './poll-until.ts';
import { describeRunnerResult, parseRunnerResult } from './runner-report.ts';

export interface WaitContext {
  gateway: ClusterGateway;
  clock: Clock;
  deadline: Date;
  onProgress: (text: string) => void;
  signal?: AbortSignal;
  pollMs?: number;
}

async function jobState(ctx: WaitContext, step: WaitStep): Promise<FollowOutcome | string> {
  const job = (await ctx.gateway.listJobs(step.namespace)).find((j) => j.name === step.name);
  if (!job) return `job ${step.name} not there yet`;
  if (job.succeeded > 0) {
    const result = parseRunnerResult((await ctx.gateway.jobTerminationMessages(step.namespace, step.name))[0]);
    return { status: 'succeeded', text: result ? describeRunnerResult(result) : `job ${step.name} complete` };
  }
  if (job.failed > 0 && job.active === 0) {
    // A matterops runner says what failed in its own words; any other Job by its pod's end.
    const result = parseRunnerResult((await ctx.gateway.jobTerminationMessages(step.namespace, step.name))[0]);
    if (result) return { status: 'failed', text: describeRunnerResult(result) };
    const reasons = await ctx.gateway.jobPodFailures(step.namespace, step.name);
    return { status: 'failed', text: `job ${step.name} failed: ${reasons[0] ?? job.failureReason ?? 'no reason given'}` };
  }
  return job.active > 0 ? `job ${step.name} running` : `job ${step.name} waiting to start`;
}

async function podsLeft(ctx: WaitContext, step: WaitStep): Promise<FollowOutcome | string> {
  const pods = await ctx.gateway.listPods(step.namespace, step.name);
  return pods.length ? `${pods.length} pod${pods.length === 1 ? '' : 's'} left` : { status: 'succeeded', text: 'no pod left' };
}

/** What a last look says, for the timed-out report. */
const lastWord = async (look: Promise<FollowOutcome | string>): Promise<string> => {
  const seen = await look;
  return typeof seen === 'string' ? seen : seen.text;
};

export async function waitFor(ctx: WaitContext, step: WaitStep): Promise<FollowOutcome> {
  const common = {
    clock: ctx.clock,
    deadline: ctx.deadline,
    onProgress: ctx.onProgress,
    ...(ctx.signal ? { signal: ctx.signal } : {}),
    ...(ctx.pollMs ? { pollMs: ctx.pollMs } : {}),
  };
  switch (step.until) {
    case 'stable':
    case 'deleted':
      return await follow({ ...common, gateway: ctx.gateway, namespace: step.namespace, name: step.name, until: step.until, generation: step.generation ?? 0 });
    case 'job-complete':
      return await pollUntil({ ...common, check: () => jobState(ctx, step), stuck: () => lastWord(jobState(ctx, step)) });
    case 'replicas-gone':
      return await pollUntil({ ...common, check: () => podsLeft(ctx, step), stuck: () => lastWord(podsLeft(ctx, step)) });
  }
}
