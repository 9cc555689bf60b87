/** client-node objects to the core's plain shapes (core/model/workload.ts). */
import type { V1Container, V1ContainerStatus, V1EnvVar, V1Job, V1Pod } from '@kubernetes/client-node';
import type { EnvSource, EventInfo, JobInfo, PodInfo, WaitingContainer } from '../../core/model/workload.ts';

/** The operator names the app container `mattermost`; fall back to the first one. */
export const appContainerName = 'mattermost';

const toDate = (value: Date | string | undefined): Date | undefined => (value === undefined ? undefined : new Date(value));

function appOf<T extends { name: string }>(items: T[] | undefined): T | undefined {
  return items?.find((c) => c.name === appContainerName) ?? items?.[0];
}

function isReady(pod: V1Pod): boolean {
  return (pod.status?.conditions ?? []).some((c) => c.type === 'Ready' && c.status === 'True');
}

/** The container's last termination, else its current one (a container that has not restarted yet). */
const terminationOf = (status: V1ContainerStatus | undefined) => status?.lastState?.terminated ?? status?.state?.terminated;

function containerFacts(status: V1ContainerStatus | undefined): Pick<PodInfo, 'waitingReason' | 'lastTerminationReason' | 'lastTerminatedAt'> {
  const terminated = terminationOf(status);
  return {
    waitingReason: status?.state?.waiting?.reason,
    lastTerminationReason: status?.lastState?.terminated?.reason ?? status?.state?.terminated?.reason,
    lastTerminatedAt: toDate(terminated?.finishedAt),
  };
}

export function toPodInfo(pod: V1Pod): PodInfo {
  const statuses = pod.status?.containerStatuses ?? [];
  const container: V1Container | undefined = appOf(pod.spec?.containers);
  return {
    name: pod.metadata?.name ?? '',
    phase: pod.status?.phase ?? 'Unknown',
    ready: isReady(pod),
    restarts: statuses.reduce((sum, s) => sum + s.restartCount, 0),
    createdAt: toDate(pod.metadata?.creationTimestamp),
    node: pod.spec?.nodeName,
    image: container?.image,
    ...containerFacts(appOf(statuses)),
    terminating: pod.metadata?.deletionTimestamp !== undefined,
    envSources: envSources(container),
  };
}

const envSources = (container: V1Container | undefined): PodInfo['envSources'] => Object.fromEntries((container?.env ?? []).map((e) => [e.name, envSource(e)]));

function envSource(env: V1EnvVar): EnvSource {
  const secret = env.valueFrom?.secretKeyRef;
  if (secret) return { kind: 'secret', name: secret.name ?? '', key: secret.key };
  const configMap = env.valueFrom?.configMapKeyRef;
  if (configMap) return { kind: 'config-map', name: configMap.name ?? '', key: configMap.key };
  return env.valueFrom ? { kind: 'other' } : { kind: 'value' };
}

/** The main container of a pod not being deleted, when it waits to start. */
export function waitingContainer(pod: V1Pod): WaitingContainer[] {
  const waiting = appOf(pod.status?.containerStatuses)?.state?.waiting;
  if (!waiting?.reason || pod.metadata?.deletionTimestamp) return [];
  return [{ pod: pod.metadata?.name ?? '', reason: waiting.reason, message: waiting.message ?? '' }];
}

/** `Error (exit 1): message` from a failed pod's main container, for reports of failed Jobs. */
export function describeTermination(pod: V1Pod): string {
  const terminated = appOf(pod.status?.containerStatuses)?.state?.terminated;
  if (!terminated) return pod.status?.reason ?? pod.status?.message ?? 'failed';
  const message = terminated.message?.trim();
  return `${terminated.reason ?? 'Error'} (exit ${terminated.exitCode})${message ? `: ${message}` : ''}`;
}

/** The fields of an Event that `toEventInfo` reads: client-node's typed ones (Dates) or a watch's raw JSON (strings). */
export interface EventFields {
  type?: string;
  reason?: string;
  message?: string;
  count?: number;
  involvedObject?: { kind?: string; name?: string };
  series?: { count?: number };
  lastTimestamp?: Date | string;
  eventTime?: Date | string;
  metadata: { creationTimestamp?: Date | string };
}

export function toEventInfo(event: EventFields): EventInfo {
  const { kind = '', name = '' } = event.involvedObject ?? {};
  return {
    type: event.type ?? 'Normal',
    reason: event.reason ?? '',
    message: event.message ?? '',
    objectKind: kind,
    objectName: name,
    count: event.count ?? event.series?.count ?? 1,
    lastSeen: toDate(event.lastTimestamp ?? event.eventTime ?? event.metadata.creationTimestamp),
  };
}

const controllingMattermost = (job: V1Job): string | undefined => job.metadata?.ownerReferences?.find((o) => o.controller && o.kind === 'Mattermost')?.name;

/**
 * Only our own annotations reach the core: it reads no others, and some (kubectl's
 * last-applied-configuration) carry a whole copy of the object.
 */
const ownAnnotations = (annotations: Record<string, string> | undefined): Record<string, string> =>
  Object.fromEntries(Object.entries(annotations ?? {}).filter(([k]) => k.startsWith('matterops.io/')));

export function toJobInfo(job: V1Job): JobInfo {
  const status = job.status ?? {};
  return {
    name: job.metadata?.name ?? '',
    owner: controllingMattermost(job),
    active: status.active ?? 0,
    succeeded: status.succeeded ?? 0,
    failed: status.failed ?? 0,
    createdAt: toDate(job.metadata?.creationTimestamp),
    failureReason: status.conditions?.find((c) => c.type === 'Failed' && c.status === 'True')?.reason,
    labels: { ...job.metadata?.labels },
    annotations: ownAnnotations(job.metadata?.annotations),
  };
}
