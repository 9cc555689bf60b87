/**
 * Steering the real operator into the states tests need: merge patches on the CR, and pods that
 * kwok leaves alone (runner label) which the test marks Ready or Failed itself.
 */
import { CoreV1Api, CustomObjectsApi, PatchStrategy, setHeaderOptions, type KubeConfig, type V1Pod } from '@kubernetes/client-node';
import { mattermostCrd } from '../sandbox/installations.ts';
import { runnerLabel } from '../sandbox/kwok.ts';
import { waitFor } from '../sandbox/wait.ts';

export { runnerLabel };

export async function patchInstallation(kc: KubeConfig, namespace: string, name: string, spec: object): Promise<void> {
  await kc
    .makeApiClient(CustomObjectsApi)
    .patchNamespacedCustomObject({ ...mattermostCrd, namespace, name, body: { spec } }, setHeaderOptions('Content-Type', PatchStrategy.MergePatch));
}

/** Waits for a pod matching the selector that the scheduler has bound to a node. */
export async function waitForBoundPod(kc: KubeConfig, namespace: string, labelSelector: string): Promise<V1Pod> {
  const core = kc.makeApiClient(CoreV1Api);
  return await waitFor(
    async () => (await core.listNamespacedPod({ namespace, labelSelector })).items.find((p) => p.spec?.nodeName && !p.metadata?.deletionTimestamp),
    { what: `a scheduled pod matching ${labelSelector} in ${namespace}`, timeoutMs: 30_000 },
  );
}

/** Writes the status kwok would have written: Running and Ready. */
export async function markPodReady(kc: KubeConfig, namespace: string, pod: V1Pod): Promise<void> {
  const now = new Date().toISOString();
  const containers = (pod.spec?.containers ?? []).map((c) => ({
    name: c.name,
    image: c.image,
    imageID: '',
    ready: true,
    restartCount: 0,
    started: true,
    state: { running: { startedAt: now } },
  }));
  await kc.makeApiClient(CoreV1Api).patchNamespacedPodStatus(
    {
      namespace,
      name: pod.metadata?.name ?? '',
      body: {
        status: {
          phase: 'Running',
          podIP: '10.0.0.99',
          hostIP: '127.0.0.1',
          startTime: now,
          containerStatuses: containers,
          conditions: ['Initialized', 'Ready', 'ContainersReady', 'PodScheduled'].map((type) => ({ type, status: 'True', lastTransitionTime: now })),
        },
      },
    },
    setHeaderOptions('Content-Type', PatchStrategy.MergePatch),
  );
}

/** Writes a failed terminal state, as a crashed container would leave it (kwok runs nothing). */
export async function markPodFailed(kc: KubeConfig, namespace: string, pod: V1Pod, message: string): Promise<void> {
  const now = new Date().toISOString();
  const containers = (pod.spec?.containers ?? []).map((c) => ({
    name: c.name,
    image: c.image,
    imageID: '',
    ready: false,
    restartCount: 0,
    started: false,
    state: { terminated: { exitCode: 1, reason: 'Error', message, startedAt: now, finishedAt: now } },
  }));
  await kc.makeApiClient(CoreV1Api).patchNamespacedPodStatus(
    {
      namespace,
      name: pod.metadata?.name ?? '',
      body: { status: { phase: 'Failed', containerStatuses: containers, conditions: [{ type: 'Ready', status: 'False', lastTransitionTime: now }] } },
    },
    setHeaderOptions('Content-Type', PatchStrategy.MergePatch),
  );
}

/** Marks every pod of the installation that kwok leaves alone (runner label) Ready. */
export async function readyHeldPods(kc: KubeConfig, namespace: string, name: string): Promise<number> {
  const pods = (
    await kc.makeApiClient(CoreV1Api).listNamespacedPod({ namespace, labelSelector: `installation.mattermost.com/installation=${name},${runnerLabel}` })
  ).items.filter((p) => p.spec?.nodeName && !p.metadata?.deletionTimestamp && p.status?.phase === 'Pending');
  for (const pod of pods) await markPodReady(kc, namespace, pod);
  return pods.length;
}
