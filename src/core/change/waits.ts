/**
 * Carries out one wait step (model/step.ts): `stable` and `deleted` follow the installation's
 * watch (follow.ts); `job-complete`, `replicas-gone` and `env-from-secret` poll the Job or the pods.
 */
import type { WaitStep } from '../model/step.ts';
import { takesEnvFromSecret, type EnvSource } from '../model/workload.ts';
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

/**
 * Reasons a node gives for a container it has not started and will not start on its own: the
 * image cannot be pulled, or a Secret or key it needs is missing. kubelet retries them for ever,
 * so the Job neither fails nor completes until its deadline (2 h for a runner).
 */
const cannotStart: Record<string, 'image' | 'config'> = {
  ErrImagePull: 'image',
  ImagePullBackOff: 'image',
  InvalidImageName: 'image',
  ErrImageNeverPull: 'image',
  CreateContainerConfigError: 'config',
  CreateContainerError: 'config',
};

/** How long a Job's pod may wait for one of those reasons before the wait fails (the pull backoff has retried twice by then). */
export const cannotStartForMs = 30_000;

/** When the Job's pod was first seen waiting for a reason it will not get over, across one wait's polls. */
interface NotStarting {
  since: Date | undefined;
}

async function jobNotStarting(ctx: WaitContext, step: WaitStep, seen: NotStarting): Promise<FollowOutcome | string | undefined> {
  const waiting = (await ctx.gateway.jobPodsWaiting(step.namespace, step.name)).find((w) => cannotStart[w.reason]);
  if (!waiting) {
    seen.since = undefined;
    return undefined;
  }
  const now = ctx.clock.now();
  seen.since ??= now;
  const why = `${waiting.reason}: ${waiting.message}`;
  if (now.getTime() - seen.since.getTime() < cannotStartForMs) return `job ${step.name} waiting to start: ${why}`;
  const fix =
    cannotStart[waiting.reason] === 'image'
      ? 'The node cannot pull the runner image: set MATTEROPS_RUNNER_IMAGE to an image the cluster can pull (docs/backups.md).'
      : `A Secret or key the runner needs is missing in namespace ${step.namespace} (docs/backups.md lists them).`;
  return {
    status: 'failed',
    text: `job ${step.name} cannot start: ${why} (for ${Math.round((now.getTime() - seen.since.getTime()) / 1000)} s). ${fix} The Job stays until its deadline: kubectl -n ${step.namespace} delete job ${step.name} removes it.`,
  };
}

async function jobState(ctx: WaitContext, step: WaitStep, seen: NotStarting): Promise<FollowOutcome | string> {
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
  return (await jobNotStarting(ctx, step, seen)) ?? (job.active > 0 ? `job ${step.name} running` : `job ${step.name} waiting to start`);
}

async function podsLeft(ctx: WaitContext, step: WaitStep): Promise<FollowOutcome | string> {
  const pods = await ctx.gateway.listPods(step.namespace, step.name);
  return pods.length ? `${pods.length} pod${pods.length === 1 ? '' : 's'} left` : { status: 'succeeded', text: 'no pod left' };
}

async function envFromSecret(ctx: WaitContext, step: WaitStep): Promise<FollowOutcome | string> {
  const pods = (await ctx.gateway.listPods(step.namespace, step.name)).filter((p) => !p.terminating);
  const env = step.env ?? '';
  const elsewhere = pods.filter((p) => !takesEnvFromSecret(p, env, step.secret));
  if (pods.length && !elsewhere.length)
    return { status: 'succeeded', text: `${env} comes from Secret ${step.secret} on ${pods.length === 1 ? 'the pod' : `all ${pods.length} pods`}` };
  if (!pods.length) return 'no pod to check yet';
  return `${elsewhere.length} of ${pods.length} pods take ${env} ${describeSource(elsewhere[0]?.envSources[env])}`;
}

/** Where a variable comes from, in words (never its value). */
function describeSource(source: EnvSource | undefined): string {
  if (!source) return 'from nowhere (not set)';
  if (source.kind === 'secret') return `from Secret ${source.name} (key ${source.key})`;
  if (source.kind === 'config-map') return `from ConfigMap ${source.name} (key ${source.key})`;
  return source.kind === 'value' ? 'from a value in the spec' : 'from a field of the pod';
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
    case 'job-complete': {
      const seen: NotStarting = { since: undefined };
      return await pollUntil({ ...common, check: () => jobState(ctx, step, seen), stuck: () => lastWord(jobState(ctx, step, seen)) });
    }
    case 'replicas-gone':
      return await pollUntil({ ...common, check: () => podsLeft(ctx, step), stuck: () => lastWord(podsLeft(ctx, step)) });
    case 'env-from-secret':
      return await pollUntil({ ...common, check: () => envFromSecret(ctx, step), stuck: () => lastWord(envFromSecret(ctx, step)) });
  }
}
