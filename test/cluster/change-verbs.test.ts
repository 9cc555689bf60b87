/**
 * Every change verb through the real pipeline against the real apiserver and operator, as the
 * sandbox's terminal user (policy test/sandbox/policy.yaml), acting as the bot's own identity.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AppsV1Api, CoreV1Api, CustomObjectsApi } from '@kubernetes/client-node';
import { beforeAll, describe, expect, it } from 'vitest';
import { renderTerminal } from '../../src/adapters/terminal/render-terminal.ts';
import { loadConfig } from '../../src/config/load-config.ts';
import { silentLogger } from '../../src/core/ports/logger.ts';
import type { App } from '../../src/app.ts';
import { createApp } from '../../src/main.ts';
import { createInstallation, createSecrets, mattermostCrd, readInstallation, waitStable } from '../sandbox/installations.ts';
import { repoRoot } from '../sandbox/paths.ts';
import { waitFor } from '../sandbox/wait.ts';
import { installationPods, waitForReadyPods } from '../support/pods.ts';
import { env, kubeConfig, testNamespace } from '../support/sandbox.ts';
import { markPodFailed, patchInstallation, readyHeldPods, runnerLabel, waitForBoundPod } from '../support/steer.ts';
import { lockLeaseName } from '../../src/adapters/kubernetes/lock-lease.ts';

const admin = kubeConfig();
const caller = { id: 'terminal:tester', name: 'tester', via: 'terminal' as const };
let namespace = '';

function configFor(extra: Record<string, string> = {}): Record<string, string> {
  return {
    MATTEROPS_KUBECONFIG: env('KUBECONFIG'),
    MATTEROPS_KUBE_CONTEXT: 'sandbox-bot',
    MATTEROPS_NAMESPACE: namespace,
    MATTEROPS_POLICY: env('MATTEROPS_POLICY'),
    MATTEROPS_FOLLOW_TIMEOUT: '90s',
    MATTEROPS_LOCK_SECONDS: '3',
    // The key in-flight records are signed with: a resumer trusts only those it can verify.
    MATTEROPS_SIGNING_KEY: env('MATTEROPS_SIGNING_KEY'),
    ...extra,
  };
}
const newApp = (): App => createApp(loadConfig(configFor()), { logger: silentLogger });
let app: App;

async function run(input: string, on: App = app): Promise<{ text: string; error: string | undefined; progress: string[] }> {
  const progress: string[] = [];
  const { reply } = await on.pipeline.run(input, caller, { progress: (p) => progress.push(p) });
  return { text: renderTerminal(reply, { color: false }), error: reply.error, progress };
}
const create = (name: string, replicas = 2, extra: object = {}): Promise<void> =>
  createInstallation(admin, { namespace, name, version: '9.9.0', replicas, databaseUrl: env('PGURL'), ingress: false }).then(() =>
    Object.keys(extra).length ? patchInstallation(admin, namespace, name, extra) : undefined,
  );

beforeAll(async () => {
  namespace = await testNamespace('changes');
  app = newApp();
  await Promise.all(['scaled', 'upgraded', 'restarted', 'envd', 'raced'].map((n) => create(n)));
  await Promise.all(['scaled', 'upgraded', 'restarted', 'envd', 'raced'].map((n) => waitStable(admin, namespace, n)));
}, 120_000);

describe('change verbs against the real operator', () => {
  it('scale 2 -> 5 -> 2: change applies at once, the big step down needs --confirm, both end stable', async () => {
    const up = await run('scale scaled 5');
    expect(up.text.split('\n')[0]).toBe(`scale ${namespace}/scaled: done, stable 5/5`);
    expect(up.progress[0]).toBe('applied: replicas 2 -> 5');
    expect(await waitForReadyPods(admin, namespace, 'scaled', 5)).toHaveLength(5);
    const planned = await run('scale scaled 2');
    expect(planned.text).toContain(`scale ${namespace}/scaled (danger, cluster sandbox-bot)`);
    expect((await readInstallation(admin, namespace, 'scaled')).spec?.replicas).toBe(5);
    const down = await run('scale scaled 2 --confirm scaled');
    expect(down.text.split('\n')[0]).toBe(`scale ${namespace}/scaled: done, stable 2/2`);
    expect(await waitForReadyPods(admin, namespace, 'scaled', 2)).toHaveLength(2);
  });

  it('upgrade runs through the update-check Job and ends stable on the new image', async () => {
    const { text } = await run('upgrade upgraded 9.10.0 --confirm upgraded');
    expect(text.split('\n')[0]).toBe(`upgrade ${namespace}/upgraded: done, stable 2/2`);
    const pods = await waitForReadyPods(admin, namespace, 'upgraded', 2);
    expect(pods.map((p) => p.spec?.containers[0]?.image)).toEqual(Array(2).fill('mattermost/mattermost-enterprise-edition:9.10.0'));
  });

  it('restart replaces every pod', async () => {
    const before = (await installationPods(admin, namespace, 'restarted')).map((p) => p.metadata?.name);
    const { text } = await run('restart restarted');
    expect(text.split('\n')[0]).toBe(`restart ${namespace}/restarted: done, stable 2/2`);
    const after = await waitForReadyPods(admin, namespace, 'restarted', 2);
    expect(after.some((p) => before.includes(p.metadata?.name))).toBe(false);
    expect(after.every((p) => p.metadata?.annotations?.['matterops.io/restarted-at'])).toBe(true);
  });

  it('env set and unset show on the Deployment the operator owns', async () => {
    const deploymentEnv = async (): Promise<Record<string, string | undefined>> =>
      Object.fromEntries(
        ((await admin.makeApiClient(AppsV1Api).readNamespacedDeployment({ namespace, name: 'envd' })).spec?.template.spec?.containers[0]?.env ?? []).map(
          (e) => [e.name, e.value],
        ),
      );
    expect((await run('env envd set MM_LOGSETTINGS_CONSOLELEVEL=DEBUG MM_EXTRA_TOKEN=s3cret')).text).not.toContain('s3cret');
    await waitFor(async () => (await deploymentEnv()).MM_LOGSETTINGS_CONSOLELEVEL === 'DEBUG', { what: 'env on the Deployment' });
    const unset = await run('env envd unset MM_LOGSETTINGS_CONSOLELEVEL');
    expect(unset.error, unset.text).toBeUndefined();
    await waitFor(async () => !('MM_LOGSETTINGS_CONSOLELEVEL' in (await deploymentEnv())), { what: 'env gone from the Deployment' });
    expect((await deploymentEnv()).MM_EXTRA_TOKEN).toBe('s3cret');
    expect((await run('env envd list')).text).toMatch(/MM_EXTRA_TOKEN\s+\*\*\*/);
  });

  it('create -> stable -> delete', async () => {
    await createSecrets(admin, { namespace, name: 'fresh', version: '9.9.0', replicas: 1, databaseUrl: env('PGURL') });
    const created = await run(
      'create fresh --version 9.9.0 --replicas 1 --db-secret fresh-db --filestore-secret fresh-filestore --bucket fresh --s3-url s3.sandbox.test --yes',
    );
    expect(created.text.split('\n')[0]).toBe(`create ${namespace}/fresh: done, stable 1/1`);
    const wrongName = await run('delete fresh --confirm frsh');
    expect(wrongName.text).toContain('delete');
    expect(await readInstallation(admin, namespace, 'fresh')).toBeDefined();
    const deleted = await run('delete fresh --confirm fresh');
    expect(deleted.text.split('\n')[0]).toBe(`delete ${namespace}/fresh: done, deleted`);
    await expect(admin.makeApiClient(CustomObjectsApi).getNamespacedCustomObject({ ...mattermostCrd, namespace, name: 'fresh' })).rejects.toMatchObject({
      code: 404,
    });
  });

  it('two concurrent scales from two bot replicas: one wins, the other is told who holds the lock', async () => {
    const [a, b] = await Promise.all([run('scale raced 3', newApp()), run('scale raced 4', newApp())]);
    const [winner, loser] = a.error ? [b, a] : [a, b];
    expect(winner.text).toMatch(/done, stable [34]\/[34]/);
    expect(loser.error).toBe('conflict');
    expect(loser.text).toMatch(/scale in progress on raced by tester, started \d+s ago/);
  });

  it('a failed update job is reported with the reason its pod gave', async () => {
    await create('failing', 1, { updateJob: { extraLabels: { [runnerLabel]: 'held' } } });
    await waitStable(admin, namespace, 'failing');
    const upgrade = run('upgrade failing 9.10.0 --confirm failing');
    const pod = await waitForBoundPod(admin, namespace, 'job-name=mattermost-update-check');
    await markPodFailed(admin, namespace, pod, 'Error: failed to apply migration 000123: relation "posts" does not exist');
    const { text, error } = await upgrade;
    expect(error).toBe('unavailable');
    expect(text).toContain(`upgrade ${namespace}/failing: failed`);
    expect(text).toMatch(/update job failed: (Error \(exit 1\): Error: failed to apply migration 000123|BackoffLimitExceeded|no reason given)/);
  });

  it('a bot killed mid-rollout is resumed by the next one, which reports the outcome', async () => {
    // New pods of `held` stay Pending until the test marks them Ready, so the rollout waits.
    await create('held', 1, { podTemplate: { extraLabels: { [runnerLabel]: 'held' } } });
    await waitFor(async () => (await readyHeldPods(admin, namespace, 'held')) > 0 || undefined, { what: 'the held pod', timeoutMs: 30_000 });
    await waitStable(admin, namespace, 'held');
    const processEnv = { ...process.env, ...configFor(), KUBECONFIG: env('KUBECONFIG') };
    const first = spawn(process.execPath, ['src/cli.ts', 'run', 'scale held 2 --yes'], { cwd: repoRoot, env: processEnv, stdio: 'ignore' });
    await waitFor(async () => (await readInstallation(admin, namespace, 'held')).spec?.replicas === 2 || undefined, { what: 'the scale to be applied' });
    await waitFor(
      async () =>
        (await admin.makeApiClient(CoreV1Api).listNamespacedPod({ namespace, labelSelector: 'installation.mattermost.com/installation=held' })).items.length ===
          2 || undefined,
      { what: 'the new pod' },
    );
    first.kill('SIGKILL');
    const killedAt = Date.now();
    const resumed = spawn(process.execPath, ['src/cli.ts', 'resume'], { cwd: repoRoot, env: processEnv });
    let out = '';
    resumed.stdout.on('data', (d: Buffer) => (out += d.toString()));
    const exited = new Promise<number>((r) => resumed.on('exit', (c) => r(c ?? -1)));
    const renewedAt = async (): Promise<number> => {
      const lease = (await admin.makeApiClient(CustomObjectsApi).getNamespacedCustomObject({
        group: 'coordination.k8s.io',
        version: 'v1',
        plural: 'leases',
        namespace: 'matterops',
        name: lockLeaseName(namespace, 'held'),
      })) as { spec?: { renewTime?: string } };
      return new Date(lease.spec?.renewTime ?? 0).getTime();
    };
    // The dead holder's 3 s lease runs out and resume takes it over, however long the resumer
    // takes to start (seconds on a loaded machine): a renewal after the kill says it has.
    await waitFor(async () => (await renewedAt()) > killedAt || undefined, { what: 'resume taking the lock over', timeoutMs: 60_000 });
    // While it follows, the resumer renews the lock, so nobody else resumes the same change.
    await new Promise((r) => setTimeout(r, 4_000));
    expect(Date.now() - (await renewedAt())).toBeLessThan(3_000);
    await waitFor(async () => (await readyHeldPods(admin, namespace, 'held')) > 0 || undefined, { what: 'marking the new pod Ready', timeoutMs: 20_000 });
    const code = await exited;
    expect(out).toContain('done after a matterops restart');
    expect(code).toBe(0);
    expect(out).toContain(`scale ${namespace}/held`);
    expect(out).toContain('done after a matterops restart');
    // The killed process and the resumer both ran as this machine's terminal user.
    const { text } = await run('audit held --since 1h');
    expect(text).toMatch(/applied\s+\S+\s+terminal\s+\S+\/held\s+replicas 1 -> 2/);
    expect(text).toMatch(/succeeded\s+\S+\s+terminal\s+\S+\/held\s+scale \S+: replicas 1 -> 2: stable 2\/2/);
  }, 120_000);

  it('in impersonation mode the cluster RBAC has the last word: bob is allowed by the policy, refused by RBAC', async () => {
    const policyFile = join(mkdtempSync(join(tmpdir(), 'policy-')), 'policy.yaml');
    writeFileSync(
      policyFile,
      'roles: { op: { verbs: [scale, status] } }\nbindings: [{ role: op, subjects: [{ user: bob }] }]\nimpersonation: { enabled: true }\n',
    );
    const impersonating = createApp(loadConfig(configFor({ MATTEROPS_POLICY: policyFile })), { logger: silentLogger });
    const before = (await readInstallation(admin, namespace, 'raced')).metadata.resourceVersion;
    const { reply } = await impersonating.pipeline.run('scale raced 5', { id: 'mm-bob', name: '@bob', via: 'mattermost' });
    const text = renderTerminal(reply, { color: false });
    expect(reply.error).toBe('forbidden');
    expect(text).toContain(`User "bob" cannot patch resource "mattermosts" in API group "installation.mattermost.com" in the namespace "${namespace}"`);
    expect((await readInstallation(admin, namespace, 'raced')).metadata.resourceVersion).toBe(before);
  });

  it('audit reads every step back, and kubectl describe sees them as Events on the CR', async () => {
    const { text } = await run('audit scaled --since 1h');
    for (const phase of ['requested', 'applied', 'succeeded']) expect(text).toContain(phase);
    const events = await admin.makeApiClient(CoreV1Api).listNamespacedEvent({ namespace, fieldSelector: 'involvedObject.name=scaled,reason=MatteropsScale' });
    expect(events.items.length).toBeGreaterThanOrEqual(5);
    expect(events.items[0]?.involvedObject.kind).toBe('Mattermost');
  });
});
