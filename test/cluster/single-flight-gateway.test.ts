/**
 * Single flight over the client-node adapter (issue 16, item 4), as the bot's directory builds it,
 * against the real apiserver and operator: the same contract as the adapter alone.
 */
import { BatchV1Api, KubeConfig } from '@kubernetes/client-node';
import { beforeAll } from 'vitest';
import { createKubeGateway } from '../../src/adapters/kubernetes/kube-gateway.ts';
import { singleFlight } from '../../src/adapters/kubernetes/single-flight-gateway.ts';
import type { ClusterGateway } from '../../src/core/ports/cluster-gateway.ts';
import { clusterGatewayContract } from '../contract/cluster-gateway.contract.ts';
import { createInstallation, waitStable } from '../sandbox/installations.ts';
import { freePort } from '../sandbox/ports.ts';
import { waitForReadyPods } from '../support/pods.ts';
import { env, kubeConfig, testNamespace } from '../support/sandbox.ts';

let namespace = '';
const admin = kubeConfig();
let unreachable: ClusterGateway;
const gateway = singleFlight(createKubeGateway(kubeConfig('sandbox-bot'), 'sandbox-bot'));
// Another context on the same apiserver: one etcd, one revision counter (what the fakes must imitate).
const sibling = singleFlight(createKubeGateway(kubeConfig('sandbox-alice'), 'sandbox-alice'));

beforeAll(async () => {
  namespace = await testNamespace('flight');
  await createInstallation(admin, { namespace, name: 'contract-mm', version: '9.9.0', replicas: 2, databaseUrl: env('PGURL') });
  await waitStable(admin, namespace, 'contract-mm');
  await waitForReadyPods(admin, namespace, 'contract-mm', 2);
  const closed = new KubeConfig();
  closed.loadFromOptions({
    clusters: [{ name: 'down', server: `https://127.0.0.1:${await freePort()}`, skipTLSVerify: true }],
    users: [{ name: 'u', token: 'x' }],
    contexts: [{ name: 'down', cluster: 'down', user: 'u' }],
    currentContext: 'down',
  });
  unreachable = singleFlight(createKubeGateway(closed, 'down'));
});

clusterGatewayContract('single flight over client-node against the sandbox', () => ({
  gateway,
  unreachable,
  seeded: { namespace, name: 'contract-mm', replicas: 2, version: '9.9.0' },
  jobWaitingForSecret: async () => {
    const secret = `missing-${Date.now().toString(36)}`;
    await admin.makeApiClient(BatchV1Api).createNamespacedJob({
      namespace,
      body: {
        metadata: { name: 'waits' },
        spec: {
          backoffLimit: 0,
          template: {
            // The runner label (runnerPodSelector): the sandbox's harness, not kwok, plays the node for it.
            metadata: { labels: { 'matterops.io/runner': 'job' } },
            spec: {
              restartPolicy: 'Never',
              containers: [
                {
                  name: 'runner',
                  image: 'matterops:sandbox',
                  command: ['matterops', '--version'],
                  env: [{ name: 'X', valueFrom: { secretKeyRef: { name: secret, key: 'X' } } }],
                },
              ],
            },
          },
        },
      },
    });
    return { namespace, job: 'waits', secret };
  },
  sibling: { gateway: sibling, seeded: { namespace: 'chat', name: 'mattermost' } },
}));
