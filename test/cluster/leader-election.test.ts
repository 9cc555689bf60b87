/**
 * Leader election on a real Lease, as the bot: of two replicas exactly one leads; when it stops,
 * the other takes over; a Lease left by a replica that died (never renewed, never deleted) is
 * taken over once it has stood still for its duration.
 */
import { CustomObjectsApi, KubeConfig } from '@kubernetes/client-node';
import { beforeAll, expect, it } from 'vitest';
import { startLeaderElection, type LeaderElection } from '../../src/adapters/kubernetes/leader-election.ts';
import { silentLogger } from '../../src/core/ports/logger.ts';
import { waitFor } from '../sandbox/wait.ts';
import { env, kubeConfig, testNamespace } from '../support/sandbox.ts';
import { startTcpProxy } from '../support/tcp-proxy.ts';

let namespace = '';
const bot = kubeConfig('sandbox-bot');
beforeAll(async () => {
  namespace = await testNamespace('leader');
});

function replica(name: string, identity: string, events: string[], kc: KubeConfig = bot): LeaderElection {
  return startLeaderElection(kc, {
    namespace,
    name,
    identity,
    durationSeconds: 3,
    logger: silentLogger,
    onStartedLeading: () => events.push(`${identity} leads`),
    onStoppedLeading: () => events.push(`${identity} stops`),
  });
}

it('lets one of two replicas lead, and the other take over when it stops', async () => {
  const events: string[] = [];
  const a = replica('pair', 'a', events);
  const b = replica('pair', 'b', events);
  await waitFor(() => a.leading || b.leading, { what: 'a leader', timeoutMs: 10_000 });
  await new Promise((r) => setTimeout(r, 2_500)); // several renewals: still exactly one
  expect([a.leading, b.leading].filter(Boolean)).toHaveLength(1);
  const [leader, follower] = a.leading ? [a, b] : [b, a];
  await leader.stop();
  await waitFor(() => follower.leading, { what: 'the follower to take over', timeoutMs: 10_000 });
  expect(leader.leading).toBe(false);
  await follower.stop();
  expect(events.filter((e) => e.endsWith('leads'))).toHaveLength(2);
});

it('takes over a Lease its dead holder left, once it has stood still for its duration', async () => {
  const api = bot.makeApiClient(CustomObjectsApi);
  const now = new Date().toISOString().replace(/\.(\d{3})Z$/, '.$1000Z');
  await api.createNamespacedCustomObject({
    group: 'coordination.k8s.io',
    version: 'v1',
    plural: 'leases',
    namespace,
    body: {
      apiVersion: 'coordination.k8s.io/v1',
      kind: 'Lease',
      metadata: { name: 'orphan' },
      spec: { holderIdentity: 'dead', leaseDurationSeconds: 3, acquireTime: now, renewTime: now },
    },
  });
  const events: string[] = [];
  const started = Date.now();
  const survivor = replica('orphan', 'survivor', events);
  await waitFor(() => survivor.leading, { what: 'the survivor to take the orphaned Lease', timeoutMs: 15_000 });
  expect(Date.now() - started).toBeGreaterThanOrEqual(3_000);
  await survivor.stop();
});

it('steps down when its renewals fail, before the other may take over: never two leaders', async () => {
  // The first replica reaches the apiserver through a proxy the test can cut.
  const proxy = await startTcpProxy(Number(env('PORT_APISERVER')));
  const viaProxy = new KubeConfig();
  viaProxy.loadFromOptions({
    clusters: bot.getClusters().map((c) => ({ ...c, server: `https://127.0.0.1:${proxy.port}` })),
    users: bot.getUsers(),
    contexts: bot.getContexts(),
    currentContext: bot.getCurrentContext(),
  });
  const events: string[] = [];
  const cut = replica('split', 'cut-off', events, viaProxy);
  await waitFor(() => cut.leading, { what: 'the first replica to lead', timeoutMs: 10_000 });
  const other = replica('split', 'other', events);
  let overlap = false;
  const sampler = setInterval(() => {
    if (cut.leading && other.leading) overlap = true;
  }, 20);
  try {
    proxy.cut();
    await waitFor(() => other.leading, { what: 'the other replica to take over', timeoutMs: 15_000 });
    expect(cut.leading).toBe(false);
    expect(overlap).toBe(false);
    expect(events.indexOf('cut-off stops')).toBeLessThan(events.indexOf('other leads'));
  } finally {
    clearInterval(sampler);
    await other.stop();
    proxy.restore();
    await cut.stop();
    await proxy.close();
  }
});
