/**
 * Proof tests: the mattermost-operator behaviour matterops relies on, against the real operator,
 * kube-apiserver and kwok nodes. A peer upgrade that changes any of this fails here first.
 */
import { BatchV1Api, CustomObjectsApi, PatchStrategy, setHeaderOptions, Watch } from '@kubernetes/client-node';
import { beforeAll, describe, expect, it } from 'vitest';
import { createInstallation, mattermostCrd, waitStable } from '../sandbox/installations.ts';
import { waitFor } from '../sandbox/wait.ts';
import { waitForReadyPods } from '../support/pods.ts';
import { env, kubeConfig, testNamespace } from '../support/sandbox.ts';

const kc = kubeConfig();
const patch = (namespace: string, name: string, spec: object): Promise<object> =>
  kc
    .makeApiClient(CustomObjectsApi)
    .patchNamespacedCustomObject({ ...mattermostCrd, namespace, name, body: { spec } }, setHeaderOptions('Content-Type', PatchStrategy.MergePatch));

describe('mattermost-operator v1.24.0-rc.1 on kwok nodes', () => {
  let namespace = '';
  const name = 'proof';

  beforeAll(async () => {
    namespace = await testNamespace('proof-operator');
    await createInstallation(kc, { namespace, name, version: '9.9.0', replicas: 2, databaseUrl: env('PGURL') });
  });

  it('(a) takes a CR with an explicit ingress block and an external database secret to stable with 2 Running and Ready pods', async () => {
    const mm = await waitStable(kc, namespace, name);
    expect(mm.status?.state).toBe('stable');
    expect(mm.status?.replicas).toBe(2);
    expect(mm.status?.image).toBe('mattermost/mattermost-enterprise-edition');
    expect(await waitForReadyPods(kc, namespace, name, 2)).toHaveLength(2);
  });

  it('(b) follows spec.replicas 2 -> 5 -> 2 to stable with that many pods each time', async () => {
    for (const replicas of [5, 2]) {
      await patch(namespace, name, { replicas });
      const mm = await waitStable(kc, namespace, name);
      expect(mm.spec?.replicas).toBe(replicas);
      expect(await waitForReadyPods(kc, namespace, name, replicas)).toHaveLength(replicas);
    }
  });

  it('(c) runs the mattermost-update-check Job on a version change and ends stable with the new image', async () => {
    const jobsSeen = new Set<string>();
    const watch = await new Watch(kc).watch(
      `/apis/batch/v1/namespaces/${namespace}/jobs`,
      {},
      (_type: string, job: { metadata?: { name?: string } }) => {
        if (job.metadata?.name) jobsSeen.add(job.metadata.name);
      },
      () => undefined,
    );
    try {
      await patch(namespace, name, { version: '9.10.0' });
      // Right after the patch the status may still say stable for the old generation: wait for the new one.
      const mm = await waitStable(kc, namespace, name);
      expect(mm.status?.version).toBe('9.10.0');
      expect(jobsSeen).toContain('mattermost-update-check');
      const pods = await waitForReadyPods(kc, namespace, name, 2);
      expect(pods.map((p) => p.spec?.containers[0]?.image)).toEqual([
        'mattermost/mattermost-enterprise-edition:9.10.0',
        'mattermost/mattermost-enterprise-edition:9.10.0',
      ]);
      // The operator deletes the finished Job.
      await waitFor(async () => (await kc.makeApiClient(BatchV1Api).listNamespacedJob({ namespace })).items.length === 0, {
        what: 'the update-check Job to be removed',
      });
    } finally {
      watch.abort();
    }
  });
});
