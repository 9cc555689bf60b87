/**
 * Every read verb through the real pipeline and the client-node gateway, against the real operator,
 * with installations held in each state: stable, error, reconciling with the update job running,
 * and ready mid-rollout.
 */
import { execFile } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { promisify } from 'node:util';
import { beforeAll, describe, expect, it } from 'vitest';
import { renderTerminal } from '../../src/adapters/terminal/render-terminal.ts';
import { loadConfig } from '../../src/config/load-config.ts';
import { silentLogger } from '../../src/core/ports/logger.ts';
import type { App } from '../../src/app.ts';
import { createApp } from '../../src/main.ts';
import { createInstallation, installationBody, mattermostCrd, readInstallation, waitStable } from '../sandbox/installations.ts';
import { repoRoot } from '../sandbox/paths.ts';
import { waitFor } from '../sandbox/wait.ts';
import { waitForReadyPods } from '../support/pods.ts';
import { env, kubeConfig, testNamespace } from '../support/sandbox.ts';
import { markPodReady, patchInstallation, runnerLabel, waitForBoundPod } from '../support/steer.ts';
import { CustomObjectsApi } from '@kubernetes/client-node';

const admin = kubeConfig();
const caller = { id: 'terminal:test', name: 'test', via: 'terminal' as const };
let namespace = '';
let app: App;

function appFor(context: string): App {
  return createApp(loadConfig({ MATTEROPS_KUBECONFIG: env('KUBECONFIG'), MATTEROPS_KUBE_CONTEXT: context, MATTEROPS_NAMESPACE: namespace }), {
    logger: silentLogger,
  });
}

async function run(input: string, on: App = app): Promise<{ text: string; error: string | undefined; tone: string }> {
  const { reply } = await on.pipeline.run(input, caller);
  return { text: renderTerminal(reply, { color: false }), error: reply.error, tone: reply.tone };
}

const firstLine = (text: string): string => text.split('\n')[0] ?? '';

beforeAll(async () => {
  namespace = await testNamespace('verbs');
  app = appFor('sandbox-bot');
  const db = env('PGURL');
  // `rolling` has no ingress: mid-rollout, the operator (v1.24.0-rc.1) wants an ingress load balancer
  // status, which nothing fills in a kwok cluster, and would stay `reconciling` instead of `ready`.
  await Promise.all(
    ['steady', 'upgrading', 'rolling'].map((name) =>
      createInstallation(admin, { namespace, name, version: '9.9.0', replicas: 2, databaseUrl: db, ingress: name !== 'rolling' }),
    ),
  );
  await Promise.all(['steady', 'upgrading', 'rolling'].map((name) => waitStable(admin, namespace, name)));
  // error: the database secret does not exist
  await admin.makeApiClient(CustomObjectsApi).createNamespacedCustomObject({
    ...mattermostCrd,
    namespace,
    body: {
      ...installationBody({ namespace, name: 'broken', version: '9.9.0', replicas: 1, databaseUrl: db }),
      spec: {
        ...(installationBody({ namespace, name: 'broken', version: '9.9.0', replicas: 1, databaseUrl: db }) as { spec: object }).spec,
        database: { external: { secret: 'no-such-secret' } },
      },
    },
  });
  // reconciling with the update job held running: its pod carries the runner label kwok skips
  await patchInstallation(admin, namespace, 'upgrading', { version: '9.10.0', updateJob: { extraLabels: { [runnerLabel]: 'held' } } });
  await waitForBoundPod(admin, namespace, 'job-name=mattermost-update-check');
  // ready mid-rollout: new pods are held, the test makes exactly one of them Ready
  await patchInstallation(admin, namespace, 'rolling', { podTemplate: { extraLabels: { [runnerLabel]: 'held' } } });
  const held = await waitForBoundPod(admin, namespace, `installation.mattermost.com/installation=rolling,${runnerLabel}=held`);
  await markPodReady(admin, namespace, held);
  await waitFor(async () => (await readInstallation(admin, namespace, 'rolling')).status?.state === 'ready', {
    what: 'rolling to be ready',
    timeoutMs: 30_000,
  });
  await waitFor(async () => (await readInstallation(admin, namespace, 'broken')).status?.error, { what: 'broken to report an error', timeoutMs: 30_000 });
}, 120_000);

describe('read verbs against the real operator', () => {
  it('list shows each installation with its state', async () => {
    const { text, tone } = await run(`list -n ${namespace}`);
    expect(tone).toBe('warning');
    const rows = Object.fromEntries(
      text
        .split('\n')
        .slice(1)
        .map((line) => {
          const cells = line.split(/\s{2,}/);
          return [cells[1], cells];
        }),
    );
    expect(rows.steady?.[2]).toBe('stable');
    expect(rows.rolling?.[2]).toBe('ready');
    expect(rows.upgrading?.[2]).toBe('reconciling');
    expect(rows.broken?.[2]).toBe('reconciling');
    expect(rows.steady?.[4]).toBe('2/2');
  });

  it('status: stable', async () => {
    const { text, tone } = await run('status steady');
    expect(tone).toBe('good');
    expect(firstLine(text)).toBe(`${namespace}/steady: stable`);
    expect(text).toContain('replicas:    2 desired, 2 ready, 2 updated');
    expect(text).toMatch(/steady-\S+\s+Running\s+yes\s+0/);
  });

  it('status: reconciling with the update job running, version wanted vs running', async () => {
    const { text } = await run('status upgrading');
    expect(firstLine(text)).toBe(`${namespace}/upgrading: reconciling: update job running (db migrate)`);
    expect(text).toContain('version:     9.9.0 -> 9.10.0 (wanted)');
  });

  it('status: ready mid-rollout', async () => {
    const { text } = await run('status rolling');
    expect(firstLine(text)).toBe(`${namespace}/rolling: rolling out: 1/2 updated`);
  });

  it('status: the operator error', async () => {
    const { text, tone } = await run('status broken');
    expect(tone).toBe('danger');
    expect(firstLine(text)).toMatch(new RegExp(`^${namespace}/broken: error: .*no-such-secret`));
  });

  it('events shows what the controllers did to the installation', async () => {
    const { text } = await run('events steady --all --since 1h');
    expect(text).toMatch(/Deployment\/steady\s+ScalingReplicaSet/);
    expect((await run('events steady')).text).toBe(`No warning events for ${namespace}/steady in the last 1h.`);
  });

  it('logs reads the pod log through the apiserver from the node (kwok), cut to --tail and redacted', async () => {
    const pods = await waitForReadyPods(admin, namespace, 'steady', 2);
    const pod = pods[0]?.metadata?.name ?? '';
    // kwok serves every pod the sandbox's one current log file (CRI format); a secret in its last lines.
    const lines = ['first line', 'second line', `connecting to postgres://mmuser:hunter2@db:5432/${namespace}`, `ready ${namespace}`];
    writeFileSync(env('KWOK_CURRENT_LOG'), lines.map((line) => `${new Date().toISOString()} stdout F ${line}\n`).join(''));
    const { text, error } = await run(`logs steady --pod ${pod} --tail 2`);
    expect(error).toBeUndefined();
    expect(text).toContain(`Logs of ${pod}:`);
    expect(text).toContain(`postgres://mmuser:***@db:5432/${namespace}\nready ${namespace}`);
    expect(text).not.toContain('hunter2');
    expect(text).not.toContain('second line');
    expect((await run('logs steady --pod nope')).text).toContain('no pod "nope"');
  });

  it('unknown names get the names that exist', async () => {
    const { text, error } = await run(`status stedy -n ${namespace}`);
    expect(error).toBe('not_found');
    expect(text).toContain('did you mean steady?');
  });

  it('whoami shows the bot identity the cluster sees; version the apiserver', async () => {
    expect((await run('whoami')).text).toMatch(/acting as:\s+matterops \(groups matterops, system:authenticated\)/);
    expect((await run('version')).text).toMatch(/kubernetes \(sandbox-bot\):\s+v1\.36\.3/);
  });

  it('a 403 names the verb and resource the identity lacks', async () => {
    const { text, error } = await run('list -A', appFor('sandbox-mallory'));
    expect(error).toBe('forbidden');
    expect(text).toContain('User "mallory" cannot list resource "mattermosts" in API group "installation.mattermost.com" at the cluster scope');
  });

  it('matterops run works as a process: exit 0 with the reply, 1 with the error on stderr, JSON on request', async () => {
    const exec = promisify(execFile);
    const processEnv = { ...process.env, KUBECONFIG: env('KUBECONFIG'), MATTEROPS_KUBE_CONTEXT: 'sandbox-bot', MATTEROPS_NAMESPACE: namespace };
    const ok = await exec(process.execPath, ['src/cli.ts', 'run', 'status steady', '--output', 'json'], { cwd: repoRoot, env: processEnv });
    const json = JSON.parse(ok.stdout) as { ok: boolean; operation: unknown; tone: string };
    expect(json).toMatchObject({ ok: true, operation: { verb: 'status', name: 'steady' }, tone: 'good' });
    const failed = await exec(process.execPath, ['src/cli.ts', 'run', 'status nothing-here'], { cwd: repoRoot, env: processEnv }).catch(
      (e: unknown) => e as { code: number; stderr: string; stdout: string },
    );
    expect(failed).toMatchObject({ code: 1, stdout: '' });
    expect((failed as { stderr: string }).stderr).toContain('no installation "nothing-here"');
  });
});
