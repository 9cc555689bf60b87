/**
 * Proof test (d): the bot's least-privilege identity and the sandbox users' rights are exactly what
 * the design promises, checked with real calls (server-side dry runs for changes) and, for the users,
 * through impersonation by the bot, the path impersonation mode will take.
 */
import {
  AppsV1Api, CoreV1Api, CustomObjectsApi, PatchStrategy, setHeaderMiddleware, type ConfigurationOptions,
} from '@kubernetes/client-node';
import { describe, expect, it } from 'vitest';
import { mattermostCrd } from '../sandbox/installations.ts';
import { kubeConfig } from '../support/sandbox.ts';

const bot = kubeConfig('sandbox-bot');

/** The HTTP status of a call: 200 when it succeeds. */
async function statusOf(call: () => Promise<unknown>): Promise<number> {
  try {
    await call();
    return 200;
  } catch (error) {
    const code = (error as { code?: number }).code;
    if (code === undefined) throw error;
    return code;
  }
}

const asUser = (user?: string, mergePatch = false): ConfigurationOptions => ({
  middleware: [
    ...(mergePatch ? [setHeaderMiddleware('Content-Type', PatchStrategy.MergePatch)] : []),
    ...(user ? [setHeaderMiddleware('Impersonate-User', user)] : []),
  ],
  middlewareMergeStrategy: 'append',
});

const crs = bot.makeApiClient(CustomObjectsApi);
const listInstallations = (user?: string) => () => crs.listClusterCustomObject({ ...mattermostCrd }, asUser(user));
const scaleDryRun = (namespace: string, name: string, user?: string) => () => crs.patchNamespacedCustomObject(
  { ...mattermostCrd, namespace, name, body: { spec: { replicas: 3 } }, dryRun: 'All' }, asUser(user, true));

describe('the bot identity (deploy/rbac.yaml)', () => {
  it('reads and changes Mattermost installations (server-side dry run)', async () => {
    expect(await statusOf(listInstallations())).toBe(200);
    expect(await statusOf(scaleDryRun('chat', 'mattermost'))).toBe(200);
  });

  it('gets 403 where its RBAC does not reach: listing secrets, deployments, namespaces', async () => {
    expect(await statusOf(() => bot.makeApiClient(CoreV1Api).listNamespacedSecret({ namespace: 'chat' }))).toBe(403);
    expect(await statusOf(() => bot.makeApiClient(CoreV1Api).createNamespacedSecret({ namespace: 'chat', body: { metadata: { name: 'x' } }, dryRun: 'All' }))).toBe(403);
    expect(await statusOf(() => bot.makeApiClient(AppsV1Api).patchNamespacedDeployment(
      { namespace: 'chat', name: 'mattermost', body: { spec: { replicas: 9 } }, dryRun: 'All' }, asUser(undefined, true)))).toBe(403);
    expect(await statusOf(() => bot.makeApiClient(CoreV1Api).deleteNamespace({ name: 'staging', dryRun: 'All' }))).toBe(403);
  });
});

describe('sandbox users, impersonated by the bot', () => {
  it('alice reads everything and changes installations in chat only', async () => {
    expect(await statusOf(listInstallations('alice'))).toBe(200);
    expect(await statusOf(scaleDryRun('chat', 'mattermost', 'alice'))).toBe(200);
    expect(await statusOf(scaleDryRun('staging', 'mattermost-staging', 'alice'))).toBe(403);
  });

  it('bob reads but changes nothing', async () => {
    expect(await statusOf(listInstallations('bob'))).toBe(200);
    expect(await statusOf(() => bot.makeApiClient(CoreV1Api).listNamespacedPod({ namespace: 'chat' }, asUser('bob')))).toBe(200);
    expect(await statusOf(scaleDryRun('chat', 'mattermost', 'bob'))).toBe(403);
  });

  it('mallory can do nothing', async () => {
    expect(await statusOf(listInstallations('mallory'))).toBe(403);
    expect(await statusOf(() => bot.makeApiClient(CoreV1Api).listNamespacedPod({ namespace: 'chat' }, asUser('mallory')))).toBe(403);
    expect(await statusOf(scaleDryRun('chat', 'mattermost', 'mallory'))).toBe(403);
  });

  it('the users own tokens agree with impersonation', async () => {
    const cr = (context: string) => kubeConfig(context).makeApiClient(CustomObjectsApi);
    expect(await statusOf(() => cr('sandbox-alice').listClusterCustomObject({ ...mattermostCrd }))).toBe(200);
    expect(await statusOf(() => cr('sandbox-mallory').listClusterCustomObject({ ...mattermostCrd }))).toBe(403);
  });
});
