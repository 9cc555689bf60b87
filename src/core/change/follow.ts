/**
 * Follows a change until the operator reports it done, with progress as it goes and a report of
 * what is stuck at the deadline. Done means: the operator observed at least the generation we wrote
 * and says `stable` (reference/mattermost.md A.3), or the CR is gone for a delete.
 */
import { isStable, type Installation } from '../model/installation.ts';
import { updateJobName, verdictOf } from '../model/verdict.ts';
import type { JobInfo } from '../model/workload.ts';
import type { Clock } from '../ports/clock.ts';
import type { ClusterGateway } from '../ports/cluster-gateway.ts';

export interface FollowRequest {
  gateway: ClusterGateway;
  namespace: string;
  name: string;
  until: 'stable' | 'deleted';
  generation: number;
  deadline: Date;
  clock: Clock;
  onProgress: (text: string) => void;
  /** How often jobs and pods are re-read between watch events. */
  pollMs?: number;
  /**
   * Stops following at once when aborted: the outcome is `failed` with the abort reason's message
   * (the change pipeline aborts when the installation's lock is lost).
   */
  signal?: AbortSignal;
}

export interface FollowOutcome {
  status: 'succeeded' | 'failed' | 'timed-out';
  text: string;
  /**
   * What each runner Job of the change reported, and what each check found, in order (a backup's id
   * and sha256 before a retention prune; where a restored installation takes its DataSource from).
   */
  reports?: string[];
}

export function progressText(i: Installation): string {
  if ((i.status.observedGeneration ?? 0) < i.generation) return 'waiting for the operator to pick up the change';
  const desired = i.spec.replicas ?? 0;
  switch (i.status.state) {
    case 'stable':
      return `stable ${i.status.updatedReplicas ?? 0}/${desired}`;
    case 'ready':
      return `ready ${i.status.updatedReplicas ?? 0}/${desired}`;
    default:
      return i.status.error ? `reconciling (${i.status.error})` : 'reconciling';
  }
}

/**
 * What the watch has told us so far. `unobserved` is not `absent`: a slow first watch event or read
 * must not count as the object being gone (a delete was once reported done while a finalizer held it).
 */
type Seen = { kind: 'unobserved' } | { kind: 'absent' } | { kind: 'present'; installation: Installation };

const isDone = (req: FollowRequest, seen: Seen): boolean => {
  if (req.until === 'deleted') return seen.kind === 'absent';
  return seen.kind === 'present' && isStable(seen.installation) && (seen.installation.status.observedGeneration ?? 0) >= req.generation;
};

const installationOf = (seen: Seen): Installation | undefined => (seen.kind === 'present' ? seen.installation : undefined);

async function stuckReport(req: FollowRequest, seen: Seen): Promise<string> {
  if (seen.kind === 'unobserved') return 'could not read the installation';
  const i = installationOf(seen);
  if (!i) return 'the installation is gone';
  if (req.until === 'deleted') return 'the installation still exists';
  const [pods, jobs] = await Promise.all([req.gateway.listPods(req.namespace, req.name), req.gateway.listJobs(req.namespace)]);
  const lines = [`last state: ${verdictOf(i, pods, jobs).text}`];
  for (const p of pods.filter((pod) => !pod.ready && !pod.terminating))
    lines.push(`pod ${p.name} ${p.waitingReason ?? p.phase}${p.node ? '' : ' (not scheduled)'}`);
  if (i.status.error) lines.push(`operator error: ${i.status.error}`);
  return lines.join('\n');
}

async function updateJobFailure(req: FollowRequest, jobs: JobInfo[]): Promise<string | undefined> {
  const job = jobs.find((j) => j.name === updateJobName && j.owner === req.name && j.failed > 0);
  if (!job) return undefined;
  const reasons = await req.gateway.jobPodFailures(req.namespace, job.name);
  return `update job failed: ${reasons[0] ?? job.failureReason ?? 'no reason given'}`;
}

const abortText = (signal: AbortSignal): string => {
  const reason: unknown = signal.reason;
  if (reason instanceof Error) return reason.message;
  return typeof reason === 'string' ? reason : 'stopped';
};

/** One step of following: what the latest state means, reading jobs only while the operator reconciles. */
async function step(req: FollowRequest, seen: Seen, report: (text: string) => void): Promise<FollowOutcome | undefined> {
  if (isDone(req, seen)) {
    const done = installationOf(seen);
    return { status: 'succeeded', text: done ? progressText(done) : 'deleted' };
  }
  const latest = installationOf(seen);
  if (!latest) return undefined;
  // The update-check Job only runs while the operator reconciles: no job reads once it is past that.
  if (latest.status.state !== 'reconciling' && (latest.status.observedGeneration ?? 0) >= latest.generation) {
    report(progressText(latest));
    return undefined;
  }
  const jobs = await req.gateway.listJobs(req.namespace);
  const failure = await updateJobFailure(req, jobs);
  if (failure) return { status: 'failed', text: failure };
  const job = jobs.find((j) => j.name === updateJobName && j.owner === req.name && j.active > 0);
  report(job ? 'update job running (db migrate)' : progressText(latest));
  return undefined;
}

/**
 * Runs `work` one at a time: a call while one runs only asks for one more run after it, so a slow
 * read never stacks up evaluations (polls and watch events both ask), and no new state is missed.
 */
function singleFlight(work: () => Promise<void>): () => void {
  let running = false;
  let again = false;
  const run = (): void => {
    if (running) {
      again = true;
      return;
    }
    running = true;
    again = false;
    work()
      .catch(() => undefined)
      .finally(() => {
        // a failed read is retried on the next tick
        running = false;
        if (again) run();
      });
  };
  return run;
}

export function follow(req: FollowRequest): Promise<FollowOutcome> {
  return new Promise((resolve) => {
    let seen: Seen = { kind: 'unobserved' };
    let lastProgress = '';
    let finished = false;
    const cleanups: (() => void)[] = [];
    const finish = (outcome: FollowOutcome): void => {
      if (finished) return;
      finished = true;
      for (const cleanup of cleanups) cleanup();
      resolve(outcome);
    };
    const report = (text: string): void => {
      if (!finished && text !== lastProgress) req.onProgress((lastProgress = text));
    };
    const evaluate = singleFlight(async () => {
      if (finished) return;
      const outcome = await step(req, seen, report);
      if (outcome) finish(outcome);
    });
    const { signal } = req;
    if (signal?.aborted) return finish({ status: 'failed', text: abortText(signal) });
    const onAbort = (): void => {
      if (signal) finish({ status: 'failed', text: abortText(signal) });
    };
    signal?.addEventListener('abort', onAbort, { once: true });
    cleanups.push(() => signal?.removeEventListener('abort', onAbort));
    const subscription = req.gateway.watchInstallation(req.namespace, req.name, (i) => {
      seen = i ? { kind: 'present', installation: i } : { kind: 'absent' };
      evaluate();
    });
    const poll = req.clock.every(req.pollMs ?? 1_000, evaluate);
    const timer = req.clock.at(req.deadline, () => {
      void stuckReport(req, seen)
        .catch(() => 'could not read the installation')
        .then((text) => finish({ status: 'timed-out', text }));
    });
    cleanups.push(
      () => subscription.stop(),
      () => poll.cancel(),
      () => timer.cancel(),
    );
  });
}
