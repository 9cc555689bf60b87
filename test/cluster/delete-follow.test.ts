/**
 * A delete is done only once the object was seen and then seen gone (issue 9, item 11), against the
 * real apiserver: a finalizer holds the CR after the delete call, so it still exists (with a
 * deletionTimestamp) and the bot must keep waiting; once the finalizer is removed, it completes.
 * The bot reaches the apiserver through a proxy that makes every answer slow (1.5 s), so its first
 * watch event arrives after the first poll tick: that once made it say "deleted" at once.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CoreV1Api, CustomObjectsApi, PatchStrategy, setHeaderOptions } from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { renderTerminal } from '../../src/adapters/terminal/render-terminal.ts';
import { loadConfig } from '../../src/config/load-config.ts';
import { silentLogger } from '../../src/core/ports/logger.ts';
import { createApp } from '../../src/main.ts';
import { createInstallation, mattermostCrd, waitStable } from '../sandbox/installations.ts';
import { waitFor } from '../sandbox/wait.ts';
import { env, kubeConfig, testNamespace } from '../support/sandbox.ts';
import { startStallingProxy, type StallingProxy } from '../support/stalling-proxy.ts';

const admin = kubeConfig();
const custom = admin.makeApiClient(CustomObjectsApi);
const hold = 'matterops.io/test-hold';
let namespace = '';
let slow: StallingProxy;
let slowKubeconfig = '';

interface Meta {
  metadata: { finalizers?: string[]; deletionTimestamp?: string };
}
const read = async (name: string): Promise<Meta | undefined> =>
  await (custom.getNamespacedCustomObject({ ...mattermostCrd, namespace, name }) as Promise<Meta>).catch((e: unknown) => {
    if ((e as { code?: number }).code === 404) return undefined;
    throw e;
  });
const setFinalizers = async (name: string, finalizers: string[]): Promise<void> => {
  await custom.patchNamespacedCustomObject(
    { ...mattermostCrd, namespace, name, body: { metadata: { finalizers } } },
    setHeaderOptions('Content-Type', PatchStrategy.MergePatch),
  );
};

beforeAll(async () => {
  namespace = await testNamespace('delete-follow');
  await createInstallation(admin, { namespace, name: 'held-delete', version: '9.9.0', replicas: 1, databaseUrl: env('PGURL'), ingress: false });
  await waitStable(admin, namespace, 'held-delete');
  await setFinalizers('held-delete', [...((await read('held-delete'))?.metadata.finalizers ?? []), hold]);
  slow = await startStallingProxy(Number(env('PORT_APISERVER')), { delayMs: 1_500 });
  const bot = kubeConfig('sandbox-bot');
  bot.clusters.forEach((c) => Object.assign(c, { server: `https://127.0.0.1:${slow.port}` }));
  slowKubeconfig = join(mkdtempSync(join(tmpdir(), 'slow-kubeconfig-')), 'config');
  writeFileSync(slowKubeconfig, bot.exportConfig());
}, 120_000);

afterAll(async () => {
  await slow.close();
});

describe('delete follows until the installation is really gone', () => {
  it('does not say deleted while a finalizer holds the CR (even when the cluster answers slowly), and completes once it is removed', async () => {
    const app = createApp(
      loadConfig({
        MATTEROPS_KUBECONFIG: slowKubeconfig,
        MATTEROPS_KUBE_CONTEXT: 'sandbox-bot',
        MATTEROPS_NAMESPACE: namespace,
        MATTEROPS_POLICY: env('MATTEROPS_POLICY'),
        MATTEROPS_FOLLOW_TIMEOUT: '90s',
      }),
      { logger: silentLogger },
    );
    let settled = false;
    const progress: string[] = [];
    const deleting = app.pipeline
      .run('delete held-delete --confirm held-delete', { id: 'terminal:tester', name: 'tester', via: 'terminal' }, { progress: (p) => progress.push(p) })
      .finally(() => {
        settled = true;
      });
    await waitFor(() => progress.some((p) => p.startsWith('applied')) || settled, { what: 'the delete to be applied', timeoutMs: 60_000 });
    expect((await read('held-delete'))?.metadata.deletionTimestamp).toBeDefined();
    await new Promise((r) => setTimeout(r, 8_000)); // the follow runs: poll ticks, the slow first watch event, the CR still there
    expect(await read('held-delete')).toBeDefined();
    // Nothing said it was done: no reply yet, and no `succeeded` step in the audit (an Event on the CR).
    expect(settled).toBe(false);
    const steps = await admin
      .makeApiClient(CoreV1Api)
      .listNamespacedEvent({ namespace, fieldSelector: 'involvedObject.name=held-delete,reason=MatteropsDelete' });
    expect(steps.items.map((e) => e.action)).not.toContain('succeeded');
    const finalizers = (await read('held-delete'))?.metadata.finalizers ?? [];
    await setFinalizers(
      'held-delete',
      finalizers.filter((f) => f !== hold),
    );
    const { reply } = await deleting;
    expect(renderTerminal(reply, { color: false }).split('\n')[0]).toBe(`delete ${namespace}/held-delete: done, deleted`);
    expect(await read('held-delete')).toBeUndefined();
  });
});
