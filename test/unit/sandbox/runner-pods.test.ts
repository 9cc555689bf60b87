/**
 * The runner-pod harness's decisions, without a cluster: which pods it takes, how a container's
 * environment and command resolve (as kubelet would), and the statuses it writes.
 */
import type { V1Container, V1Pod } from '@kubernetes/client-node';
import { describe, expect, it } from 'vitest';
import { expandVars, resolveEnv, type EnvSources } from '../../sandbox/runner-pod-env.ts';
import { notStartedStatus, terminatedStatus, terminationMessage, truncateUtf8, waitingStatus } from '../../sandbox/runner-pod-status.ts';
import { isStartable, processEnv, pullFailure, runnerInvocation, tokenKubeconfig } from '../../sandbox/runner-pods.ts';

const pod = (over: { phase?: string; nodeName?: string; uid?: string; deleting?: boolean } = {}): V1Pod => ({
  metadata: {
    name: 'backup-1-abcde',
    namespace: 'chat',
    uid: over.uid ?? 'uid-1',
    labels: { 'matterops.io/backup-id': '20261201-231800-a1b2' },
    ...(over.deleting ? { deletionTimestamp: new Date() } : {}),
  },
  spec: {
    nodeName: 'nodeName' in over ? over.nodeName : 'kwok-node-0',
    serviceAccountName: 'matterops-runner',
    containers: [{ name: 'runner', image: 'matterops' }],
  },
  status: { phase: over.phase ?? 'Pending' },
});

const sources = (secrets: Record<string, Record<string, string>>, configMaps: Record<string, Record<string, string>> = {}): EnvSources => ({
  secret: (name) => Promise.resolve(secrets[name]),
  configMap: (name) => Promise.resolve(configMaps[name]),
});

describe('which pods the harness takes', () => {
  it('takes a bound Pending pod once', () => {
    expect(isStartable(pod(), new Set())).toBe(true);
    expect(isStartable(pod(), new Set(['uid-1']))).toBe(false);
  });
  it('leaves unbound, running, finished and deleting pods alone', () => {
    expect(isStartable(pod({ nodeName: undefined }), new Set())).toBe(false);
    expect(isStartable(pod({ phase: 'Running' }), new Set())).toBe(false);
    expect(isStartable(pod({ phase: 'Succeeded' }), new Set())).toBe(false);
    expect(isStartable(pod({ deleting: true }), new Set())).toBe(false);
  });
});

describe('the environment, as kubelet resolves it', () => {
  const container: V1Container = {
    name: 'runner',
    envFrom: [{ configMapRef: { name: 'settings' }, prefix: 'CM_' }],
    env: [
      { name: 'DB_CONNECTION_STRING', valueFrom: { secretKeyRef: { name: 'db', key: 'DB_CONNECTION_STRING' } } },
      { name: 'MATTEROPS_S3_BUCKET', valueFrom: { configMapKeyRef: { name: 'settings', key: 'bucket' } } },
      { name: 'POD_NAMESPACE', valueFrom: { fieldRef: { fieldPath: 'metadata.namespace' } } },
      { name: 'POD_NAME', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } },
      { name: 'BACKUP_ID', valueFrom: { fieldRef: { fieldPath: "metadata.labels['matterops.io/backup-id']" } } },
      { name: 'WHERE', value: '$(POD_NAMESPACE)/$(POD_NAME) costs $$(NOT_EXPANDED) $(UNKNOWN)' },
      { name: 'MAYBE', valueFrom: { secretKeyRef: { name: 'absent', key: 'k', optional: true } } },
    ],
  };

  it('resolves values, Secret and ConfigMap keys, fields and $(VAR) references', async () => {
    const result = await resolveEnv(pod(), container, sources({ db: { DB_CONNECTION_STRING: 'postgres://u:pw@h/db' } }, { settings: { bucket: 'backups' } }));
    expect(result).toEqual({
      ok: true,
      env: {
        CM_bucket: 'backups',
        DB_CONNECTION_STRING: 'postgres://u:pw@h/db',
        MATTEROPS_S3_BUCKET: 'backups',
        POD_NAMESPACE: 'chat',
        POD_NAME: 'backup-1-abcde',
        BACKUP_ID: '20261201-231800-a1b2',
        WHERE: 'chat/backup-1-abcde costs $(NOT_EXPANDED) $(UNKNOWN)',
      },
    });
  });

  it('refuses a missing Secret, or a missing key, naming it but never a value', async () => {
    const noSecret = await resolveEnv(pod(), container, sources({}, { settings: { bucket: 'b' } }));
    expect(noSecret).toEqual({ ok: false, message: 'secret "db" not found' });
    const noKey = await resolveEnv(pod(), container, sources({ db: { OTHER: 'pw-value' } }, { settings: { bucket: 'b' } }));
    expect(noKey).toEqual({ ok: false, message: "couldn't find key DB_CONNECTION_STRING in Secret chat/db" });
    expect(JSON.stringify(noKey)).not.toContain('pw-value');
  });

  it('refuses a missing ConfigMap in envFrom unless optional', async () => {
    expect(await resolveEnv(pod(), { name: 'c', envFrom: [{ configMapRef: { name: 'gone' } }] }, sources({}))).toEqual({
      ok: false,
      message: 'configmap "gone" not found',
    });
    expect(await resolveEnv(pod(), { name: 'c', envFrom: [{ configMapRef: { name: 'gone', optional: true } }] }, sources({}))).toEqual({ ok: true, env: {} });
  });

  it('expands like kubelet', () => {
    expect(expandVars('$(A)-$(B)-$$(A)-$$', { A: '1' })).toBe('1-$(B)-$(A)-$');
  });
});

describe('the command', () => {
  const cli = '/repo/src/cli.ts';
  it('runs matterops as node <repo>/src/cli.ts with the rest of command and args', () => {
    expect(runnerInvocation({ name: 'c', command: ['matterops', 'backup'], args: ['run'] }, cli, {})).toEqual({ ok: true, args: [cli, 'backup', 'run'] });
    expect(runnerInvocation({ name: 'c', command: ['/usr/local/bin/matterops', '--version'] }, cli, {})).toEqual({ ok: true, args: [cli, '--version'] });
  });
  it('gives args to the image entrypoint matterops when there is no command', () => {
    expect(runnerInvocation({ name: 'c', args: ['drill', 'run'] }, cli, {})).toEqual({ ok: true, args: [cli, 'drill', 'run'] });
  });
  it('expands $(VAR) in the command line', () => {
    expect(runnerInvocation({ name: 'c', command: ['matterops', 'run', 'status $(NAME)'] }, cli, { NAME: 'mattermost' })).toEqual({
      ok: true,
      args: [cli, 'run', 'status mattermost'],
    });
  });
  it('refuses anything else', () => {
    const refused = runnerInvocation({ name: 'c', command: ['sh', '-c', 'echo hi'] }, cli, {});
    expect(refused).toMatchObject({ ok: false, message: expect.stringContaining('not a matterops runner') });
  });
});

describe('what the process gets', () => {
  it('the pod env, PATH and what the node provides; nothing else of the harness', () => {
    process.env.MATTEROPS_SECRET_OF_THE_HARNESS = 'leak';
    const env = processEnv({ A: '1', HOME: '/pod-said', KUBECONFIG: '/pod-said' }, { home: '/w/home', kubeconfig: '/w/kubeconfig', terminationLog: '/w/term' });
    delete process.env.MATTEROPS_SECRET_OF_THE_HARNESS;
    expect(env).toEqual({ A: '1', PATH: process.env.PATH, HOME: '/w/home', KUBECONFIG: '/w/kubeconfig', MATTEROPS_TERMINATION_LOG: '/w/term' });
  });
  it('a kubeconfig for the token, in the pod namespace', () => {
    const text = tokenKubeconfig({ server: 'https://127.0.0.1:6443', caFile: '/ca.crt' }, 'tok', 'chat');
    expect(text).toContain('token: tok');
    expect(text).toContain('namespace: chat');
    expect(text).toContain('certificate-authority: /ca.crt');
  });
});

describe('statuses', () => {
  const times = { startedAt: '2026-12-01T00:00:00Z', finishedAt: '2026-12-01T00:00:05Z' };
  it('exit 0 is Succeeded and Completed', () => {
    const { status } = terminatedStatus(pod(), { exitCode: 0, reason: 'Completed', message: '{"ok":true}', ...times });
    expect(status.phase).toBe('Succeeded');
    expect(status.containerStatuses).toEqual([
      expect.objectContaining({ name: 'runner', state: { terminated: { exitCode: 0, reason: 'Completed', message: '{"ok":true}', ...times } } }),
    ]);
  });
  it('a container that can never start is Failed with the reason on the pod and the container', () => {
    const { status } = notStartedStatus(pod(), 'StartError', 'not a matterops runner', times.startedAt);
    expect(status).toMatchObject({ phase: 'Failed', reason: 'StartError', message: 'not a matterops runner' });
    expect(status.containerStatuses).toEqual([
      expect.objectContaining({ state: { terminated: expect.objectContaining({ exitCode: 128, reason: 'StartError' }) } }),
    ]);
  });
  it('a container that cannot start yet (a Secret missing, an image not pulled) waits in a Pending pod, as kubelet keeps it', () => {
    const { status } = waitingStatus(pod(), 'CreateContainerConfigError', 'secret "db" not found', times.startedAt);
    expect(status).toMatchObject({ phase: 'Pending' });
    expect(status.containerStatuses).toEqual([
      expect.objectContaining({ ready: false, state: { waiting: { reason: 'CreateContainerConfigError', message: 'secret "db" not found' } } }),
    ]);
  });
  it('no node pulls an image of a .invalid registry: ErrImagePull first, ImagePullBackOff after; other images pull', () => {
    expect(pullFailure('registry.invalid/matterops:1', 0)?.reason).toBe('ErrImagePull');
    expect(pullFailure('registry.invalid/matterops:1', 3)).toEqual({
      reason: 'ImagePullBackOff',
      message: 'Back-off pulling image "registry.invalid/matterops:1"',
    });
    expect(pullFailure('matterops:test', 0)).toBeUndefined();
    expect(pullFailure('ghcr.io/matterops/matterops:1', 0)).toBeUndefined();
  });
  it('keeps at most 4096 bytes of the termination log, never half a character', () => {
    const message = terminationMessage('é'.repeat(3000), 1, 'File', () => '');
    expect(Buffer.byteLength(message)).toBe(4096);
    expect(truncateUtf8('aé', 2)).toBe('a');
  });
  it('falls back to the log tail only when asked, on failure, without a termination log', () => {
    const log = () => 'first\nlast line';
    expect(terminationMessage('', 1, 'FallbackToLogsOnError', log)).toBe('first\nlast line');
    expect(terminationMessage('', 0, 'FallbackToLogsOnError', log)).toBe('');
    expect(terminationMessage('', 1, 'File', log)).toBe('');
    expect(terminationMessage('{"ok":false}', 1, 'FallbackToLogsOnError', log)).toBe('{"ok":false}');
  });
});
