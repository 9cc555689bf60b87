/** Snapshots of one installation built by hand, as the watch would decode them, for the rules' tests. */
import type { ContainerSnapshot, InstallationSnapshot, PodSnapshot } from '../../../src/core/incidents/snapshot.ts';

export const t0 = new Date('2026-11-27T09:00:00Z');
export const at = (seconds: number): Date => new Date(t0.getTime() + seconds * 1000);

export function healthyPod(name: string, overrides: Partial<PodSnapshot> = {}): PodSnapshot {
  return {
    name,
    node: 'kwok-node-0',
    phase: 'Running',
    deleting: false,
    ready: { status: 'True', since: at(-3600) },
    scheduled: { status: 'True', since: at(-3600) },
    containers: [{ name: 'mattermost', image: 'mattermost/mattermost-enterprise-edition:9.9.0', ready: true, restarts: 0 }],
    pullSecrets: [],
    ...overrides,
  };
}

export function withContainer(pod: PodSnapshot, container: Partial<ContainerSnapshot>): PodSnapshot {
  const [first] = pod.containers;
  return { ...pod, ready: { status: 'False', since: at(0) }, containers: [{ ...first!, ready: false, ...container }] };
}

export const crashLooping = (name: string, restarts = 5): PodSnapshot =>
  withContainer(healthyPod(name), {
    restarts,
    waiting: { reason: 'CrashLoopBackOff', message: 'back-off 40s restarting failed container' },
    lastTerminated: { reason: 'Error', exitCode: 1, finishedAt: at(-10) },
  });

export function installation(pods: PodSnapshot[], overrides: Partial<InstallationSnapshot> = {}): InstallationSnapshot {
  return {
    namespace: 'chat',
    name: 'mattermost',
    resource: { generation: 2, observedGeneration: 2, state: 'stable', version: '9.9.0' },
    pods,
    deployments: [{ name: 'mattermost', desired: pods.length, available: pods.filter((p) => p.ready?.status === 'True').length }],
    replicaSets: [],
    jobs: [],
    events: [],
    ...overrides,
  };
}
