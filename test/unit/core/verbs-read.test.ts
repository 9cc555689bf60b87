/** Every read verb through the pipeline, on the fake gateway with a fixed clock. */
import { describe, expect, it } from 'vitest';
import { createHarness, minutesAgo } from '../../support/core-harness.ts';

describe('list', () => {
  it('shows state, version, ready/desired, age and endpoint, sorted', async () => {
    const h = createHarness();
    h.gateway.seed('chat', 'mattermost', { replicas: 2, createdAt: minutesAgo(180) });
    h.gateway.seed('staging', 'mattermost-staging', { replicas: 1, createdAt: minutesAgo(30) });
    const { text, reply } = await h.run('list -A');
    expect(reply.tone).toBe('good');
    await expect(text).toMatchFileSnapshot('__golden__/list-all.txt');
  });

  it('looks in the default namespace unless told otherwise', async () => {
    const h = createHarness({ defaultNamespace: 'chat' });
    h.gateway.seed('chat', 'mattermost');
    h.gateway.seed('staging', 'mattermost-staging');
    expect((await h.run('list')).text).not.toContain('mattermost-staging');
    expect((await h.run('list -n staging')).text).toContain('mattermost-staging');
  });

  it('says so clearly when there are none, and where else to look', async () => {
    const { text, reply } = await createHarness().run('list');
    expect(reply.error).toBeUndefined();
    expect(text).toBe('No Mattermost installations in namespace chat of cluster sandbox-bot.\n\ntype list -A to look in every namespace');
  });

  it('says that the operator CRD is missing in that cluster', async () => {
    const h = createHarness();
    h.gateway.crdInstalled = false;
    const { text, reply } = await h.run('list -A');
    expect(reply.error).toBe('not_found');
    expect(text).toContain("the Mattermost operator's CRD (mattermosts.installation.mattermost.com) is not installed in cluster sandbox-bot");
  });
});

describe('status', () => {
  it('shows spec against status, pods, and the verdict stable', async () => {
    const h = createHarness();
    h.gateway.seed('chat', 'mattermost', { replicas: 2, createdAt: minutesAgo(90) });
    h.gateway.events.set('chat', [
      {
        type: 'Warning',
        reason: 'BackOff',
        message: 'Back-off restarting failed container',
        objectKind: 'Pod',
        objectName: 'mattermost-5d8f7c9b4-xxxx1',
        count: 3,
        lastSeen: minutesAgo(5),
      },
      { type: 'Warning', reason: 'Other', message: 'not about us', objectKind: 'Pod', objectName: 'unrelated-pod', count: 1, lastSeen: minutesAgo(1) },
    ]);
    const { text, reply } = await h.run('status mattermost');
    expect(reply.tone).toBe('good');
    await expect(text).toMatchFileSnapshot('__golden__/status-stable.txt');
  });

  it('says rolling out with updated/desired while the operator reports ready', async () => {
    const h = createHarness();
    h.gateway.seed('chat', 'mattermost', { replicas: 5, state: 'ready', status: { updatedReplicas: 3 } });
    const { reply, text } = await h.run('status mattermost');
    expect(reply.tone).toBe('warning');
    expect(text.split('\n')[0]).toBe('chat/mattermost: rolling out: 3/5 updated');
  });

  it('says the update job is running, or stuck after failures', async () => {
    const h = createHarness();
    h.gateway.seed('chat', 'mattermost', { state: 'reconciling', status: { version: '9.9.0' }, version: '9.10.0' });
    h.gateway.jobs.set('chat', [
      { name: 'mattermost-update-check', owner: 'mattermost', active: 1, succeeded: 0, failed: 0, createdAt: minutesAgo(1), failureReason: undefined },
    ]);
    expect((await h.run('status mattermost')).text.split('\n')[0]).toBe('chat/mattermost: reconciling: update job running (db migrate)');
    h.gateway.jobs.set('chat', [
      {
        name: 'mattermost-update-check',
        owner: 'mattermost',
        active: 0,
        succeeded: 0,
        failed: 3,
        createdAt: minutesAgo(1),
        failureReason: 'BackoffLimitExceeded',
      },
    ]);
    const stuck = await h.run('status mattermost');
    expect(stuck.reply.tone).toBe('danger');
    expect(stuck.text.split('\n')[0]).toBe('chat/mattermost: stuck: update job failed 3 times (BackoffLimitExceeded)');
    expect(stuck.text).toContain('9.9.0 -> 9.10.0 (wanted)');
  });

  it('shows the operator error, and a change the operator has not seen yet', async () => {
    const h = createHarness();
    h.gateway.seed('chat', 'broken', { state: 'reconciling', status: { error: 'database secret not found' } });
    expect((await h.run('status broken')).text.split('\n')[0]).toBe('chat/broken: error: database secret not found');
    h.gateway.seed('chat', 'lagging', { generation: 5, status: { observedGeneration: 4 } });
    expect((await h.run('status lagging')).text.split('\n')[0]).toBe('chat/lagging: reconciling: the operator has not picked up the latest change yet');
  });

  it('flags crash-looping pods even when the operator says stable', async () => {
    const h = createHarness();
    h.gateway.seed('chat', 'mattermost');
    const pods = h.gateway.pods.get('chat/mattermost')!;
    pods[0] = { ...pods[0]!, ready: false, restarts: 7, waitingReason: 'CrashLoopBackOff', lastTerminationReason: 'OOMKilled' };
    const { text, reply } = await h.run('status mattermost');
    expect(reply.tone).toBe('warning');
    expect(text.split('\n')[0]).toBe('chat/mattermost: stable, but 1 pod in trouble (CrashLoopBackOff)');
    expect(text).toMatch(/CrashLoopBackOff\s+no\s+7/);
  });

  it('shows the warnings of the last hour only, newest first, not Normal events nor older warnings', async () => {
    const h = createHarness();
    h.gateway.seed('chat', 'mattermost');
    const warning = { namespace: 'chat', type: 'Warning' as const, objectKind: 'Pod', objectName: 'mattermost-abc', message: 'm' };
    h.gateway.record({ ...warning, reason: 'BackOff', lastSeen: minutesAgo(5) });
    h.gateway.record({ ...warning, reason: 'Unhealthy', lastSeen: minutesAgo(50) });
    h.gateway.record({ ...warning, reason: 'LastWeek', lastSeen: minutesAgo(61) });
    h.gateway.record({ ...warning, type: 'Normal', reason: 'Pulled', lastSeen: minutesAgo(1) });
    const { text } = await h.run('status mattermost');
    const shown = text.slice(text.indexOf('Recent warnings'));
    expect(shown).toMatch(/BackOff[\s\S]*Unhealthy/);
    expect(shown).not.toContain('LastWeek');
    expect(shown).not.toContain('Pulled');
  });

  it('finds a unique name in another namespace without -n', async () => {
    const h = createHarness({ defaultNamespace: 'chat' });
    h.gateway.seed('staging', 'mattermost-staging', { replicas: 1 });
    expect((await h.run('status mattermost-staging')).text.split('\n')[0]).toBe('staging/mattermost-staging: stable');
  });

  it('asks which namespace when a name exists in several', async () => {
    const h = createHarness({ defaultNamespace: 'default' });
    h.gateway.seed('chat', 'mattermost');
    h.gateway.seed('staging', 'mattermost');
    const { text, reply } = await h.run('status mattermost');
    expect(reply.error).toBe('usage');
    expect(text).toBe('"mattermost" exists in namespaces chat, staging\n\nsay which: -n chat');
  });

  it('names what does exist when the installation does not', async () => {
    const h = createHarness();
    h.gateway.seed('chat', 'mattermost');
    h.gateway.seed('chat', 'community');
    expect((await h.run('status matermost')).text).toBe('no installation "matermost" in cluster sandbox-bot\n\ndid you mean mattermost?');
    expect((await h.run('status zzz -n chat')).text).toBe(
      'no installation "zzz" in namespace chat of cluster sandbox-bot\n\ninstallations there: community, mattermost',
    );
  });
});

describe('events', () => {
  it('lists warnings of the installation within --since, newest first', async () => {
    const h = createHarness();
    h.gateway.seed('chat', 'mattermost');
    h.gateway.events.set('chat', [
      {
        type: 'Warning',
        reason: 'Unhealthy',
        message: 'Readiness probe failed',
        objectKind: 'Pod',
        objectName: 'mattermost-abc',
        count: 4,
        lastSeen: minutesAgo(10),
      },
      { type: 'Warning', reason: 'Old', message: 'too old', objectKind: 'Pod', objectName: 'mattermost-abc', count: 1, lastSeen: minutesAgo(300) },
      { type: 'Normal', reason: 'Scheduled', message: 'assigned', objectKind: 'Pod', objectName: 'mattermost-abc', count: 1, lastSeen: minutesAgo(2) },
      {
        type: 'Warning',
        reason: 'BackoffLimitExceeded',
        message: 'Job has reached the specified backoff limit',
        objectKind: 'Job',
        objectName: 'mattermost-update-check',
        count: 1,
        lastSeen: minutesAgo(3),
      },
    ]);
    const { text } = await h.run('events mattermost');
    await expect(text).toMatchFileSnapshot('__golden__/events.txt');
    expect((await h.run('events mattermost --since 6h --all')).text).toContain('4 events');
  });

  it('says when there is nothing to worry about', async () => {
    const h = createHarness();
    h.gateway.seed('chat', 'mattermost');
    const { text, reply } = await h.run('events mattermost --since 30m');
    expect(reply.tone).toBe('good');
    expect(text).toBe('No warning events for chat/mattermost in the last 30m.');
  });
});

describe('logs', () => {
  it('reads the first ready pod, redacts secrets, and names the other pods', async () => {
    const h = createHarness();
    h.gateway.seed('chat', 'mattermost');
    const [first] = h.gateway.pods.get('chat/mattermost')!;
    h.gateway.logs.set(`chat/${first!.name}`, 'starting\nconnecting to postgres://mmuser:hunter2@db:5432/mm\nMM_SQLSETTINGS_PASSWORD=hunter2 ready');
    const { text } = await h.run('logs mattermost --tail 10');
    expect(text).not.toContain('hunter2');
    await expect(text).toMatchFileSnapshot('__golden__/logs.txt');
  });

  it('keeps the newest lines that fit and says how many were cut', async () => {
    const h = createHarness({ limits: { maxLogLines: 1000, maxLogChars: 40 } });
    h.gateway.seed('chat', 'mattermost', { replicas: 1 });
    const [pod] = h.gateway.pods.get('chat/mattermost')!;
    h.gateway.logs.set(`chat/${pod!.name}`, Array.from({ length: 20 }, (_, i) => `line ${i}`).join('\n'));
    const { text } = await h.run('logs mattermost');
    expect(text).toContain('oldest 15 lines cut');
    expect(text.trimEnd().endsWith('line 19')).toBe(true);
    expect(text).not.toContain('line 14');
  });

  it('refuses a pod that is not part of the installation and lists its pods', async () => {
    const h = createHarness();
    h.gateway.seed('chat', 'mattermost', { replicas: 1 });
    const { text, reply } = await h.run('logs mattermost --pod other-pod');
    expect(reply.error).toBe('not_found');
    expect(text).toBe('no pod "other-pod" in chat/mattermost\n\nits pods: mattermost-5d8f7c9b4-xxxx0');
  });
});

describe('whoami, version, help and failures', () => {
  it('whoami shows the caller, the cluster identity and the defaults', async () => {
    const { text } = await createHarness().run('whoami');
    await expect(text).toMatchFileSnapshot('__golden__/whoami.txt');
  });

  it('version shows matterops and Kubernetes', async () => {
    expect((await createHarness().run('version')).text).toBe('matterops:                 0.1.0\nkubernetes (sandbox-bot):  v1.36.3');
  });

  it('help lists every verb and explains one', async () => {
    const h = createHarness();
    await expect((await h.run('help')).text).toMatchFileSnapshot('__golden__/help.txt');
    await expect((await h.run('help logs')).text).toMatchFileSnapshot('__golden__/help-logs.txt');
    expect((await h.run('help lgos')).text).toContain('did you mean help logs?');
  });

  it('an unknown cluster lists the ones there are', async () => {
    const { text, reply } = await createHarness().run('list --cluster prod');
    expect(reply.error).toBe('usage');
    expect(text).toBe('unknown cluster "prod"\n\nclusters: sandbox-bot, staging-cluster');
  });

  it('an unreachable cluster is named with its URL', async () => {
    const h = createHarness();
    h.gateway.reachable = false;
    const { text, reply } = await h.run('list');
    expect(reply.error).toBe('unavailable');
    expect(text).toContain('cannot reach cluster sandbox-bot at https://127.0.0.1:6443');
  });

  it('an unexpected failure shows only a reference, and logs the details under it', async () => {
    const h = createHarness();
    h.gateway.listInstallations = () => Promise.reject(new Error('boom: token=abc123secret'));
    const { text, reply } = await h.run('list');
    expect(reply.error).toBe('internal');
    const ref = /ref ([0-9a-f]{8})/.exec(text)?.[1];
    expect(ref).toBeDefined();
    expect(text).not.toContain('boom');
    expect(h.logged).toHaveLength(1);
    expect(h.logged[0]?.fields).toMatchObject({ ref, verb: 'list' });
    expect(String(h.logged[0]?.fields.err)).not.toContain('abc123secret');
  });
});

describe('regressions', () => {
  it('an update Job of another installation in the same namespace does not mark this one reconciling', async () => {
    // Seen against the real operator: every update Job is named mattermost-update-check.
    const h = createHarness();
    h.gateway.seed('chat', 'steady');
    h.gateway.jobs.set('chat', [
      { name: 'mattermost-update-check', owner: 'other', active: 1, succeeded: 0, failed: 0, createdAt: minutesAgo(1), failureReason: undefined },
    ]);
    expect((await h.run('status steady')).text.split('\n')[0]).toBe('chat/steady: stable');
  });
});
