/** Each rule on hand-made snapshots: what it finds, with which delay, key and evidence (issue 12's table). */
import { describe, expect, it } from 'vitest';
import { findingsOf, ruleNames } from '../../../src/core/incidents/rules/index.ts';
import { findingKey } from '../../../src/core/incidents/finding.ts';
import { defaultThresholds as t } from '../../../src/core/incidents/thresholds.ts';
import { at, crashLooping, healthyPod, installation, t0, withContainer } from './snapshots.ts';

/** Every rule name the tests below saw found: the last test holds ruleNames to them. */
const seen = new Set<string>();
const find = (s: Parameters<typeof findingsOf>[0], now = t0) => {
  const found = findingsOf(s, now, t);
  for (const f of found) seen.add(f.rule);
  return found;
};

describe('incident rules', () => {
  it('a healthy installation has no finding', () => {
    expect(find(installation([healthyPod('mm-a'), healthyPod('mm-b')]))).toEqual([]);
  });

  it('crash loop: one finding per installation and container however many pods, at once after 2 restarts, else after 5 min', () => {
    const many = find(installation(Array.from({ length: 20 }, (_, i) => crashLooping(`mm-${i}`))));
    expect(many).toHaveLength(1);
    expect(many[0]).toMatchObject({ rule: 'crash-loop', part: 'mattermost', openAfterMs: 0, title: 'container mattermost is crash-looping (20 pods)' });
    expect(many[0]?.evidence.facts).toContainEqual({ label: 'last exit', value: 'code 1 (Error)' });
    expect(findingKey(many[0]!, { namespace: 'chat', name: 'mattermost' })).toBe('crash-loop:chat/mattermost:mattermost');
    expect(find(installation([crashLooping('mm-a', 1)]))[0]?.openAfterMs).toBe(5 * 60_000);
  });

  it('OOMKilled: at once, and only while the kill is recent', () => {
    const pod = withContainer(healthyPod('mm-a'), { ready: true, restarts: 1, lastTerminated: { reason: 'OOMKilled', exitCode: 137, finishedAt: at(-60) } });
    const s = installation([{ ...pod, ready: { status: 'True' } }]);
    expect(find(s)).toEqual([
      expect.objectContaining({ rule: 'oom-killed', openAfterMs: 0, since: at(-60), title: 'container mattermost was OOMKilled (1 pod)' }),
    ]);
    expect(find(s, at(16 * 60))).toEqual([]);
  });

  it('image pull: ErrImagePull and ImagePullBackOff are one incident, after 2 min, with image and pull secrets', () => {
    const a = withContainer(healthyPod('mm-a', { pullSecrets: ['regcred'] }), {
      image: 'mattermost/mattermost:9.99.9',
      waiting: { reason: 'ErrImagePull', message: 'manifest unknown' },
    });
    const b = withContainer(healthyPod('mm-b', { pullSecrets: ['regcred'] }), {
      image: 'mattermost/mattermost:9.99.9',
      waiting: { reason: 'ImagePullBackOff' },
    });
    const found = find(installation([a, b]));
    expect(found).toHaveLength(1);
    expect(found[0]).toMatchObject({ rule: 'image-pull', part: '', openAfterMs: 2 * 60_000 });
    expect(found[0]?.evidence.facts).toEqual([
      { label: 'pull secrets', value: 'regcred' },
      { label: 'image', value: 'mattermost/mattermost:9.99.9' },
      { label: 'message', value: 'manifest unknown' },
    ]);
  });

  it('config error: after 1 min, with the kubelet message', () => {
    const pod = withContainer(healthyPod('mm-a'), { waiting: { reason: 'CreateContainerConfigError', message: 'secret "mattermost-db" not found' } });
    const [found] = find(installation([pod]));
    expect(found).toMatchObject({ rule: 'config-error', openAfterMs: 60_000 });
    expect(found?.evidence.facts).toContainEqual({ label: 'message', value: 'secret "mattermost-db" not found' });
  });

  it('unschedulable: the scheduler message, since the condition changed, after 5 min; not-ready pods explained by another rule are left to it', () => {
    const unplaced = healthyPod('mm-b', {
      node: undefined,
      phase: 'Pending',
      ready: { status: 'False', since: at(-30) },
      scheduled: { status: 'False', reason: 'Unschedulable', message: '0/3 nodes are available: 3 Insufficient cpu.', since: at(-30) },
    });
    const found = find(installation([healthyPod('mm-a'), unplaced, crashLooping('mm-c')]));
    // The Deployment short of replicas is their consequence, not a third incident.
    expect(found.map((f) => f.rule)).toEqual(['crash-loop', 'pods-not-ready']);
    expect(found[1]).toMatchObject({ title: '1 pod cannot be scheduled', since: at(-30), openAfterMs: 5 * 60_000, affected: ['mm-b'], severity: 'warning' });
    expect(found[1]?.evidence.facts).toEqual([{ label: 'scheduler', value: '0/3 nodes are available: 3 Insufficient cpu.' }]);
  });

  it('available < desired after 5 min; a rollout past its deadline at once', () => {
    const s = installation([healthyPod('mm-a')], {
      deployments: [
        {
          name: 'mattermost',
          desired: 3,
          available: 1,
          progressing: {
            status: 'False',
            reason: 'ProgressDeadlineExceeded',
            message: 'ReplicaSet "mattermost-7c9" has timed out progressing.',
            since: at(-5),
          },
        },
      ],
    });
    expect(find(s).map((f) => [f.rule, f.title, f.openAfterMs])).toEqual([
      ['replicas-unavailable', '1 of 3 replicas available', 5 * 60_000],
      ['rollout-stuck', 'rollout of mattermost is stuck (progress deadline exceeded)', 0],
    ]);
  });

  it('operator: a CR not stable after 10 min, critical with its error', () => {
    const s = installation([healthyPod('mm-a')], { resource: { generation: 3, observedGeneration: 3, state: 'reconciling', error: 'failed to update job' } });
    expect(find(s)).toEqual([
      expect.objectContaining({ rule: 'not-stable', severity: 'critical', openAfterMs: 10 * 60_000, title: 'the operator reports an error (reconciling)' }),
    ]);
  });

  it('update-check, backup and drill Jobs: the newest failed one at once; a newer one running clears it', () => {
    const failed = {
      name: 'mattermost-update-check',
      purpose: 'update-check' as const,
      createdAt: at(-120),
      complete: false,
      failed: { status: 'True' as const, reason: 'BackoffLimitExceeded', message: 'Job has reached the specified backoff limit', since: at(-20) },
    };
    const backup = {
      name: 'matterops-backup-x',
      purpose: 'backup' as const,
      createdAt: at(-300),
      complete: false,
      failed: { status: 'True' as const, reason: 'BackoffLimitExceeded', since: at(-200) },
    };
    const drill = {
      name: 'matterops-drill-z',
      purpose: 'drill' as const,
      createdAt: at(-100),
      complete: false,
      failed: { status: 'True' as const, reason: 'BackoffLimitExceeded', message: 'Job has reached the specified backoff limit', since: at(-60) },
    };
    const found = find(installation([healthyPod('mm-a')], { jobs: [failed, backup, drill] }));
    expect(found.map((f) => [f.rule, f.title, f.since])).toEqual([
      ['update-job-failed', "the operator's update-check Job failed (BackoffLimitExceeded)", at(-20)],
      ['backup-failed', 'the backup Job failed (BackoffLimitExceeded)', at(-200)],
      ['drill-failed', 'the restore drill Job failed (BackoffLimitExceeded)', at(-60)],
    ]);
    expect(found.find((f) => f.rule === 'drill-failed')).toMatchObject({ severity: 'critical', openAfterMs: 0, affected: ['Job/matterops-drill-z'] });
    const newer = { name: 'matterops-backup-y', purpose: 'backup' as const, createdAt: at(-10), complete: false };
    expect(find(installation([healthyPod('mm-a')], { jobs: [backup, newer] }))).toEqual([]);
    // A backup that succeeds after a failed drill does not say the drill's backup restores.
    expect(find(installation([healthyPod('mm-a')], { jobs: [drill, newer] })).map((f) => f.rule)).toEqual(['drill-failed']);
  });

  it('evictions: one finding per node, not per pod', () => {
    const evicted = (name: string, node: string) =>
      healthyPod(name, { node, phase: 'Failed', reason: 'Evicted', message: 'The node was low on resource: memory.', ready: { status: 'False' } });
    const found = find(installation([healthyPod('mm-a'), evicted('mm-b', 'n1'), evicted('mm-c', 'n1'), evicted('mm-d', 'n2')], { deployments: [] }));
    expect(found.map((f) => [f.rule, f.part, f.title])).toEqual([
      ['evicted', 'n1', '2 pods evicted from node n1'],
      ['evicted', 'n2', '1 pod evicted from node n2'],
    ]);
  });

  it('pods being deleted say nothing', () => {
    expect(find(installation([{ ...crashLooping('mm-a'), deleting: true }], { deployments: [] }))).toEqual([]);
  });
});

describe('replica failure', () => {
  it('a ReplicaSet that cannot create pods is one incident with its message, after the config-error delay', () => {
    const s = installation([healthyPod('mm-a')], {
      deployments: [{ name: 'mattermost', desired: 2, available: 1 }],
      replicaSets: [
        {
          name: 'mattermost-747c',
          desired: 2,
          failure: { status: 'True', reason: 'FailedCreate', message: 'pods "mattermost-747c-x" is forbidden: exceeded quota: pods', since: at(-40) },
        },
        { name: 'mattermost-old', desired: 0, failure: { status: 'True', reason: 'FailedCreate' } },
      ],
    });
    expect(find(s)).toEqual([
      expect.objectContaining({
        rule: 'replica-failure',
        title: 'pods cannot be created (FailedCreate)',
        since: at(-40),
        openAfterMs: 60_000,
        affected: ['ReplicaSet/mattermost-747c'],
        evidence: { facts: [{ label: 'message', value: 'pods "mattermost-747c-x" is forbidden: exceeded quota: pods' }], lines: [] },
      }),
    ]);
  });

  it('backup too old: a warning once the newest good backup is older than 26 h, or none 26 h after creation; not without a store read', () => {
    const hour = 3600;
    const resource = { generation: 1, observedGeneration: 1, state: 'stable', createdAt: at(-30 * 24 * hour) };
    const withBackup = (newest: Date | null | undefined, created = resource.createdAt) =>
      installation([healthyPod('mm-a')], { resource: { ...resource, createdAt: created }, newestGoodBackup: newest });
    expect(find(withBackup(at(-25 * hour)))).toEqual([]);
    expect(find(withBackup(at(-27 * hour)))).toEqual([
      {
        rule: 'backup-too-old',
        part: '',
        severity: 'warning',
        title: 'the newest good backup is older than 26 h',
        since: at(-hour),
        openAfterMs: 0,
        affected: [],
        evidence: { facts: [{ label: 'newest good backup', value: '2026-11-26 06:00:00 UTC' }], lines: [] },
      },
    ]);
    // The title does not grow with the age: a day later it is the same incident with nothing new to say.
    expect(find(withBackup(at(-27 * hour)), at(24 * hour))[0]?.title).toBe('the newest good backup is older than 26 h');
    // None at all: a new installation is not reported before it could have had a backup...
    expect(find(withBackup(null, at(-25 * hour)))).toEqual([]);
    // ...one that never had any is, from 26 h after it was created.
    expect(find(withBackup(null))).toEqual([
      expect.objectContaining({ rule: 'backup-too-old', title: 'no good backup in the 26 h since it was created', since: at(-30 * 24 * hour + 26 * hour) }),
    ]);
    // Backups off, or the store not read yet: nothing known, nothing found.
    expect(find(withBackup(undefined))).toEqual([]);
    expect(findingsOf(withBackup(at(-27 * hour)), t0, { ...t, backupTooOldMs: 0 })).toEqual([]);
  });

  // Last, after every rule above has found something: the list the incidents-open metric shows.
  it('lists in ruleNames exactly the rules found above, each name a metric label value', () => {
    expect([...seen].sort()).toEqual([...ruleNames].sort());
    for (const rule of ruleNames) expect(rule).toMatch(/^[a-z][a-z0-9_-]{0,39}$/);
  });
});
