/**
 * The sandbox's runner-pod harness (test/sandbox/runner-pods-main.ts) with the real Job controller:
 * a Job whose pod carries `matterops.io/runner=job` runs `matterops ...` as a local process with the
 * pod's environment and its service account's token, and the Job completes or fails from the
 * status the harness writes, as it would on a real node.
 */
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createServer, type Socket } from 'node:net';
import { join } from 'node:path';
import { BatchV1Api, CoreV1Api, type V1Container, type V1Job, type V1Pod } from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { prepareBackupNamespace, runnerServiceAccount, type BackupEnv } from '../sandbox/backup-namespace.ts';
import { sandboxDir } from '../sandbox/paths.ts';
import { isAlive } from '../sandbox/processes.ts';
import { runnerLogName } from '../sandbox/runner-pods.ts';
import { waitFor } from '../sandbox/wait.ts';
import { runnerJobBody } from '../support/runner-job.ts';
import { kubeConfig, sandboxEnv, testNamespace } from '../support/sandbox.ts';

const admin = kubeConfig();
const batch = admin.makeApiClient(BatchV1Api);
const core = admin.makeApiClient(CoreV1Api);
let namespace: string;

beforeAll(async () => {
  namespace = await testNamespace('runner-pods');
  await prepareBackupNamespace(admin, namespace, sandboxEnv() as BackupEnv);
});

async function createJob(name: string, container: Omit<V1Container, 'name' | 'image'>, image?: string): Promise<void> {
  await batch.createNamespacedJob({ namespace, body: runnerJobBody(name, container, { serviceAccount: runnerServiceAccount, ...(image ? { image } : {}) }) });
}

/** The Job once it has completed or failed. */
async function finished(name: string): Promise<V1Job> {
  return await waitFor(
    async () => {
      const current = await batch.readNamespacedJob({ name, namespace });
      return current.status?.conditions?.some((c) => (c.type === 'Complete' || c.type === 'Failed') && c.status === 'True') ? current : undefined;
    },
    { what: `Job ${namespace}/${name} to finish`, timeoutMs: 60_000, intervalMs: 250, log: join(sandboxDir, 'logs', 'runner-pods.log') },
  );
}

/** Why the Job's pod waits, once it does (with `reason`: once it waits for that reason). */
async function waitingPod(job: string, reason?: string): Promise<{ reason: string; message: string }> {
  const waitingOf = (pod: V1Pod | undefined): { reason: string; message: string } | undefined => {
    const waiting = pod?.status?.phase === 'Pending' ? pod.status.containerStatuses?.[0]?.state?.waiting : undefined;
    return waiting?.reason ? { reason: waiting.reason, message: waiting.message ?? '' } : undefined;
  };
  return await waitFor(
    async () => {
      const waiting = waitingOf((await core.listNamespacedPod({ namespace, labelSelector: `job-name=${job}` })).items[0]);
      return waiting && (!reason || waiting.reason === reason) ? waiting : undefined;
    },
    {
      what: `the pod of Job ${namespace}/${job} waiting${reason ? ` (${reason})` : ''}`,
      timeoutMs: 30_000,
      intervalMs: 250,
      log: join(sandboxDir, 'logs', 'runner-pods.log'),
    },
  );
}

async function runJob(name: string, container: Omit<V1Container, 'name' | 'image'>): Promise<{ job: V1Job; pod: V1Pod }> {
  await createJob(name, container);
  const job = await finished(name);
  const pods = await core.listNamespacedPod({ namespace, labelSelector: `job-name=${name}` });
  expect(pods.items).toHaveLength(1);
  return { job, pod: pods.items[0]! };
}

const condition = (job: V1Job): string | undefined =>
  job.status?.conditions?.find((c) => c.status === 'True' && (c.type === 'Complete' || c.type === 'Failed'))?.type;
const terminated = (pod: V1Pod) => pod.status?.containerStatuses?.[0]?.state?.terminated;
const harnessLog = (): string => readFileSync(join(sandboxDir, 'logs', 'runner-pods.log'), 'utf8');
const runnerLog = (pod: V1Pod): string => readFileSync(join(sandboxDir, 'logs', runnerLogName(namespace, pod.metadata?.name ?? '')), 'utf8');

describe('runner pods in the sandbox', () => {
  it('runs matterops --version: the Job completes', async () => {
    const { job, pod } = await runJob('version', { command: ['matterops', '--version'] });
    expect(condition(job)).toBe('Complete');
    expect(pod.status?.phase).toBe('Succeeded');
    expect(terminated(pod)).toMatchObject({ exitCode: 0, reason: 'Completed' });
    expect(runnerLog(pod)).toMatch(/^\d+\.\d+\.\d+/);
  });

  it('a failing command fails the Job after backoffLimit 0, with exit code and reason on the pod', async () => {
    const { job, pod } = await runJob('nonsense', { command: ['matterops', 'run', 'nonsense'], terminationMessagePolicy: 'FallbackToLogsOnError' });
    expect(condition(job)).toBe('Failed');
    expect(job.status?.failed).toBe(1);
    expect(pod.status?.phase).toBe('Failed');
    expect(terminated(pod)).toMatchObject({ exitCode: 1, reason: 'Error', message: expect.stringContaining('unknown command "nonsense"') });
  });

  it('gives the process the pod env from a Secret, a ConfigMap and fields, and nothing of its own', async () => {
    const secretValue = randomBytes(12).toString('hex');
    await core.createNamespacedSecret({
      namespace,
      body: { metadata: { name: 'runner-env' }, stringData: { token: secretValue, namespace: 'from-a-secret' } },
    });
    await core.createNamespacedConfigMap({ namespace, body: { metadata: { name: 'runner-settings' }, data: { url: 'http://from-a-configmap.test' } } });
    const { job, pod } = await runJob('env', {
      command: ['matterops', 'config', 'check'],
      env: [
        { name: 'MATTEROPS_NAMESPACE', valueFrom: { secretKeyRef: { name: 'runner-env', key: 'namespace' } } },
        { name: 'MM_BOT_TOKEN', valueFrom: { secretKeyRef: { name: 'runner-env', key: 'token' } } },
        { name: 'MM_URL', valueFrom: { configMapKeyRef: { name: 'runner-settings', key: 'url' } } },
        { name: 'MATTEROPS_STATE_NAMESPACE', valueFrom: { fieldRef: { fieldPath: 'metadata.namespace' } } },
      ],
    });
    expect(condition(job)).toBe('Complete');
    const printed = runnerLog(pod);
    expect(printed).toContain('namespace: from-a-secret');
    expect(printed).toContain('url: http://from-a-configmap.test');
    expect(printed).toContain(`stateNamespace: ${namespace}`);
    expect(printed).toMatch(/botToken: \S+/); // present, and masked by config check...
    expect(printed).not.toContain(secretValue); // ...so the value is nowhere in its output
    // The sandbox's own settings (MATTEROPS_POLICY, the signing key...) never reach a runner.
    expect(printed).toContain('policy: none');
    expect(printed).not.toContain('signingKey');
    expect(harnessLog()).not.toContain(secretValue);
  });

  it('talks to the API as the pod service account, with a token of its own', async () => {
    const { job, pod } = await runJob('as-runner', {
      command: ['matterops', 'run', `list -n ${namespace}`],
      terminationMessagePolicy: 'FallbackToLogsOnError',
    });
    // The runner's Role grants Secrets only: listing installations is refused, naming who asked.
    expect(condition(job)).toBe('Failed');
    expect(terminated(pod)?.message).toContain(`system:serviceaccount:${namespace}:${runnerServiceAccount}`);
  });

  it('keeps a pod whose Secret is missing Pending with CreateContainerConfigError, and starts it once the Secret exists, as kubelet does', async () => {
    const secret = `late-${randomBytes(3).toString('hex')}`;
    await createJob('no-secret', {
      command: ['matterops', '--version'],
      env: [{ name: 'DB_CONNECTION_STRING', valueFrom: { secretKeyRef: { name: secret, key: 'DB_CONNECTION_STRING' } } }],
    });
    const waiting = await waitingPod('no-secret');
    expect(waiting).toEqual({ reason: 'CreateContainerConfigError', message: `secret "${secret}" not found` });
    await core.createNamespacedSecret({ namespace, body: { metadata: { name: secret }, stringData: { DB_CONNECTION_STRING: 'postgres://x@127.0.0.1:1/db' } } });
    const job = await finished('no-secret');
    expect(condition(job)).toBe('Complete');
  });

  it('keeps a pod whose image cannot be pulled Pending: ErrImagePull, then ImagePullBackOff', async () => {
    await createJob('no-image', { command: ['matterops', '--version'] }, 'registry.invalid/matterops:nowhere');
    expect((await waitingPod('no-image')).reason).toMatch(/^(ErrImagePull|ImagePullBackOff)$/);
    const backOff = await waitingPod('no-image', 'ImagePullBackOff');
    expect(backOff.message).toBe('Back-off pulling image "registry.invalid/matterops:nowhere"');
    const job = await batch.readNamespacedJob({ name: 'no-image', namespace });
    expect(job.status?.active).toBe(1); // neither failed nor complete: only its deadline ends it
  });

  it('refuses a command that is not matterops', async () => {
    const { job, pod } = await runJob('not-matterops', { command: ['sh', '-c', 'echo hi'] });
    expect(condition(job)).toBe('Failed');
    expect(terminated(pod)).toMatchObject({ reason: 'StartError', message: expect.stringContaining('not a matterops runner') });
  });

  describe('a pod deleted while its process runs', () => {
    // A Mattermost that accepts connections and never answers keeps `matterops serve` starting.
    const held: Socket[] = [];
    const silent = createServer((socket) => held.push(socket));
    afterAll(() => {
      for (const socket of held) socket.destroy();
      silent.close();
    });

    it('stops the process (SIGTERM, then SIGKILL)', async () => {
      await new Promise<void>((resolveListen) => silent.listen(0, '127.0.0.1', resolveListen));
      const port = (silent.address() as { port: number }).port;
      const placeholder = 'x'.repeat(32); // config check wants token-shaped values; nothing uses them
      await createJob('deleted', {
        command: ['matterops', 'serve'],
        env: [
          { name: 'MM_URL', value: `http://127.0.0.1:${port}` },
          { name: 'MM_TEAM', value: 'ops' },
          { name: 'MM_BOT_TOKEN', value: placeholder },
          { name: 'MM_SLASH_TOKEN', value: placeholder },
          { name: 'MATTEROPS_SIGNING_KEY', value: placeholder },
          { name: 'MATTEROPS_HTTP_LISTEN', value: '127.0.0.1:0' },
        ],
      });
      const pod = await waitFor(
        async () => (await core.listNamespacedPod({ namespace, labelSelector: 'job-name=deleted' })).items.find((p) => p.status?.phase === 'Running'),
        {
          what: 'the deleted Job pod Running',
          timeoutMs: 60_000,
        },
      );
      const name = pod.metadata?.name ?? '';
      const pid = Number(new RegExp(`${namespace}/${name}: started pid (\\d+)`).exec(harnessLog())?.[1]);
      expect(isAlive(pid)).toBe(true);
      await core.deleteNamespacedPod({ name, namespace });
      await waitFor(() => !isAlive(pid), { what: `runner pid ${pid} gone after its pod was deleted`, timeoutMs: 15_000 });
      expect(harnessLog()).toContain(`${namespace}/${name}: pod deleted: SIGTERM to pid ${pid}`);
      await batch.deleteNamespacedJob({ name: 'deleted', namespace, propagationPolicy: 'Background' });
    });
  });
});
