/**
 * Pod statuses as the kubelet (or the scheduler) writes them for the troubles incident rules find,
 * written as admin with a status merge patch: kwok leaves such a status alone (real-peers.md §3).
 * Recovery is deleting the pod: its ReplicaSet makes a healthy one.
 */
import { CoreV1Api, PatchStrategy, setHeaderOptions, type KubeConfig, type V1Pod } from '@kubernetes/client-node';

const conditions = (ready: boolean, now: string, scheduled = true) => [
  {
    type: 'PodScheduled',
    status: scheduled ? 'True' : 'False',
    lastTransitionTime: now,
    ...(scheduled ? {} : { reason: 'Unschedulable', message: '0/3 nodes are available: 3 Insufficient cpu.' }),
  },
  { type: 'Initialized', status: 'True', lastTransitionTime: now },
  { type: 'ContainersReady', status: ready ? 'True' : 'False', lastTransitionTime: now },
  { type: 'Ready', status: ready ? 'True' : 'False', lastTransitionTime: now },
];

export type PodTrouble = 'crash-loop' | 'oom-killed' | 'image-pull' | 'unschedulable' | 'not-ready';

function statusFor(trouble: PodTrouble, image: string): object {
  const now = new Date().toISOString();
  const container = { name: 'mattermost', image, imageID: '', started: false };
  switch (trouble) {
    case 'crash-loop':
      return {
        phase: 'Running',
        conditions: conditions(false, now),
        containerStatuses: [
          {
            ...container,
            ready: false,
            restartCount: 5,
            state: { waiting: { reason: 'CrashLoopBackOff', message: 'back-off 2m40s restarting failed container' } },
            lastState: { terminated: { exitCode: 1, reason: 'Error', startedAt: now, finishedAt: now } },
          },
        ],
      };
    case 'oom-killed':
      return {
        phase: 'Running',
        conditions: conditions(true, now),
        containerStatuses: [
          {
            ...container,
            ready: true,
            started: true,
            restartCount: 1,
            state: { running: { startedAt: now } },
            lastState: { terminated: { exitCode: 137, reason: 'OOMKilled', startedAt: now, finishedAt: now } },
          },
        ],
      };
    case 'image-pull':
      return {
        phase: 'Pending',
        conditions: conditions(false, now),
        containerStatuses: [
          { ...container, ready: false, restartCount: 0, state: { waiting: { reason: 'ImagePullBackOff', message: `Back-off pulling image "${image}"` } } },
        ],
      };
    case 'not-ready':
      // Running but failing its readiness probe: one such pod of two is a warning (pods-not-ready).
      return {
        phase: 'Running',
        conditions: conditions(false, now),
        containerStatuses: [{ ...container, ready: false, started: true, restartCount: 0, state: { running: { startedAt: now } } }],
      };
    case 'unschedulable':
      return { phase: 'Pending', conditions: conditions(false, now, false), containerStatuses: [] };
  }
}

export async function writeTrouble(kc: KubeConfig, pod: V1Pod, trouble: PodTrouble): Promise<void> {
  const image = pod.spec?.containers[0]?.image ?? 'mattermost/mattermost-enterprise-edition:9.9.0';
  await kc
    .makeApiClient(CoreV1Api)
    .patchNamespacedPodStatus(
      { namespace: pod.metadata?.namespace ?? '', name: pod.metadata?.name ?? '', body: { status: statusFor(trouble, image) } },
      setHeaderOptions('Content-Type', PatchStrategy.MergePatch),
    );
}
