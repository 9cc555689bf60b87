/** Pod facts the proof tests and the integration tests assert on. */
import { CoreV1Api, type KubeConfig, type V1Pod } from '@kubernetes/client-node';
import { waitFor } from '../sandbox/wait.ts';

/** The label the operator puts on every pod of an installation. */
export const installationLabel = (name: string): string => `installation.mattermost.com/installation=${name}`;

export const isRunningAndReady = (pod: V1Pod): boolean =>
  pod.status?.phase === 'Running' && !pod.metadata?.deletionTimestamp && (pod.status.conditions ?? []).some((c) => c.type === 'Ready' && c.status === 'True');

export async function installationPods(kc: KubeConfig, namespace: string, name: string): Promise<V1Pod[]> {
  const list = await kc.makeApiClient(CoreV1Api).listNamespacedPod({ namespace, labelSelector: installationLabel(name) });
  return list.items;
}

/** Waits until exactly `count` pods of the installation exist and all are Running and Ready. */
export async function waitForReadyPods(kc: KubeConfig, namespace: string, name: string, count: number): Promise<V1Pod[]> {
  return await waitFor(
    async () => {
      const pods = await installationPods(kc, namespace, name);
      return pods.length === count && pods.every(isRunningAndReady) ? pods : undefined;
    },
    { what: `${count} Running and Ready pods of ${namespace}/${name}`, timeoutMs: 60_000, intervalMs: 200 },
  );
}
