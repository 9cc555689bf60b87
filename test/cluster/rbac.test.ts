/**
 * deploy/rbac.yaml is least privilege, checked on the real apiserver (issue 9, item 17): the
 * manifests are applied as they are (the sandbox then has what a fresh one has), then asked with
 * SubjectAccessReviews for the deployed ServiceAccount and the sandbox bot user, and tried with
 * real calls (server-side dry runs for writes). Also the sandbox users' own rights, checked through
 * impersonation by the bot, the path impersonation mode takes.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  AppsV1Api,
  CoreV1Api,
  CustomObjectsApi,
  KubernetesObjectApi,
  PatchStrategy,
  loadAllYaml,
  setHeaderMiddleware,
  type ConfigurationOptions,
  type KubernetesObject,
  type V1ClusterRole,
  type V1ResourceAttributes,
} from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mattermostCrd } from '../sandbox/installations.ts';
import { deployDir } from '../sandbox/paths.ts';
import { allowed, botMustNot, botNeeds, can, coord, mm, type Subject } from '../support/access-review.ts';
import { kubeConfig } from '../support/sandbox.ts';

const admin = kubeConfig();
const bot = kubeConfig('sandbox-bot');
const objects = KubernetesObjectApi.makeApiClient(admin);
const manifest = (file: string): KubernetesObject[] => loadAllYaml(readFileSync(file, 'utf8')) as KubernetesObject[];
const deployed = ['rbac.yaml', 'impersonation.yaml'].flatMap((f) => manifest(join(deployDir, f)));
const laptop = manifest(join(deployDir, 'laptop-binding.yaml'));
/** deploy/create-in-namespace.yaml as an operator would apply it for the namespace `chat`. */
const createInChat = manifest(join(deployDir, 'create-in-namespace.yaml')).map((o) => ({
  ...o,
  metadata: { ...o.metadata, name: 'matterops-secret-keys-serviceaccount', namespace: 'chat' },
}));

/** deploy/backups-in-namespace.yaml as an operator would apply it for the namespace `chat`. */
const backupsInChat = manifest(join(deployDir, 'backups-in-namespace.yaml')).map((o) => ({
  ...o,
  metadata: { ...o.metadata, name: 'matterops-run-backups-serviceaccount', namespace: 'chat' },
}));

/** Creates the object, or replaces it as written when it exists (what a fresh sandbox would hold). */
async function upsert(object: KubernetesObject): Promise<void> {
  try {
    await objects.create(object);
  } catch (error) {
    if ((error as { code?: number }).code !== 409) throw error;
    const current = await objects.read({
      apiVersion: object.apiVersion,
      kind: object.kind,
      metadata: { name: object.metadata?.name ?? '', namespace: object.metadata?.namespace },
    });
    await objects.replace({ ...object, metadata: { ...object.metadata, resourceVersion: current.metadata?.resourceVersion } });
  }
}

beforeAll(async () => {
  for (const object of [...deployed, ...createInChat, ...backupsInChat, ...manifest(join(import.meta.dirname, '..', 'sandbox', 'rbac.yaml')), ...laptop])
    await upsert(object);
});
afterAll(async () => {
  for (const object of laptop) await objects.delete(object).catch(() => undefined);
});

const serviceAccount: Subject = {
  user: 'system:serviceaccount:matterops:matterops',
  groups: ['system:serviceaccounts', 'system:serviceaccounts:matterops', 'system:authenticated'],
};
const sandboxBot: Subject = { user: 'matterops', groups: ['system:authenticated'] };

// `create` and backups are bound in chat (deploy/create-in-namespace.yaml, deploy/backups-in-namespace.yaml), nothing in kube-system.
const places = { state: 'matterops', installations: 'chat', creates: 'chat', backups: 'chat', elsewhere: 'kube-system' };
const needed = botNeeds(places);
const refused: [string, V1ResourceAttributes][] = [
  ...botMustNot(places),
  ['update leases where installations live', can('update', 'leases', 'staging', coord)],
  // deploy/impersonation.yaml lets the bot act as chat users, never as admins or ServiceAccounts.
  ['impersonate the admin user', can('impersonate', 'users', undefined, '', 'admin')],
  ['impersonate any user', can('impersonate', 'users')],
  ['impersonate service accounts', can('impersonate', 'serviceaccounts', 'kube-system', '', 'default')],
];

describe.each([
  ['the deployed ServiceAccount', serviceAccount],
  ['the sandbox bot user', sandboxBot],
])('%s (deploy/rbac.yaml, deploy/impersonation.yaml)', (_label, who) => {
  it('may do everything matterops does', async () => {
    const missing = [];
    for (const [what, attributes] of needed) if (!(await allowed(who, attributes))) missing.push(what);
    expect(missing).toEqual([]);
  });

  it('may do nothing more: no state outside the state namespace, no Event edits, no Jobs, secrets only where create is bound, no admin impersonation', async () => {
    const granted = [];
    for (const [what, attributes] of refused) if (await allowed(who, attributes)) granted.push(what);
    expect(granted).toEqual([]);
  });

  it('may impersonate exactly the users and groups deploy/impersonation.yaml names', async () => {
    expect(await allowed(who, can('impersonate', 'users', undefined, '', 'alice'))).toBe(true);
    expect(await allowed(who, can('impersonate', 'users', undefined, '', 'bob'))).toBe(true);
    expect(await allowed(who, can('impersonate', 'groups', undefined, '', 'matterops-chat-users'))).toBe(true);
    expect(await allowed(who, can('impersonate', 'users', undefined, '', 'carol'))).toBe(false);
  });
});

describe('the manifests themselves', () => {
  it('grant no wildcard, and name every user and group the bot may impersonate', () => {
    const roles = deployed.filter((o) => o.kind === 'ClusterRole' || o.kind === 'Role') as V1ClusterRole[];
    for (const rule of roles.flatMap((r) => r.rules ?? [])) {
      expect([...(rule.verbs ?? []), ...(rule.resources ?? []), ...(rule.apiGroups ?? [])]).not.toContain('*');
      if (rule.verbs?.includes('impersonate')) expect(rule.resourceNames?.length).toBeGreaterThan(0);
      expect(rule.resourceNames ?? []).not.toContain('system:masters');
    }
  });

  it('the laptop example binds a User and a Group to the same rights as the ServiceAccount', async () => {
    for (const who of [{ user: 'jane@example.com' }, { user: 'someone-else', groups: ['matterops-operators'] }]) {
      expect(await allowed(who, can('patch', 'mattermosts', 'chat', mm))).toBe(true);
      expect(await allowed(who, can('create', 'leases', 'matterops', coord))).toBe(true);
      expect(await allowed(who, can('create', 'leases', 'chat', coord))).toBe(false);
    }
  });
});

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

const asUser = (user?: string, mergePatch = false, groups: string[] = []): ConfigurationOptions => ({
  middleware: [
    ...(mergePatch ? [setHeaderMiddleware('Content-Type', PatchStrategy.MergePatch)] : []),
    ...(user ? [setHeaderMiddleware('Impersonate-User', user)] : []),
    ...groups.map((g) => setHeaderMiddleware('Impersonate-Group', g)),
  ],
  middlewareMergeStrategy: 'append',
});

const crs = bot.makeApiClient(CustomObjectsApi);
const listInstallations = (user?: string, groups?: string[]) => () => crs.listClusterCustomObject({ ...mattermostCrd }, asUser(user, false, groups));
const scaleDryRun = (namespace: string, name: string, user?: string) => () =>
  crs.patchNamespacedCustomObject({ ...mattermostCrd, namespace, name, body: { spec: { replicas: 3 } }, dryRun: 'All' }, asUser(user, true));
const leaseDryRun = (namespace: string) => () =>
  crs.createNamespacedCustomObject({
    group: coord,
    version: 'v1',
    plural: 'leases',
    namespace,
    dryRun: 'All',
    body: { apiVersion: 'coordination.k8s.io/v1', kind: 'Lease', metadata: { name: 'rbac-probe' }, spec: {} },
  });

describe('the bot identity, with real calls', () => {
  it('reads and changes Mattermost installations (server-side dry run)', async () => {
    expect(await statusOf(listInstallations())).toBe(200);
    expect(await statusOf(scaleDryRun('chat', 'mattermost'))).toBe(200);
  });

  it('writes Leases in the state namespace only', async () => {
    expect(await statusOf(leaseDryRun('matterops'))).toBe(200);
    expect(await statusOf(leaseDryRun('chat'))).toBe(403);
  });

  it('gets 403 where its RBAC does not reach: listing secrets, deployments, namespaces', async () => {
    expect(await statusOf(() => bot.makeApiClient(CoreV1Api).listNamespacedSecret({ namespace: 'chat' }))).toBe(403);
    expect(
      await statusOf(() => bot.makeApiClient(CoreV1Api).createNamespacedSecret({ namespace: 'chat', body: { metadata: { name: 'x' } }, dryRun: 'All' })),
    ).toBe(403);
    expect(
      await statusOf(() =>
        bot
          .makeApiClient(AppsV1Api)
          .patchNamespacedDeployment({ namespace: 'chat', name: 'mattermost', body: { spec: { replicas: 9 } }, dryRun: 'All' }, asUser(undefined, true)),
      ),
    ).toBe(403);
    expect(await statusOf(() => bot.makeApiClient(CoreV1Api).deleteNamespace({ name: 'staging', dryRun: 'All' }))).toBe(403);
  });

  it('cannot make itself an admin by impersonation', async () => {
    expect(await statusOf(listInstallations('alice', ['system:masters']))).toBe(403);
    expect(await statusOf(listInstallations('admin'))).toBe(403);
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
