/**
 * deploy/helm/matterops with the real helm (v4.3.1, test/peers/build.sh) against the sandbox's real
 * apiserver (kwok runs the pods): lint, the schema refusing bad values at template time, the
 * plugin install hook Job rendered only when asked (test/e2e/helm-plugin.test.ts runs it), install
 * --wait, the ServiceAccount able to do exactly what the bot needs and nothing more (the same
 * SubjectAccessReviews test/cluster/rbac.test.ts asks of deploy/rbac.yaml, incl. the refusals),
 * the backup runner's identity, impersonation only when opted in, upgrade with changed values (a
 * ServiceMonitor on a metrics port of its own, against a minimal ServiceMonitor CRD this file
 * makes and removes), and uninstall leaving nothing of the release behind.
 */
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import {
  ApiextensionsV1Api,
  AppsV1Api,
  CoreV1Api,
  CustomObjectsApi,
  KubernetesObjectApi,
  PolicyV1Api,
  RbacAuthorizationV1Api,
  loadAllYaml,
  type V1Container,
  type V1Job,
  type V1ResourceAttributes,
  type V1Role,
} from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { bin, deployDir, repoRoot } from '../sandbox/paths.ts';
import { allowed, botMustNot, botNeeds, can, mm, type Subject } from '../support/access-review.ts';
import { env, kubeConfig } from '../support/sandbox.ts';
import { waitFor } from '../sandbox/wait.ts';

const chart = join(repoRoot, 'deploy', 'helm', 'matterops');
const admin = kubeConfig();
const suffix = randomBytes(3).toString('hex');
const release = `matterops-${suffix}`; // contains the chart name: every object is named after the release alone
const ns = { release: `helm-${suffix}`, backups: `helm-backups-${suffix}`, creates: `helm-create-${suffix}` };
const dir = mkdtempSync(join(tmpdir(), 'helm-chart-'));
const helmEnv = { ...process.env, HELM_CACHE_HOME: join(dir, 'cache'), HELM_CONFIG_HOME: join(dir, 'config'), HELM_DATA_HOME: join(dir, 'data') };

/** Values a team would give: the Mattermost side, the Secret's name, backups and create in their namespaces. */
const values = {
  mattermost: { url: 'https://chat.example.com', publicUrl: `http://${release}.${ns.release}.svc` },
  existingSecret: 'matterops-credentials',
  secretKeys: { alertmanagerToken: 'MATTEROPS_ALERTMANAGER_TOKEN' },
  image: { repository: 'matterops', tag: 'test' },
  backups: { namespaces: [ns.backups], s3: { bucket: 'matterops-backups', endpoint: 'http://s3.example.com:8333' } },
  create: { namespaces: [ns.creates] },
  policy: { roles: { reader: { allow: ['list', 'status'] } }, bindings: [] },
};

/** The real helm on the sandbox's admin context; `given` values as a file (none for uninstall). */
async function helm(args: string[], given: unknown = values): Promise<{ stdout: string; stderr: string }> {
  const file = join(dir, `values-${randomBytes(3).toString('hex')}.yaml`);
  if (given) writeFileSync(file, stringify(given));
  const valueArgs = given ? ['-f', file] : [];
  return await promisify(execFile)(bin('helm'), [...args, ...valueArgs, '--kubeconfig', env('KUBECONFIG'), '--kube-context', 'sandbox'], {
    env: helmEnv,
    cwd: repoRoot,
  });
}
const failure = (call: Promise<unknown>): Promise<string> =>
  call.then(
    () => 'helm accepted the values',
    (error: unknown) => String((error as { stderr?: string }).stderr ?? error),
  );

/** A rendered object, as much of it as the tests read. */
interface Rendered {
  kind?: string;
  spec?: {
    endpoints?: unknown[];
    ports?: { name?: string }[];
    template?: { spec?: { containers?: V1Container[] } };
  };
}
const kindOf = <T = Rendered>(objects: Rendered[], kind: string): T => objects.find((o) => o.kind === kind) as T;
const containerOf = (objects: Rendered[]): V1Container => kindOf(objects, 'Deployment').spec!.template!.spec!.containers![0]!;

const saOf = (namespace: string, name: string): Subject => ({
  user: `system:serviceaccount:${namespace}:${name}`,
  groups: ['system:serviceaccounts', `system:serviceaccounts:${namespace}`, 'system:authenticated'],
});
const bot = saOf(ns.release, release);
const runner = saOf(ns.backups, 'matterops-runner');

const rightsOf = async (who: Subject, list: [string, V1ResourceAttributes][], want: boolean): Promise<string[]> => {
  const off: string[] = [];
  for (const [what, attributes] of list) if ((await allowed(who, attributes)) !== want) off.push(what);
  return off;
};

// The chart binds `create` and backups in namespaces of their own; chat has installations and neither.
const places = { state: ns.release, installations: 'chat', creates: ns.creates, backups: ns.backups, elsewhere: 'chat' };
const needed = botNeeds(places);
const refused: [string, V1ResourceAttributes][] = [
  ...botMustNot(places),
  ['get secrets of its own release namespace', can('get', 'secrets', ns.release)],
  ['impersonate users (impersonation is off)', can('impersonate', 'users', undefined, '', 'alice')],
];

/**
 * The Prometheus Operator's ServiceMonitor kind, as little of it as lets the apiserver keep one:
 * the chart's object is read back as written. The sandbox has no Prometheus Operator; this file
 * adds the kind and removes it after.
 */
const serviceMonitors = { group: 'monitoring.coreos.com', version: 'v1', plural: 'servicemonitors' };
const serviceMonitorCrd = {
  metadata: { name: `${serviceMonitors.plural}.${serviceMonitors.group}` },
  spec: {
    group: serviceMonitors.group,
    scope: 'Namespaced',
    names: { kind: 'ServiceMonitor', listKind: 'ServiceMonitorList', plural: serviceMonitors.plural, singular: 'servicemonitor' },
    versions: [
      {
        name: 'v1',
        served: true,
        storage: true,
        // The client's name for x-kubernetes-preserve-unknown-fields (it drops the JSON spelling): keep whatever the chart writes.
        schema: { openAPIV3Schema: { type: 'object', x_kubernetes_preserve_unknown_fields: true } },
      },
    ],
  },
};
interface ServiceMonitorObject {
  metadata?: { name?: string; labels?: Record<string, string> };
  spec?: { selector?: { matchLabels?: Record<string, string> }; endpoints?: { port?: string; path?: string; interval?: string }[] };
}

beforeAll(async () => {
  const crds = admin.makeApiClient(ApiextensionsV1Api);
  const create = () => crds.createCustomResourceDefinition({ body: serviceMonitorCrd });
  await create().catch(async (e: unknown) => {
    if ((e as { code?: number }).code !== 409) throw e;
    // Left by a killed run (or still going from the last one): gone first, so this file's schema is the one.
    await crds.deleteCustomResourceDefinition({ name: serviceMonitorCrd.metadata.name }).catch(() => undefined);
    await waitFor(
      () =>
        crds.readCustomResourceDefinition({ name: serviceMonitorCrd.metadata.name }).then(
          () => false,
          (r: unknown) => (r as { code?: number }).code === 404,
        ),
      { what: 'the old ServiceMonitor CRD gone', timeoutMs: 30_000, intervalMs: 250 },
    );
    await create();
  });
  await waitFor(
    async () =>
      (await crds.readCustomResourceDefinition({ name: serviceMonitorCrd.metadata.name })).status?.conditions?.some(
        (c) => c.type === 'Established' && c.status === 'True',
      ),
    { what: 'the ServiceMonitor CRD established', timeoutMs: 20_000, intervalMs: 200 },
  );
  const core = admin.makeApiClient(CoreV1Api);
  for (const name of Object.values(ns)) await core.createNamespace({ body: { metadata: { name, labels: { 'matterops.io/test': 'true' } } } });
  // The credentials exist before the chart, as docs/install.md says: the chart only names them.
  await core.createNamespacedSecret({
    namespace: ns.release,
    body: {
      metadata: { name: values.existingSecret },
      stringData: { MM_BOT_TOKEN: 'bot', MM_SLASH_TOKEN: 'slash', MATTEROPS_SIGNING_KEY: 'key', MATTEROPS_ALERTMANAGER_TOKEN: 'alertmanager-token-0123' },
    },
  });
});
afterAll(async () => {
  await helm(['uninstall', release, '-n', ns.release], null).catch(() => undefined);
  const core = admin.makeApiClient(CoreV1Api);
  for (const name of Object.values(ns)) await core.deleteNamespace({ name }).catch(() => undefined);
  await admin
    .makeApiClient(ApiextensionsV1Api)
    .deleteCustomResourceDefinition({ name: serviceMonitorCrd.metadata.name })
    .catch(() => undefined);
});

describe('the chart, before any cluster', () => {
  it('lints clean and renders with the values a team gives', async () => {
    await helm(['lint', chart, '--strict']);
    const { stdout } = await helm(['template', release, chart, '-n', ns.release]);
    expect(stdout).toContain('kind: PodDisruptionBudget');
    expect(stdout).not.toContain('kind: Ingress');
    // No fixed send rate unless asked: the bot paces by the server's rate-limit headers.
    expect(stdout).not.toContain('MM_POSTS_PER_SECOND');
    const capped = await helm(['template', release, chart, '-n', ns.release], { ...values, mattermost: { ...values.mattermost, postsPerSecond: 8 } });
    expect(capped.stdout).toContain('{ name: MM_POSTS_PER_SECOND, value: "8" }');
  });

  it.each([
    ['no existingSecret', { ...values, existingSecret: '' }, /existingSecret/],
    ['a credential in values instead of a Secret', { ...values, botToken: 'xoxb' }, /additional properties 'botToken' not allowed/],
    ['no Mattermost URL', { ...values, mattermost: { publicUrl: 'http://x' } }, /mattermost\/url/],
    ['zero replicas', { ...values, replicaCount: 0 }, /replicaCount.*minimum/s],
    ['impersonating system:masters', { ...values, impersonation: { enabled: true, groups: ['system:masters'] } }, /impersonation\/groups\/0/],
    ['impersonation on with nobody named', { ...values, impersonation: { enabled: true } }, /impersonation/],
    ['a namespace that is no DNS label', { ...values, backups: { namespaces: ['Chat_Prod'] } }, /backups\/namespaces\/0/],
    ['an Ingress without a host', { ...values, ingress: { enabled: true } }, /ingress\/host/],
    ['a metrics port that is no port', { ...values, http: { metricsPort: 80 } }, /http\/metricsPort.*minimum/s],
    ['the metrics port on the webhook port', { ...values, http: { port: 8080, metricsPort: 8080 } }, /http.metricsPort must differ from http.port/],
    ['an Alertmanager token put in values', { ...values, alertmanager: { token: 'alertmanager-token-0123' } }, /additional properties 'token' not allowed/],
    [
      'an admin token put in values for the plugin install',
      { ...values, plugin: { install: true, adminToken: 'xoxp' } },
      /additional properties 'adminToken' not allowed/,
    ],
    [
      'an admin token put in values as the Secret',
      { ...values, plugin: { install: true, adminTokenSecret: { value: 'xoxp' } } },
      /additional properties 'value' not allowed/,
    ],
    [
      'a plugin install with no Secret named for the admin token',
      { ...values, plugin: { install: true } },
      /plugin.install needs plugin.adminTokenSecret.name: a Secret of its own/,
    ],
    [
      "the admin token in the bot's own Secret",
      { ...values, plugin: { install: true, adminTokenSecret: { name: values.existingSecret } } },
      /plugin.adminTokenSecret.name must not be existingSecret/,
    ],
    [
      'a plugin token Secret that is no Secret name',
      { ...values, plugin: { install: true, adminTokenSecret: { name: 'Admin Token' } } },
      /plugin\/adminTokenSecret\/name/,
    ],
  ])('refuses %s at template time, naming the value', async (_what, bad, message) => {
    expect(await failure(helm(['template', release, chart], bad))).toMatch(message);
  });

  it('carries the rules of the plain manifests, deploy/*.yaml, rule for rule', async () => {
    const { stdout } = await helm(['template', release, chart, '-n', ns.release], {
      ...values,
      impersonation: { enabled: true, users: ['alice', 'bob'], groups: ['matterops-chat-users'] },
    });
    const rendered = loadAllYaml(stdout) as V1Role[];
    const plain = ['rbac.yaml', 'backup-runner-rbac.yaml', 'impersonation.yaml'].flatMap(
      (f) => loadAllYaml(readFileSync(join(deployDir, f), 'utf8')) as V1Role[],
    );
    const rulesOf = (roles: V1Role[], kind: string, name: string) => roles.find((r) => r.kind === kind && r.metadata?.name === name)?.rules;
    for (const [kind, plainName, chartName] of [
      ['ClusterRole', 'matterops', release],
      ['ClusterRole', 'matterops-run-backups', `${release}-run-backups`],
      ['ClusterRole', 'matterops-secret-keys', `${release}-secret-keys`],
      ['ClusterRole', 'matterops-impersonator', `${release}-impersonator`],
      ['Role', 'matterops-state', `${release}-state`],
      ['Role', 'matterops-runner', 'matterops-runner'],
    ] as const) {
      expect(rulesOf(plain, kind, plainName), `${kind} ${plainName} in deploy/`).toBeDefined();
      expect(rulesOf(rendered, kind, chartName), `${kind} ${chartName} of the chart`).toEqual(rulesOf(plain, kind, plainName));
    }
  });

  it('renders the optional Ingress (webhooks only) and ServiceMonitor when asked', async () => {
    const { stdout } = await helm(['template', release, chart], {
      ...values,
      ingress: { enabled: true, host: 'matterops.example.com' },
      serviceMonitor: { enabled: true },
    });
    expect(stdout).toMatch(/kind: Ingress[\s\S]*path: \/hooks/);
    expect(stdout).toMatch(/kind: ServiceMonitor[\s\S]*path: \/metrics/);
  });

  it('scrapes /metrics on the webhook port by default, and on a port of its own with http.metricsPort', async () => {
    const objectsOf = async (given: unknown) => loadAllYaml((await helm(['template', release, chart, '-n', ns.release], given)).stdout) as Rendered[];
    const beside = await objectsOf({ ...values, serviceMonitor: { enabled: true } });
    expect(kindOf(beside, 'ServiceMonitor').spec?.endpoints).toEqual([{ port: 'http', path: '/metrics', interval: '30s' }]);
    expect(containerOf(beside).env?.some((e) => e.name === 'MATTEROPS_METRICS_LISTEN')).toBe(false);
    expect(kindOf(beside, 'Service').spec?.ports?.map((p) => p.name)).toEqual(['http']);

    const own = await objectsOf({ ...values, http: { port: 8080, metricsPort: 9090 }, serviceMonitor: { enabled: true, interval: '15s' } });
    expect(kindOf(own, 'ServiceMonitor').spec?.endpoints).toEqual([{ port: 'metrics', path: '/metrics', interval: '15s' }]);
    expect(containerOf(own).env).toContainEqual({ name: 'MATTEROPS_METRICS_LISTEN', value: '0.0.0.0:9090' });
    expect(containerOf(own).ports).toContainEqual({ name: 'metrics', containerPort: 9090, protocol: 'TCP' });
    expect(kindOf(own, 'Service').spec?.ports).toContainEqual({ name: 'metrics', port: 9090, targetPort: 'metrics', protocol: 'TCP' });
    // No ServiceMonitor unless asked.
    expect((await objectsOf(values)).some((o) => o.kind === 'ServiceMonitor')).toBe(false);
  });

  it('runs plugin install as a post-install/post-upgrade hook Job only with plugin.install, its admin token by secretKeyRef', async () => {
    const jobsOf = async (given: unknown) =>
      (loadAllYaml((await helm(['template', release, chart, '-n', ns.release], given)).stdout) as Rendered[]).filter((o) => o.kind === 'Job') as V1Job[];
    expect(await jobsOf(values)).toEqual([]);
    const withPlugin = { ...values, plugin: { install: true, adminTokenSecret: { name: 'mattermost-admin' } } };
    await helm(['lint', chart, '--strict'], withPlugin);

    const [job, ...more] = await jobsOf(withPlugin);
    expect(more).toEqual([]);
    expect(job?.metadata?.annotations).toMatchObject({
      'helm.sh/hook': 'post-install,post-upgrade',
      'helm.sh/hook-delete-policy': 'before-hook-creation,hook-succeeded',
    });
    const pod = job!.spec!.template.spec!;
    const container = pod.containers[0]!;
    expect(container.image).toBe(containerOf(loadAllYaml((await helm(['template', release, chart, '-n', ns.release])).stdout) as Rendered[]).image);
    expect([container.command, container.args]).toEqual([undefined, ['plugin', 'install']]);
    expect(container.env).toEqual([
      { name: 'MM_URL', value: values.mattermost.url },
      { name: 'MM_ADMIN_TOKEN', valueFrom: { secretKeyRef: { name: 'mattermost-admin', key: 'MM_ADMIN_TOKEN' } } },
    ]);
    expect(pod.automountServiceAccountToken).toBe(false);
    expect(container.securityContext).toMatchObject({ allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: ['ALL'] } });
    // Its pod is not one of the Deployment's: the Service and the PodDisruptionBudget do not count it.
    const selector = { 'app.kubernetes.io/name': 'matterops', 'app.kubernetes.io/instance': release };
    const podLabels = job!.spec!.template.metadata!.labels!;
    expect(Object.entries(selector).every(([k, v]) => podLabels[k] === v)).toBe(false);

    const [own] = await jobsOf({ ...values, plugin: { install: true, adminTokenSecret: { name: 'mattermost-admin', key: 'token' } } });
    expect(own!.spec!.template.spec!.containers[0]!.env).toContainEqual({
      name: 'MM_ADMIN_TOKEN',
      valueFrom: { secretKeyRef: { name: 'mattermost-admin', key: 'token' } },
    });
  });

  it('takes the Alertmanager token from the Secret by secretKeyRef, and serves no /hooks/alertmanager without its key', async () => {
    const withToken = containerOf(loadAllYaml((await helm(['template', release, chart, '-n', ns.release])).stdout) as Rendered[]);
    expect(withToken.env?.find((e) => e.name === 'MATTEROPS_ALERTMANAGER_TOKEN')).toEqual({
      name: 'MATTEROPS_ALERTMANAGER_TOKEN',
      valueFrom: { secretKeyRef: { name: values.existingSecret, key: 'MATTEROPS_ALERTMANAGER_TOKEN' } },
    });
    const without = containerOf(loadAllYaml((await helm(['template', release, chart, '-n', ns.release], { ...values, secretKeys: {} })).stdout) as Rendered[]);
    expect(without.env?.some((e) => e.name === 'MATTEROPS_ALERTMANAGER_TOKEN')).toBe(false);
  });
});

describe('the chart in the sandbox apiserver', () => {
  it('installs with --wait, the Deployment ready with 2 replicas, hardened and probed, credentials from the Secret only', async () => {
    await helm(['install', release, chart, '-n', ns.release, '--wait', '--timeout', '90s']);
    const deployment = await admin.makeApiClient(AppsV1Api).readNamespacedDeployment({ name: release, namespace: ns.release });
    expect(deployment.status?.readyReplicas).toBe(2);
    const pod = deployment.spec!.template.spec!;
    const container = pod.containers[0]!;
    expect(pod.securityContext).toMatchObject({ runAsNonRoot: true, runAsUser: 10001 });
    expect(container.securityContext).toMatchObject({ allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: ['ALL'] } });
    expect([container.livenessProbe?.httpGet?.path, container.readinessProbe?.httpGet?.path]).toEqual(['/healthz', '/readyz']);
    const secretVars = (container.env ?? []).filter((e) => e.valueFrom?.secretKeyRef).map((e) => [e.name, e.valueFrom!.secretKeyRef!.name]);
    expect(secretVars).toEqual([
      ['MM_BOT_TOKEN', values.existingSecret],
      ['MM_SLASH_TOKEN', values.existingSecret],
      ['MATTEROPS_SIGNING_KEY', values.existingSecret],
      ['MATTEROPS_ALERTMANAGER_TOKEN', values.existingSecret],
    ]);
    expect((container.env ?? []).filter((e) => e.value !== undefined && /TOKEN|KEY|SECRET/.test(e.name))).toEqual([]);
    const pdb = await admin.makeApiClient(PolicyV1Api).readNamespacedPodDisruptionBudget({ name: release, namespace: ns.release });
    expect(pdb.spec?.minAvailable).toBe(1);
  });

  it('gives the ServiceAccount everything the bot does', async () => {
    expect(await rightsOf(bot, needed, true)).toEqual([]);
  });

  it('and nothing more: no state outside its namespace, no Event edits, Jobs and Secrets only where asked, no impersonation', async () => {
    expect(await rightsOf(bot, refused, false)).toEqual([]);
  });

  it("gives the backup runner's ServiceAccount its namespace's Secrets and nothing else", async () => {
    const runnerNeeds: [string, V1ResourceAttributes][] = ['get', 'create', 'update', 'patch'].map((v) => [`${v} secrets`, can(v, 'secrets', ns.backups)]);
    const runnerRefused: [string, V1ResourceAttributes][] = [
      ['list secrets', can('list', 'secrets', ns.backups)],
      ['delete secrets', can('delete', 'secrets', ns.backups)],
      ['get secrets elsewhere', can('get', 'secrets', 'chat')],
      ['create jobs', can('create', 'jobs', ns.backups, 'batch')],
      ['patch mattermosts', can('patch', 'mattermosts', ns.backups, mm)],
    ];
    expect(await rightsOf(runner, runnerNeeds, true)).toEqual([]);
    expect(await rightsOf(runner, runnerRefused, false)).toEqual([]);
  });

  it('upgrades with changed values: 3 replicas, a new policy, impersonation of exactly the users named, a ServiceMonitor on a metrics port', async () => {
    const changed = {
      ...values,
      replicaCount: 3,
      policy: { roles: { reader: { allow: ['list'] } }, bindings: [] },
      impersonation: { enabled: true, users: ['alice'] },
      http: { port: 8080, metricsPort: 9090 },
      serviceMonitor: { enabled: true, labels: { release: 'prometheus' } },
    };
    await helm(['upgrade', release, chart, '-n', ns.release, '--wait', '--timeout', '90s'], changed);
    const deployment = await admin.makeApiClient(AppsV1Api).readNamespacedDeployment({ name: release, namespace: ns.release });
    expect([deployment.spec?.replicas, deployment.status?.readyReplicas]).toEqual([3, 3]);
    const policy = await admin.makeApiClient(CoreV1Api).readNamespacedConfigMap({ name: `${release}-policy`, namespace: ns.release });
    expect(policy.data?.['policy.yaml']).toMatch(/allow:\n\s+- list\n/);
    expect(policy.data?.['policy.yaml']).not.toContain('status');
    expect(await allowed(bot, can('impersonate', 'users', undefined, '', 'alice'))).toBe(true);
    expect(await allowed(bot, can('impersonate', 'users', undefined, '', 'bob'))).toBe(false);
    expect(await rightsOf(bot, needed, true)).toEqual([]);
    // The ServiceMonitor the apiserver keeps: the Service's metrics port, the Service's own selector.
    const monitor = (await admin
      .makeApiClient(CustomObjectsApi)
      .getNamespacedCustomObject({ ...serviceMonitors, namespace: ns.release, name: release })) as ServiceMonitorObject;
    expect(monitor.metadata?.labels).toMatchObject({ release: 'prometheus', 'app.kubernetes.io/instance': release });
    expect(monitor.spec?.endpoints).toEqual([{ port: 'metrics', path: '/metrics', interval: '30s' }]);
    const service = await admin.makeApiClient(CoreV1Api).readNamespacedService({ name: release, namespace: ns.release });
    expect(monitor.spec?.selector?.matchLabels).toEqual({ 'app.kubernetes.io/name': 'matterops', 'app.kubernetes.io/instance': release });
    expect(service.metadata?.labels).toMatchObject(monitor.spec!.selector!.matchLabels!);
    expect(service.spec?.ports?.find((p) => p.name === 'metrics')).toMatchObject({ port: 9090, targetPort: 'metrics' });
    const container = deployment.spec!.template.spec!.containers[0]!;
    expect(container.ports).toContainEqual({ name: 'metrics', containerPort: 9090, protocol: 'TCP' });
    expect(container.env).toContainEqual({ name: 'MATTEROPS_METRICS_LISTEN', value: '0.0.0.0:9090' });
  });

  it('uninstalls leaving nothing of the release behind, in any namespace or cluster-wide', async () => {
    await helm(['uninstall', release, '-n', ns.release, '--wait', '--timeout', '60s'], null);
    const selector = `app.kubernetes.io/instance=${release}`;
    const rbac = admin.makeApiClient(RbacAuthorizationV1Api);
    const core = admin.makeApiClient(CoreV1Api);
    const left = [
      ...(await rbac.listClusterRole({ labelSelector: selector })).items,
      ...(await rbac.listClusterRoleBinding({ labelSelector: selector })).items,
      ...(await rbac.listRoleForAllNamespaces({ labelSelector: selector })).items,
      ...(await rbac.listRoleBindingForAllNamespaces({ labelSelector: selector })).items,
      ...(await core.listServiceAccountForAllNamespaces({ labelSelector: selector })).items,
      ...(await core.listConfigMapForAllNamespaces({ labelSelector: selector })).items,
      ...(await core.listServiceForAllNamespaces({ labelSelector: selector })).items,
      ...(await admin.makeApiClient(AppsV1Api).listDeploymentForAllNamespaces({ labelSelector: selector })).items,
      ...(await admin.makeApiClient(PolicyV1Api).listPodDisruptionBudgetForAllNamespaces({ labelSelector: selector })).items,
    ].map((o) => `${o.kind ?? ''} ${o.metadata?.namespace ?? ''}/${o.metadata?.name ?? ''}`);
    const monitors = (await admin.makeApiClient(CustomObjectsApi).listClusterCustomObject({ ...serviceMonitors, labelSelector: selector })) as {
      items: ServiceMonitorObject[];
    };
    left.push(...monitors.items.map((o) => `ServiceMonitor ${o.metadata?.name ?? ''}`));
    expect(left).toEqual([]);
    expect(await allowed(bot, can('list', 'mattermosts', undefined, mm))).toBe(false);
    // What the chart documents as kept: the Secret the team created (and what serve wrote in the state namespace).
    const objects = KubernetesObjectApi.makeApiClient(admin);
    expect((await objects.read({ apiVersion: 'v1', kind: 'Secret', metadata: { name: values.existingSecret, namespace: ns.release } })).metadata?.name).toBe(
      values.existingSecret,
    );
  });
});
