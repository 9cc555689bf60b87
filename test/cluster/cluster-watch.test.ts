/**
 * The client-node ClusterWatch on the real apiserver: the contract on ConfigMaps (as admin: the
 * bot's Role grants no `watch` on ConfigMaps, and needs none), and the restart after an error on
 * which client-node's own ListWatch stops for good: a watch refused with 403 (the bot may list
 * ConfigMaps in its state namespace but not watch them), which goes on once RBAC grants `watch`.
 */
import { spawn } from 'node:child_process';
import { CoreV1Api, RbacAuthorizationV1Api } from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createKubeClusterWatch } from '../../src/adapters/kubernetes/cluster-watch.ts';
import { kinds } from '../../src/core/model/resource.ts';
import { type WatchEvent, type WatchLifecycle } from '../../src/core/ports/cluster-watch.ts';
import { clusterWatchContract, versions } from '../contract/cluster-watch.contract.ts';
import { repoRoot } from '../sandbox/paths.ts';
import { waitFor } from '../sandbox/wait.ts';
import { env, kubeConfig, testNamespace } from '../support/sandbox.ts';

const admin = kubeConfig();
const core = admin.makeApiClient(CoreV1Api);
let namespace = '';
let otherNamespace = '';

beforeAll(async () => {
  [namespace, otherNamespace] = await Promise.all([testNamespace('watch'), testNamespace('watch-other')]);
});

afterAll(async () => {
  await Promise.all([namespace, otherNamespace].filter(Boolean).map((name) => core.deleteNamespace({ name }).catch(() => undefined)));
});

/** Creates the ConfigMap, or replaces its labels and data if it is there. */
async function put(ns: string, name: string, labels: Record<string, string>): Promise<string> {
  const body = { metadata: { name, namespace: ns, labels }, data: { written: `${Date.now()}-${Math.random()}` } };
  try {
    return (await core.createNamespacedConfigMap({ namespace: ns, body })).metadata?.resourceVersion ?? '';
  } catch (error) {
    if ((error as { code?: number }).code !== 409) throw error;
    return (await core.replaceNamespacedConfigMap({ namespace: ns, name, body })).metadata?.resourceVersion ?? '';
  }
}

const eventually = async (done: () => boolean, what: string): Promise<void> => {
  await waitFor(done, { what, timeoutMs: 15_000 });
};

clusterWatchContract('client-node on the real apiserver', () => ({
  watch: createKubeClusterWatch(admin),
  resource: kinds.configMap,
  namespace,
  otherNamespace,
  put,
  remove: async (ns, name) => {
    await core.deleteNamespacedConfigMap({ namespace: ns, name });
  },
  truth: async (labelSelector) =>
    versions(
      (await core.listConfigMapForAllNamespaces({ labelSelector })).items.map((c) => ({
        metadata: { name: c.metadata?.name ?? '', namespace: c.metadata?.namespace ?? '', resourceVersion: c.metadata?.resourceVersion ?? '' },
      })),
    ),
  eventually,
  pause: () => new Promise((resolve) => setTimeout(resolve, 1_000)),
}));

describe("a watch refused with 403, on which client-node's ListWatch would stop", () => {
  it('is tried again with backoff and delivers changes once RBAC grants watch', async () => {
    const notes: WatchLifecycle[] = [];
    const events: WatchEvent[] = [];
    const bot = createKubeClusterWatch(kubeConfig('sandbox-bot'), { backoff: { initialMs: 200, maxMs: 1_000 } });
    const watching = bot.watch({ resource: kinds.configMap, namespace, labelSelector: 'matterops.io/refused=yes', onLifecycle: (n) => notes.push(n) }, (e) =>
      events.push(e),
    );
    const rbac = admin.makeApiClient(RbacAuthorizationV1Api);
    try {
      await watching.synced; // the list is allowed (the state Role)
      await eventually(() => notes.filter((n) => n.kind === 'failed').length >= 3, 'three refused watches');
      const refusal = notes.find((n) => n.kind === 'failed');
      expect(refusal).toMatchObject({ kind: 'failed', during: 'watch', message: 'Forbidden' });
      await rbac.createNamespacedRole({
        namespace,
        body: { metadata: { name: 'watch-configmaps' }, rules: [{ apiGroups: [''], resources: ['configmaps'], verbs: ['watch'] }] },
      });
      await rbac.createNamespacedRoleBinding({
        namespace,
        body: {
          metadata: { name: 'watch-configmaps' },
          roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'watch-configmaps' },
          subjects: [{ kind: 'User', name: 'matterops', apiGroup: 'rbac.authorization.k8s.io' }],
        },
      });
      // Writes until one arrives: RBAC reaches the authorizer a moment after it is stored.
      await waitFor(
        async () => {
          await put(namespace, 'refused-then-allowed', { 'matterops.io/refused': 'yes' });
          return events.length > 0;
        },
        { what: 'a change through the watch once it is allowed', timeoutMs: 20_000, intervalMs: 500 },
      );
      expect(events[0]?.type).toBe('added');
      expect(events.every((e) => e.object.metadata.name === 'refused-then-allowed')).toBe(true);
    } finally {
      await watching.stop();
    }
  });
});

describe('what the informer keeps', () => {
  it('holds listed and watched objects without managedFields, which the apiserver gives every one (issue 12, RSS)', async () => {
    await put(namespace, 'listed-fields', { 'matterops.io/fields': 'yes' });
    const events: WatchEvent[] = [];
    const watching = createKubeClusterWatch(admin).watch({ resource: kinds.configMap, namespace, labelSelector: 'matterops.io/fields=yes' }, (e) =>
      events.push(e),
    );
    try {
      await watching.synced;
      await put(namespace, 'watched-fields', { 'matterops.io/fields': 'yes' });
      await eventually(() => events.some((e) => e.object.metadata.name === 'watched-fields'), 'the watched ConfigMap');
      // The apiserver did record them: the same objects read directly carry managedFields.
      const direct = await core.readNamespacedConfigMap({ namespace, name: 'watched-fields' });
      expect(direct.metadata?.managedFields?.length).toBeGreaterThan(0);
      const kept = watching.list();
      expect(kept.map((o) => o.metadata.name).sort()).toEqual(['listed-fields', 'watched-fields']);
      expect(kept.map((o) => 'managedFields' in o.metadata)).toEqual([false, false]);
      expect(kept.every((o) => o.metadata.labels?.['matterops.io/fields'] === 'yes' && typeof o.data === 'object')).toBe(true);
    } finally {
      await watching.stop();
    }
  });
});

/**
 * A process that stopped its watches exits by itself: no socket, no backoff timer is left.
 * One watch is live (Mattermost CRs in chat), one is in its backoff (ConfigMaps in staging, which
 * the bot may not list).
 */
const childScript = `
import { KubeConfig } from '@kubernetes/client-node';
import { createKubeClusterWatch } from './src/adapters/kubernetes/cluster-watch.ts';
import { kinds } from './src/core/model/resource.ts';
const kc = new KubeConfig();
kc.loadFromFile(process.env.KUBECONFIG);
kc.setCurrentContext('sandbox-bot');
const notes = [];
const watch = createKubeClusterWatch(kc);
const live = watch.watch({ resource: kinds.mattermost, namespace: 'chat' }, () => undefined);
const refused = watch.watch({ resource: kinds.configMap, namespace: 'staging', onLifecycle: (n) => notes.push(n.kind) }, () => undefined);
await live.synced;
while (!notes.includes('failed')) await new Promise((r) => setTimeout(r, 50));
await Promise.all([live.stop(), refused.stop()]);
console.log('stopped with', live.list().length, 'cached');
`;

describe('stop', () => {
  it('leaves nothing that keeps the process alive, also for a watch waiting out its backoff', async () => {
    const child = spawn(process.execPath, ['--input-type=module', '-e', childScript], {
      cwd: repoRoot,
      env: { ...process.env, KUBECONFIG: env('KUBECONFIG') },
    });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (out += d.toString()));
    const exited = new Promise<number | null>((resolve) => child.on('exit', resolve));
    const code = await Promise.race([exited, new Promise<'still running'>((resolve) => setTimeout(() => resolve('still running'), 20_000))]);
    if (code === 'still running') child.kill('SIGKILL');
    expect(out).toContain('stopped with 1 cached');
    expect(code).toBe(0);
  });
});
