/**
 * The ClusterGateway contract's subject on the sandbox: the bot's client-node gateway, wrapped as
 * the caller likes (bare, or as the directory builds it), an installation seeded in a namespace of
 * its own, a gateway whose apiserver cannot be reached, and a Job whose pod waits for a Secret.
 * Call it at the top of a test file: it registers the beforeAll that seeds.
 */
import { BatchV1Api, KubeConfig } from '@kubernetes/client-node';
import { beforeAll } from 'vitest';
import { createKubeGateway } from '../../src/adapters/kubernetes/kube-gateway.ts';
import type { ClusterGateway } from '../../src/core/ports/cluster-gateway.ts';
import type { ContractSubject } from '../contract/cluster-gateway.contract.ts';
import { createInstallation, waitStable } from '../sandbox/installations.ts';
import { freePort } from '../sandbox/ports.ts';
import { waitForReadyPods } from './pods.ts';
import { recordEvent } from './record-event.ts';
import { runnerJobBody } from './runner-job.ts';
import { env, kubeConfig, testNamespace } from './sandbox.ts';

export function sandboxGatewaySubject(namespacePrefix: string, wrap: (g: ClusterGateway) => ClusterGateway = (g) => g): () => ContractSubject {
  const admin = kubeConfig();
  const gateway = wrap(createKubeGateway(kubeConfig('sandbox-bot'), 'sandbox-bot'));
  // Another context on the same apiserver: one etcd, one revision counter (what the fakes must imitate).
  const sibling = wrap(createKubeGateway(kubeConfig('sandbox-alice'), 'sandbox-alice'));
  let namespace = '';
  let unreachable: ClusterGateway | undefined;

  beforeAll(async () => {
    namespace = await testNamespace(namespacePrefix);
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
    unreachable = wrap(createKubeGateway(closed, 'down'));
  });

  return () => ({
    gateway,
    unreachable: unreachable!,
    seeded: { namespace, name: 'contract-mm', replicas: 2, version: '9.9.0' },
    jobWaitingForSecret: async () => {
      const secret = `missing-${Date.now().toString(36)}`;
      const container = { command: ['matterops', '--version'], env: [{ name: 'X', valueFrom: { secretKeyRef: { name: secret, key: 'X' } } }] };
      await admin.makeApiClient(BatchV1Api).createNamespacedJob({ namespace, body: runnerJobBody('waits', container) });
      return { namespace, job: 'waits', secret };
    },
    recordEvent: async (e) => {
      await recordEvent(admin, e);
    },
    sibling: { gateway: sibling, seeded: { namespace: 'chat', name: 'mattermost' } },
  });
}
