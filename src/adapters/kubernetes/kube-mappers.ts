/** client-node objects to the core's plain shapes (core/model/workload.ts). */
import type { CoreV1Event, V1ContainerStatus, V1Job, V1Pod } from '@kubernetes/client-node';
import type { EventInfo, JobInfo, PodInfo } from '../../core/model/workload.ts';

/** The operator names the app container `mattermost`; fall back to the first one. */
export const appContainerName = 'mattermost';

const toDate = (value: Date | string | undefined): Date | undefined => (value === undefined ? undefined : new Date(value));

function mainStatus(pod: V1Pod): V1ContainerStatus | undefined {
  const statuses = pod.status?.containerStatuses ?? [];
  return statuses.find((s) => s.name === appContainerName) ?? statuses[0];
}

export function toPodInfo(pod: V1Pod): PodInfo {
  const main = mainStatus(pod);
  const spec = pod.spec?.containers.find((c) => c.name === appContainerName) ?? pod.spec?.containers[0];
  return {
    name: pod.metadata?.name ?? '',
    phase: pod.status?.phase ?? 'Unknown',
    ready: (pod.status?.conditions ?? []).some((c) => c.type === 'Ready' && c.status === 'True'),
    restarts: (pod.status?.containerStatuses ?? []).reduce((sum, s) => sum + s.restartCount, 0),
    createdAt: toDate(pod.metadata?.creationTimestamp),
    node: pod.spec?.nodeName,
    image: spec?.image,
    waitingReason: main?.state?.waiting?.reason,
    lastTerminationReason: main?.lastState?.terminated?.reason ?? main?.state?.terminated?.reason,
    terminating: pod.metadata?.deletionTimestamp !== undefined,
  };
}

export function toEventInfo(event: CoreV1Event): EventInfo {
  return {
    type: event.type ?? 'Normal',
    reason: event.reason ?? '',
    message: event.message ?? '',
    objectKind: event.involvedObject.kind ?? '',
    objectName: event.involvedObject.name ?? '',
    count: event.count ?? event.series?.count ?? 1,
    lastSeen: toDate(event.lastTimestamp ?? event.eventTime ?? event.metadata.creationTimestamp),
  };
}

export function toJobInfo(job: V1Job): JobInfo {
  return {
    name: job.metadata?.name ?? '',
    active: job.status?.active ?? 0,
    succeeded: job.status?.succeeded ?? 0,
    failed: job.status?.failed ?? 0,
    createdAt: toDate(job.metadata?.creationTimestamp),
    failureReason: job.status?.conditions?.find((c) => c.type === 'Failed' && c.status === 'True')?.reason,
  };
}
