/** Kubernetes objects as the apiserver serves them (the fields the incident watch reads), for the fake watch. */
import type { FakeObject } from '../../fakes/fake-cluster-watch.ts';

const labels = (installation: string) => ({ app: 'mattermost', 'installation.mattermost.com/installation': installation });

export const mattermostCr = (namespace: string, name: string, state = 'stable'): FakeObject => ({
  apiVersion: 'installation.mattermost.com/v1beta1',
  kind: 'Mattermost',
  metadata: { name, namespace, generation: 2 } as FakeObject['metadata'],
  spec: { version: '9.9.0', replicas: 1 },
  status: { state, observedGeneration: 2, version: '9.9.0' },
});

export function runningPod(namespace: string, installation: string, name: string): FakeObject {
  return {
    metadata: { name, namespace, labels: labels(installation) },
    spec: { nodeName: 'kwok-node-0', containers: [{ name: 'mattermost', image: 'mattermost/mattermost-enterprise-edition:9.9.0' }] },
    status: {
      phase: 'Running',
      conditions: [
        { type: 'PodScheduled', status: 'True', lastTransitionTime: '2026-11-27T08:00:00Z' },
        { type: 'Ready', status: 'True', lastTransitionTime: '2026-11-27T08:00:00Z' },
      ],
      containerStatuses: [
        { name: 'mattermost', image: 'mattermost/mattermost-enterprise-edition:9.9.0', ready: true, restartCount: 0, state: { running: {} } },
      ],
    },
  };
}

/** The status a kubelet writes for a container in a crash loop (as the sandbox tests write it). */
export function crashLoopingPod(namespace: string, installation: string, name: string, restarts = 5): FakeObject {
  const pod = runningPod(namespace, installation, name);
  return {
    ...pod,
    status: {
      phase: 'Running',
      conditions: [
        { type: 'PodScheduled', status: 'True', lastTransitionTime: '2026-11-27T08:00:00Z' },
        { type: 'Ready', status: 'False', lastTransitionTime: '2026-11-27T09:00:00Z' },
      ],
      containerStatuses: [
        {
          name: 'mattermost',
          image: 'mattermost/mattermost-enterprise-edition:9.9.0',
          ready: false,
          restartCount: restarts,
          state: { waiting: { reason: 'CrashLoopBackOff', message: 'back-off 40s restarting failed container=mattermost' } },
          lastState: { terminated: { reason: 'Error', exitCode: 1, finishedAt: '2026-11-27T08:59:50Z' } },
        },
      ],
    },
  };
}

export const warningEvent = (namespace: string, name: string, pod: string): FakeObject => ({
  metadata: { name, namespace },
  type: 'Warning',
  reason: 'BackOff',
  message: 'Back-off restarting failed container mattermost',
  count: 7,
  lastTimestamp: '2026-11-27T08:59:55Z',
  involvedObject: { kind: 'Pod', name: pod, namespace },
});
