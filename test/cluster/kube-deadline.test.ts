/**
 * Every Kubernetes call has a deadline (issue 9, item 12), against the real apiserver behind a
 * proxy that stalls: connections stay open and nothing passes, as when an apiserver hangs. The call
 * is abandoned at its deadline and named; once the path flows again, the next call works.
 */
import { CustomObjectsApi, PatchStrategy, setHeaderOptions } from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createKubeClusterWatch } from '../../src/adapters/kubernetes/cluster-watch.ts';
import { watchInstallation } from '../../src/adapters/kubernetes/installation-watch.ts';
import { KeepAliveKubeConfig } from '../../src/adapters/kubernetes/keep-alive-kube-config.ts';
import { createKubeGateway } from '../../src/adapters/kubernetes/kube-gateway.ts';
import { MatteropsError } from '../../src/core/errors.ts';
import type { Installation } from '../../src/core/model/installation.ts';
import type { ClusterGateway } from '../../src/core/ports/cluster-gateway.ts';
import { mattermostCrd } from '../sandbox/installations.ts';
import { waitFor } from '../sandbox/wait.ts';
import { env, kubeConfig } from '../support/sandbox.ts';
import { startStallingProxy, type StallingProxy } from '../support/stalling-proxy.ts';

let proxy: StallingProxy;
let kc: KeepAliveKubeConfig;
let gateway: ClusterGateway;

beforeAll(async () => {
  proxy = await startStallingProxy(Number(env('PORT_APISERVER')));
  const sandbox = kubeConfig('sandbox-bot');
  kc = new KeepAliveKubeConfig(undefined, 1_000);
  kc.loadFromOptions({
    clusters: sandbox.clusters.map((c) => ({ ...c, server: `https://127.0.0.1:${proxy.port}` })),
    users: sandbox.users,
    contexts: sandbox.contexts,
    currentContext: 'sandbox-bot',
  });
  gateway = createKubeGateway(kc, 'sandbox-bot');
});

afterAll(async () => {
  await kc.closeConnections().catch(() => undefined);
  await proxy.close();
});

describe('a Kubernetes call on a stalled path', () => {
  it('is abandoned at its deadline as unavailable, and the next call after the path flows again works', async () => {
    expect((await gateway.listInstallations('chat')).map((i) => i.name)).toContain('mattermost');
    proxy.stall();
    const started = Date.now();
    const error = await gateway.getInstallation('chat', 'mattermost').then(
      () => undefined,
      (e: unknown) => e,
    );
    const took = Date.now() - started;
    expect(error).toBeInstanceOf(MatteropsError);
    expect((error as MatteropsError).code).toBe('unavailable');
    expect((error as MatteropsError).message).toBe(`cluster sandbox-bot at https://127.0.0.1:${proxy.port} did not answer in time`);
    expect(took).toBeGreaterThanOrEqual(900);
    expect(took).toBeLessThan(5_000);
    proxy.flow();
    expect((await gateway.getInstallation('chat', 'mattermost'))?.name).toBe('mattermost');
  });

  it('a stalled whoami and server version are abandoned too (every call, not only custom resources)', async () => {
    proxy.stall();
    const results = await Promise.allSettled([gateway.whoAmI(), gateway.serverVersion(), gateway.listPods('chat', 'mattermost')]);
    proxy.flow();
    for (const r of results) {
      expect(r.status).toBe('rejected');
      expect(((r as PromiseRejectedResult).reason as MatteropsError).code).toBe('unavailable');
    }
  });
});

describe('a watch under the same deadline', () => {
  it('is not cut by the call deadline: it stays open past it and delivers a later change', async () => {
    let opened = 0;
    const seen: Installation[] = [];
    const subscription = watchInstallation(
      {
        watch: createKubeClusterWatch(kc),
        namespace: 'chat',
        name: 'mattermost',
        onLifecycle: (n) => {
          if (n.kind === 'watching') opened++;
        },
      },
      (i) => {
        if (i) seen.push(i);
      },
    );
    try {
      await new Promise((r) => setTimeout(r, 2_500)); // more than twice the 1 s deadline
      const mark = String(Date.now());
      // A metadata annotation: the watch sees it, the operator has nothing to do.
      await kubeConfig()
        .makeApiClient(CustomObjectsApi)
        .patchNamespacedCustomObject(
          { ...mattermostCrd, namespace: 'chat', name: 'mattermost', body: { metadata: { annotations: { 'matterops.io/watch-test': mark } } } },
          setHeaderOptions('Content-Type', PatchStrategy.MergePatch),
        );
      await waitFor(() => seen.some((i) => i.resourceVersion !== seen[0]?.resourceVersion), { what: 'the watch to deliver the change', timeoutMs: 10_000 });
      expect(opened).toBe(1); // never restarted: the one watch is the one opened after the first list
    } finally {
      subscription.stop();
    }
  });
});
