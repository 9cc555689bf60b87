/**
 * Watched Kubernetes objects (as served, JSON) decoded into what the incident rules read
 * (core/incidents/snapshot.ts), and which installation each belongs to. Hand-written rather than
 * zod-parsed: the watch decodes every pod change of the cluster, and only a few fields matter.
 */
import type { WatchedObject } from '../../core/ports/cluster-watch.ts';
import type {
  ConditionSnapshot,
  ContainerSnapshot,
  DeploymentSnapshot,
  EventSnapshot,
  JobSnapshot,
  PodSnapshot,
  ReplicaSetSnapshot,
} from '../../core/incidents/snapshot.ts';
import { backupLabels } from '../../core/model/backup.ts';
import { updateJobName } from '../../core/model/verdict.ts';

/** The label the operator puts on an installation's Deployment, ReplicaSets and pods. */
export const installationLabel = 'installation.mattermost.com/installation';

interface RawCondition {
  type?: string;
  status?: string;
  reason?: string;
  message?: string;
  lastTransitionTime?: string;
}
interface RawContainerStatus {
  name?: string;
  image?: string;
  ready?: boolean;
  restartCount?: number;
  state?: { waiting?: { reason?: string; message?: string } };
  lastState?: { terminated?: { reason?: string; exitCode?: number; finishedAt?: string } };
}
interface RawPod {
  metadata: WatchedObject['metadata'] & { deletionTimestamp?: string };
  spec?: { nodeName?: string; imagePullSecrets?: { name?: string }[]; containers?: { name?: string; image?: string }[] };
  status?: { phase?: string; reason?: string; message?: string; conditions?: RawCondition[]; containerStatuses?: RawContainerStatus[] };
}
interface RawWorkload {
  metadata: WatchedObject['metadata'] & { creationTimestamp?: string; ownerReferences?: { kind?: string; name?: string }[] };
  spec?: { replicas?: number };
  status?: { availableReplicas?: number; succeeded?: number; conditions?: RawCondition[] };
}
interface RawEvent {
  metadata: WatchedObject['metadata'];
  type?: string;
  reason?: string;
  message?: string;
  count?: number;
  lastTimestamp?: string;
  eventTime?: string;
  involvedObject?: { kind?: string; name?: string };
  series?: { count?: number; lastObservedTime?: string };
}

const date = (text: string | undefined): Date | undefined => (text ? new Date(text) : undefined);

function condition(conditions: RawCondition[] | undefined, type: string): ConditionSnapshot | undefined {
  const c = conditions?.find((x) => x.type === type);
  if (!c) return undefined;
  const status = c.status === 'True' || c.status === 'False' ? c.status : 'Unknown';
  return { status, reason: c.reason, message: c.message, since: date(c.lastTransitionTime) };
}

function container(s: RawContainerStatus, image: string | undefined): ContainerSnapshot {
  const waiting = s.state?.waiting;
  const last = s.lastState?.terminated;
  return {
    name: s.name ?? '',
    image: s.image || image,
    ready: s.ready ?? false,
    restarts: s.restartCount ?? 0,
    ...(waiting?.reason ? { waiting: { reason: waiting.reason, message: waiting.message } } : {}),
    ...(last ? { lastTerminated: { reason: last.reason, exitCode: last.exitCode, finishedAt: date(last.finishedAt) } } : {}),
  };
}

export function podSnapshot(object: WatchedObject): PodSnapshot {
  const pod = object as RawPod;
  const spec = pod.spec ?? {};
  const status = pod.status ?? {};
  const images = new Map((spec.containers ?? []).map((c) => [c.name, c.image]));
  return {
    name: pod.metadata.name,
    node: spec.nodeName,
    phase: status.phase ?? 'Unknown',
    reason: status.reason,
    message: status.message,
    deleting: !!pod.metadata.deletionTimestamp,
    ready: condition(status.conditions, 'Ready'),
    scheduled: condition(status.conditions, 'PodScheduled'),
    containers: (status.containerStatuses ?? []).map((s) => container(s, images.get(s.name))),
    pullSecrets: (spec.imagePullSecrets ?? []).flatMap((s) => (s.name ? [s.name] : [])),
  };
}

export function deploymentSnapshot(object: WatchedObject): DeploymentSnapshot {
  const d = object as RawWorkload;
  return {
    name: d.metadata.name,
    desired: d.spec?.replicas ?? 1,
    available: d.status?.availableReplicas ?? 0,
    progressing: condition(d.status?.conditions, 'Progressing'),
    availableCondition: condition(d.status?.conditions, 'Available'),
  };
}

export function replicaSetSnapshot(object: WatchedObject): ReplicaSetSnapshot {
  const rs = object as RawWorkload;
  return { name: rs.metadata.name, desired: rs.spec?.replicas ?? 0, failure: condition(rs.status?.conditions, 'ReplicaFailure') };
}

/** The runner operations whose failure is an incident, as the runner Job's label names them (change/runner-job.ts). */
const watchedOperations: ReadonlySet<string> = new Set<JobSnapshot['purpose']>(['backup', 'drill']);

/** Which installation a Job is about, and why: our backup and drill Jobs by label, the operator's update check by owner. */
function jobPlace(job: RawWorkload): { installation: string; purpose: JobSnapshot['purpose'] } | undefined {
  const labels = job.metadata.labels ?? {};
  const operation = labels[backupLabels.operation];
  const runnerOf = operation && watchedOperations.has(operation) ? labels[backupLabels.installation] : undefined;
  if (runnerOf) return { installation: runnerOf, purpose: operation as 'backup' | 'drill' };
  const owner = job.metadata.ownerReferences?.find((o) => o.kind === 'Mattermost')?.name;
  return job.metadata.name === updateJobName && owner ? { installation: owner, purpose: 'update-check' } : undefined;
}

/** A Job the rules read (the operator's update check, our backups and drills), or undefined for any other. */
export function jobSnapshot(object: WatchedObject): { installation: string; job: JobSnapshot } | undefined {
  const job = object as RawWorkload;
  const place = jobPlace(job);
  if (!place) return undefined;
  const failed = condition(job.status?.conditions, 'Failed');
  return {
    installation: place.installation,
    job: {
      name: job.metadata.name,
      purpose: place.purpose,
      createdAt: date(job.metadata.creationTimestamp),
      ...(failed ? { failed } : {}),
      complete: condition(job.status?.conditions, 'Complete')?.status === 'True',
    },
  };
}

/** A warning event as the rules show it, with the object it is about. */
export function eventSnapshot(object: WatchedObject): EventSnapshot {
  const e = object as RawEvent;
  const about = e.involvedObject ?? {};
  return {
    reason: e.reason ?? '',
    message: e.message ?? '',
    object: `${about.kind ?? ''}/${about.name ?? ''}`,
    count: e.series?.count ?? e.count ?? 1,
    lastSeen: date(e.series?.lastObservedTime ?? e.lastTimestamp ?? e.eventTime),
  };
}

/** The installation a pod, Deployment or ReplicaSet belongs to, by the operator's label. */
export const labelledInstallation = (object: WatchedObject): string | undefined => object.metadata.labels?.[installationLabel];
