/**
 * The chart's plugin.install (issue 15) for real: `helm install` with the real helm against the
 * sandbox apiserver runs the post-install hook Job, whose pod the sandbox's runner harness runs as
 * the image would (`matterops plugin install`, the admin token from the release's Secret, the
 * tarball of this version), and the sandbox Mattermost then runs the companion plugin; disabled on
 * the server, a `helm upgrade` (its post-upgrade hook) enables it again. The token is in a Secret
 * only: the release's manifest and values never hold it. End-to-end tier: it changes the shared
 * Mattermost's plugins, which the chat tier's companion-plugin test also does, so it never runs
 * beside it; it leaves the plugin installed and disabled, as that test does.
 */
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { BatchV1Api, CoreV1Api } from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { MattermostApi } from '../../src/adapters/mattermost/mattermost-api.ts';
import { pluginStatus } from '../../src/adapters/mattermost/plugin-install.ts';
import { companionPluginId } from '../../src/adapters/mattermost/plugin-presence.ts';
import { bin, repoRoot, sandboxDir } from '../sandbox/paths.ts';
import { runnerLogName } from '../sandbox/runner-pods.ts';
import { env, kubeConfig } from '../support/sandbox.ts';

const chart = join(repoRoot, 'deploy', 'helm', 'matterops');
const admin = kubeConfig();
const suffix = randomBytes(3).toString('hex');
const release = `matterops-${suffix}`;
const namespace = `helm-plugin-${suffix}`;
const job = `${release}-plugin-install`;
const dir = mkdtempSync(join(tmpdir(), 'helm-plugin-'));
const helmEnv = { ...process.env, HELM_CACHE_HOME: join(dir, 'cache'), HELM_CONFIG_HOME: join(dir, 'config'), HELM_DATA_HOME: join(dir, 'data') };
const { version } = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')) as { version: string };
const mattermost = (): MattermostApi => new MattermostApi(env('MM_URL'), env('MM_ADMIN_TOKEN'));

const values = {
  mattermost: { url: env('MM_URL'), publicUrl: `http://${release}.${namespace}.svc` },
  existingSecret: 'matterops-credentials',
  image: { repository: 'matterops', tag: 'test' },
  replicaCount: 1,
  plugin: { install: true, adminTokenSecret: { name: 'mattermost-admin', key: 'token' } },
};

/** The real helm on the sandbox's admin context (install and upgrade with the values above); a failure says what the hook's pods printed. */
async function helm(args: string[]): Promise<string> {
  const file = join(dir, 'values.yaml');
  writeFileSync(file, stringify(values));
  const valueArgs = args[0] === 'install' || args[0] === 'upgrade' ? ['-f', file] : [];
  try {
    const { stdout } = await promisify(execFile)(bin('helm'), [...args, ...valueArgs, '--kubeconfig', env('KUBECONFIG'), '--kube-context', 'sandbox'], {
      env: helmEnv,
      cwd: repoRoot,
    });
    return stdout;
  } catch (error) {
    throw new Error(`helm ${args[0] ?? ''} failed: ${String((error as { stderr?: string }).stderr ?? error)}\nthe hook's pods:\n${hookLogs()}`);
  }
}

/** What the runner harness logged of the hook's pods, oldest first (the sandbox's logs/runner-<namespace>-<pod>.log; helm deletes a Job that succeeded, and its pods, but not these). */
function hookOutputs(): string[] {
  const logs = join(sandboxDir, 'logs');
  return readdirSync(logs)
    .filter((f) => f.startsWith(runnerLogName(namespace, `${job}-`).replace(/\.log$/, '')))
    .map((f) => join(logs, f))
    .sort((a, b) => statSync(a).mtimeMs - statSync(b).mtimeMs)
    .map((f) => readFileSync(f, 'utf8').trim());
}
const hookLogs = (): string => hookOutputs().join('\n---\n') || '(none ran)';

const hookJobs = async (): Promise<string[]> =>
  (await admin.makeApiClient(BatchV1Api).listNamespacedJob({ namespace })).items.map((j) => j.metadata?.name ?? '');

beforeAll(async () => {
  const core = admin.makeApiClient(CoreV1Api);
  await core.createNamespace({ body: { metadata: { name: namespace, labels: { 'matterops.io/test': 'true' } } } });
  await core.createNamespacedSecret({
    namespace,
    body: { metadata: { name: values.existingSecret }, stringData: { MM_BOT_TOKEN: 'bot', MM_SLASH_TOKEN: 'slash', MATTEROPS_SIGNING_KEY: 'key' } },
  });
  // The admin token in a Secret of its own, as docs/install.md suggests: the bot's pods never see it.
  await core.createNamespacedSecret({ namespace, body: { metadata: { name: 'mattermost-admin' }, stringData: { token: env('MM_ADMIN_TOKEN') } } });
  // From nothing, so the hook has to upload it (a run before this one may have left it installed).
  await mattermost()
    .call('DELETE', `/plugins/${companionPluginId}`)
    .catch(() => undefined);
});
afterAll(async () => {
  // Installed and disabled, as test/chat/companion-plugin.test.ts leaves it: other tests' bots post plain posts.
  await mattermost()
    .call('POST', `/plugins/${companionPluginId}/disable`)
    .catch(() => undefined);
  await promisify(execFile)(bin('helm'), ['uninstall', release, '-n', namespace, '--kubeconfig', env('KUBECONFIG'), '--kube-context', 'sandbox'], {
    env: helmEnv,
  }).catch(() => undefined);
  await admin
    .makeApiClient(CoreV1Api)
    .deleteNamespace({ name: namespace })
    .catch(() => undefined);
});

describe('the chart with plugin.install', () => {
  it('installs and enables the companion plugin on the Mattermost server from its post-install hook', async () => {
    expect((await pluginStatus(mattermost(), companionPluginId)).state).toBe('not installed');
    await helm(['install', release, chart, '-n', namespace, '--wait', '--timeout', '120s']);
    expect(await pluginStatus(mattermost(), companionPluginId)).toEqual({ id: companionPluginId, version, enabled: true, state: 'running' });
    // The hook's pod did it, and succeeded, so helm removed its Job (hook-delete-policy hook-succeeded).
    expect(hookOutputs()).toEqual([`uploaded version ${version}, enabled it; running (version ${version})`]);
    expect(await hookJobs()).not.toContain(job);
  });

  it('enables it again from its post-upgrade hook after it was disabled on the server', async () => {
    await mattermost().call('POST', `/plugins/${companionPluginId}/disable`);
    expect((await pluginStatus(mattermost(), companionPluginId)).enabled).toBe(false);
    await helm(['upgrade', release, chart, '-n', namespace, '--wait', '--timeout', '120s']);
    expect(await pluginStatus(mattermost(), companionPluginId)).toEqual({ id: companionPluginId, version, enabled: true, state: 'running' });
    expect(hookOutputs().at(-1)).toBe(`enabled it; running (version ${version})`);
  });

  it('keeps the admin token out of the release: neither its manifest nor its values hold it', async () => {
    const token = env('MM_ADMIN_TOKEN');
    const manifest = await helm(['get', 'manifest', release, '-n', namespace]);
    const hooks = await helm(['get', 'hooks', release, '-n', namespace]);
    expect(hooks).toContain('secretKeyRef: { name: mattermost-admin, key: token }');
    for (const text of [manifest, hooks, await helm(['get', 'values', release, '-n', namespace, '--all'])]) expect(text).not.toContain(token);
  });
});
