/**
 * The one-line verdict of `status`: what an SRE wants to know first. Pure: it reads the installation,
 * its pods and the update-check Job, and says stable, rolling out, reconciling, stuck or error.
 */
import type { Tone } from '../reply.ts';
import type { Installation } from './installation.ts';
import type { JobInfo, PodInfo } from './workload.ts';

export interface Verdict {
  tone: Tone;
  text: string;
}

/** The Job the operator runs before an image change (reference/mattermost.md A.3). */
export const updateJobName = 'mattermost-update-check';

const troubledReasons = new Set(['CrashLoopBackOff', 'ImagePullBackOff', 'ErrImagePull', 'CreateContainerConfigError', 'OOMKilled']);

function podTrouble(pods: PodInfo[]): string | undefined {
  const troubled = pods.filter((p) => troubledReasons.has(p.waitingReason ?? '') || p.lastTerminationReason === 'OOMKilled');
  if (!troubled.length) return undefined;
  const reasons = [...new Set(troubled.map((p) => p.waitingReason ?? p.lastTerminationReason))].join(', ');
  return `${troubled.length} pod${troubled.length > 1 ? 's' : ''} in trouble (${reasons})`;
}

function updateJobVerdict(job: JobInfo | undefined): Verdict | undefined {
  if (!job) return undefined;
  if (job.failed > 0 && job.active === 0) {
    return {
      tone: 'danger',
      text: `stuck: update job failed ${job.failed} time${job.failed > 1 ? 's' : ''}${job.failureReason ? ` (${job.failureReason})` : ''}`,
    };
  }
  if (job.active > 0) return { tone: 'warning', text: 'reconciling: update job running (db migrate)' };
  return undefined;
}

function stateVerdict(i: Installation, trouble: string | undefined): Verdict {
  switch (i.status.state) {
    case 'stable':
      return trouble ? { tone: 'warning', text: `stable, but ${trouble}` } : { tone: 'good', text: 'stable' };
    case 'ready':
      return { tone: 'warning', text: `rolling out: ${i.status.updatedReplicas ?? 0}/${i.spec.replicas ?? 0} updated${trouble ? `; ${trouble}` : ''}` };
    case 'reconciling':
      return { tone: 'warning', text: `reconciling${trouble ? `: ${trouble}` : ''}` };
    default:
      return { tone: 'neutral', text: i.status.state ? `state ${i.status.state}` : 'not yet reconciled by the operator' };
  }
}

/** Most urgent first: an operator error, the update job, a change not yet seen, then the state. */
export function verdictOf(i: Installation, pods: PodInfo[], jobs: JobInfo[]): Verdict {
  if (i.status.error) return { tone: 'danger', text: `error: ${i.status.error}` };
  // Every installation's update Job has the same name: only the one it owns counts.
  const job = updateJobVerdict(jobs.find((j) => j.name === updateJobName && j.owner === i.name));
  if (job) return job;
  if ((i.status.observedGeneration ?? 0) < i.generation) {
    return { tone: 'warning', text: 'reconciling: the operator has not picked up the latest change yet' };
  }
  return stateVerdict(i, podTrouble(pods));
}

/** Tone for a state alone, for tables of many installations. */
export function toneOfState(state: string | undefined): Tone {
  if (state === 'stable') return 'good';
  if (state === 'ready' || state === 'reconciling') return 'warning';
  return 'neutral';
}
