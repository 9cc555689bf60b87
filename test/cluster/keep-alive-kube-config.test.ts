/**
 * KeepAliveKubeConfig against the real apiserver: the bot's calls share connections, where
 * client-node's own KubeConfig opens one per request (counted through undici's diagnostics channel,
 * which reports every new connection), and the answers are the same.
 */
import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import { AuthenticationV1Api, CoreV1Api, KubeConfig } from '@kubernetes/client-node';
import { afterEach, expect, it } from 'vitest';
import { KeepAliveKubeConfig } from '../../src/adapters/kubernetes/keep-alive-kube-config.ts';
import { env } from '../support/sandbox.ts';

let connections = 0;
const onConnected = (): void => {
  connections++;
};
afterEach(() => unsubscribe('undici:client:connected', onConnected));

async function connectionsFor(kc: KubeConfig, calls: number): Promise<{ opened: number; names: string[][] }> {
  kc.loadFromFile(env('KUBECONFIG'));
  kc.setCurrentContext('sandbox-bot');
  const core = kc.makeApiClient(CoreV1Api);
  subscribe('undici:client:connected', onConnected);
  connections = 0;
  const names: string[][] = [];
  for (let i = 0; i < calls; i++) names.push((await core.listNamespacedPod({ namespace: 'chat' })).items.map((p) => p.metadata?.name ?? ''));
  unsubscribe('undici:client:connected', onConnected);
  return { opened: connections, names };
}

it('makes ten calls over one connection where client-node opens ten, with the same answers', async () => {
  const kept = new KeepAliveKubeConfig();
  const shared = await connectionsFor(kept, 10);
  const perRequest = await connectionsFor(new KubeConfig(), 10);
  expect(perRequest.opened).toBe(10);
  expect(shared.opened).toBe(1);
  expect(shared.names[0]?.length).toBeGreaterThan(0);
  expect(shared.names).toEqual(perRequest.names);
  await kept.closeConnections();
});

it('keeps users apart: each user of one KubeConfig gets its own connection and is who it is', async () => {
  const kc = new KeepAliveKubeConfig();
  kc.loadFromFile(env('KUBECONFIG'));
  subscribe('undici:client:connected', onConnected);
  connections = 0;
  const whoami = async (context: string): Promise<string | undefined> => {
    kc.setCurrentContext(context);
    const review = await kc
      .makeApiClient(AuthenticationV1Api)
      .createSelfSubjectReview({ body: { apiVersion: 'authentication.k8s.io/v1', kind: 'SelfSubjectReview' } });
    return review.status?.userInfo?.username;
  };
  expect([await whoami('sandbox-bot'), await whoami('sandbox-alice'), await whoami('sandbox-bot'), await whoami('sandbox-alice')]).toEqual([
    'matterops',
    'alice',
    'matterops',
    'alice',
  ]);
  unsubscribe('undici:client:connected', onConnected);
  expect(connections).toBe(2);
  await kc.closeConnections();
});

it('opens a fresh connection once the kept one is older than its maximum age', async () => {
  const kept = new KeepAliveKubeConfig(0); // every request is past the age: nothing is reused
  const { opened } = await connectionsFor(kept, 3);
  expect(opened).toBe(3);
  await kept.closeConnections();
});
