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
}

export interface FollowOutcome {
  status: 'succeeded' | 'failed' | 'timed-out';
  text: string;
}

export function progressText(i: Installation): string {
  if ((i.status.observedGeneration ?? 0) < i.generation) return 'waiting for the operator to pick up the change';
  const desired = i.spec.replicas ?? 0;
  switch (i.status.state) {
    case 'stable': return `stable ${i.status.updatedReplicas ?? 0}/${desired}`;
    case 'ready': return `ready ${i.status.updatedReplicas ?? 0}/${desired}`;
    default: return i.status.error ? `reconciling (${i.status.error})` : 'reconciling';
  }
}

const isDone = (req: FollowRequest, i: Installation | undefined): boolean =>
  req.until === 'deleted' ? i === undefined : i !== undefined && isStable(i) && (i.status.observedGeneration ?? 0) >= req.generation;

async function stuckReport(req: FollowRequest, i: Installation | undefined): Promise<string> {
  if (!i) return req.until === 'deleted' ? 'the installation still exists' : 'the installation is gone';
  const [pods, jobs] = await Promise.all([req.gateway.listPods(req.namespace, req.name), req.gateway.listJobs(req.namespace)]);
  const lines = [`last state: ${verdictOf(i, pods, jobs).text}`];
  for (const p of pods.filter((pod) => !pod.ready && !pod.terminating)) lines.push(`pod ${p.name} ${p.waitingReason ?? p.phase}${p.node ? '' : ' (not scheduled)'}`);
  if (i.status.error) lines.push(`operator error: ${i.status.error}`);
  return lines.join('\n');
}

async function updateJobFailure(req: FollowRequest, jobs: JobInfo[]): Promise<string | undefined> {
  const job = jobs.find((j) => j.name === updateJobName && j.owner === req.name && j.failed > 0);
  if (!job) return undefined;
  const reasons = await req.gateway.jobPodFailures(req.namespace, job.name);
  return `update job failed: ${reasons[0] ?? job.failureReason ?? 'no reason given'}`;
}

export function follow(req: FollowRequest): Promise<FollowOutcome> {
  return new Promise((resolve) => {
    let latest: Installation | undefined;
    let lastProgress = '';
    let finished = false;
    const finish = (outcome: FollowOutcome): void => {
      if (finished) return;
      finished = true;
      subscription.stop();
      clearInterval(poll);
      clearTimeout(timer);
      resolve(outcome);
    };
    const evaluate = async (): Promise<void> => {
      if (finished) return;
      if (isDone(req, latest)) return finish({ status: 'succeeded', text: latest ? progressText(latest) : 'deleted' });
      if (!latest) return;
      // The update-check Job only runs while the operator reconciles: no job reads once it is past that.
      if (latest.status.state !== 'reconciling' && (latest.status.observedGeneration ?? 0) >= latest.generation) {
        const text = progressText(latest);
        if (text !== lastProgress) req.onProgress((lastProgress = text));
        return;
      }
      const jobs = await req.gateway.listJobs(req.namespace);
      const failure = await updateJobFailure(req, jobs);
      if (failure) return finish({ status: 'failed', text: failure });
      const job = jobs.find((j) => j.name === updateJobName && j.owner === req.name && j.active > 0);
      const text = job ? 'update job running (db migrate)' : progressText(latest);
      if (text !== lastProgress) req.onProgress((lastProgress = text));
    };
    const safely = (): void => { evaluate().catch(() => undefined); }; // a failed read is retried on the next tick
    const subscription = req.gateway.watchInstallation(req.namespace, req.name, (i) => { latest = i; safely(); });
    const poll = setInterval(safely, req.pollMs ?? 1_000);
    const timer = setTimeout(() => {
      void stuckReport(req, latest).catch(() => 'could not read the installation').then((text) => finish({ status: 'timed-out', text }));
    }, Math.max(0, req.deadline.getTime() - req.clock.now().getTime()));
  });
}
