/**
 * Changes made of several steps (issue 10, item 3), on the fake clock: writes to any object and
 * waits run in order, the step reached is saved on the lock after each, a failed wait stops the
 * change before the next write, and a resumed change continues at the step its record names.
 */
import { describe, expect, it } from 'vitest';
import { createHmacSigner } from '../../../src/adapters/crypto/hmac-signer.ts';
import type { ChangeDeps } from '../../../src/core/change/change-deps.ts';
import type { FollowOutcome } from '../../../src/core/change/follow.ts';
import type { Holding } from '../../../src/core/change/hold-lock.ts';
import { resumeInFlight } from '../../../src/core/change/resume.ts';
import { runSteps } from '../../../src/core/change/run-steps.ts';
import { writeStep } from '../../../src/core/change/write-step.ts';
import type { InFlightRecord } from '../../../src/core/model/in-flight-record.ts';
import { kinds } from '../../../src/core/model/resource.ts';
import { recorded, type Step, type WriteStep } from '../../../src/core/model/step.ts';
import type { JobInfo } from '../../../src/core/model/workload.ts';
import { silentLogger } from '../../../src/core/ports/logger.ts';
import { FakeAuditLog } from '../../fakes/fake-audit-log.ts';
import { FakeClock } from '../../fakes/fake-clock.ts';
import { FakeClusterGateway } from '../../fakes/fake-cluster-gateway.ts';
import { FakeLockManager } from '../../fakes/fake-lock-manager.ts';
import { FakeMetrics } from '../../fakes/fake-metrics.ts';
import { openPolicy } from '../../support/core-harness.ts';

const job = (over: Partial<JobInfo>): JobInfo => ({
  name: 'backup-1',
  owner: undefined,
  active: 1,
  succeeded: 0,
  failed: 0,
  createdAt: undefined,
  failureReason: undefined,
  ...over,
});

/** A backup-like plan: a ConfigMap, the Job's end, then a patch of the installation and its rollout. */
const plan = (): Step[] => [
  {
    kind: 'write',
    resource: kinds.configMap,
    namespace: 'chat',
    name: 'backup-1-note',
    action: { kind: 'create', body: { metadata: { name: 'backup-1-note' }, data: { note: 'before upgrade' } } },
  },
  { kind: 'wait', until: 'job-complete', namespace: 'chat', name: 'backup-1' },
  { kind: 'write', resource: kinds.mattermost, namespace: 'chat', name: 'mattermost', action: { kind: 'patch', patch: { spec: { replicas: 3 } } } },
  { kind: 'wait', until: 'stable', namespace: 'chat', name: 'mattermost' },
];

function setup() {
  const clock = new FakeClock();
  const gateway = new FakeClusterGateway('c');
  gateway.seed('chat', 'mattermost', { replicas: 2 });
  const saved: InFlightRecord[] = [];
  const holding: Holding = {
    lost: new AbortController().signal,
    saveProgress: (r) => {
      saved.push(r);
      return Promise.resolve();
    },
  };
  const record: InFlightRecord = {
    operationId: 'op1',
    verb: 'backup',
    requester: '@alice',
    via: 'terminal',
    cluster: 'c',
    namespace: 'chat',
    name: 'mattermost',
    summary: 'backup chat/mattermost',
    startedAt: clock.now().toISOString(),
    deadline: new Date(clock.now().getTime() + 60_000).toISOString(),
    steps: plan().map(recorded),
    step: 0,
  };
  const progress: string[] = [];
  const run = (start: InFlightRecord): Promise<FollowOutcome> =>
    runSteps(
      { clock, followTimeoutMs: 3_600_000 },
      {
        follower: gateway,
        holding,
        progress: (t) => progress.push(t),
        // The record names each write; the plan carries it.
        write: async (_step, index) => ({ written: await writeStep(gateway, plan()[index] as WriteStep, 'apply') }),
      },
      start,
    );
  return { clock, gateway, saved, record, progress, run };
}

/** Moves the fake clock until `outcome` settles; the fake gateway's own ticks are real but short. */
async function drive<T>(clock: FakeClock, work: Promise<T>, limitMs = 120_000): Promise<T> {
  let settled: { value: T } | undefined;
  void work.then((value) => {
    settled = { value };
  });
  for (let waited = 0; !settled && waited < limitMs; waited += 500) {
    await clock.advance(500);
    await new Promise((r) => setTimeout(r, 2));
  }
  if (!settled) throw new Error('the change did not end');
  return settled.value;
}

const target = { cluster: 'c', namespace: 'chat', name: 'mattermost' };

/** Locks, audit and deps for a change a dead matterops left behind. */
function orphaned(clock: FakeClock) {
  const locks = new FakeLockManager(clock, 30);
  const audit = new FakeAuditLog();
  const deps: ChangeDeps = {
    policy: openPolicy,
    locks: () => locks,
    audit: () => audit,
    signer: createHmacSigner('k'),
    clock,
    logger: silentLogger,
    metrics: new FakeMetrics(),
    pending: undefined as never,
    followTimeoutMs: 60_000,
    confirmTtlMs: 60_000,
    lockRenewMs: 10_000,
  };
  return { locks, audit, deps };
}

describe('changes made of steps', () => {
  it('runs writes and waits in order and saves the step reached after each', async () => {
    const { clock, gateway, saved, record, progress, run } = setup();
    gateway.jobs.set('chat', [job({})]);
    const started = Date.now();
    const outcome = run(record);
    await clock.advance(3_000);
    expect(gateway.objects.get('chat/mattermost')?.spec.replicas).toBe(2); // not before the Job is done
    gateway.jobs.set('chat', [job({ active: 0, succeeded: 1 })]);
    expect(await drive(clock, outcome)).toEqual({ status: 'succeeded', text: 'stable 3/3', reports: ['job backup-1 complete'] });
    expect(Date.now() - started).toBeLessThan(5_000); // a minute of change on the fake clock, no real wait
    expect(gateway.others.has('v1/configmaps/chat/backup-1-note')).toBe(true);
    expect(saved.map((r) => r.step)).toEqual([1, 2, 3]);
    // The wait after the patch waits for the generation the patch wrote, and the saved record says so.
    expect(saved[2]?.steps[3]).toMatchObject({ until: 'stable', generation: gateway.objects.get('chat/mattermost')?.metadata.generation });
    expect(progress).toContain('job backup-1 running');
  });

  it('a failed wait stops the change with its reason, before the next write', async () => {
    const { clock, gateway, record, run } = setup();
    gateway.jobs.set('chat', [job({ active: 0, failed: 1 })]);
    gateway.jobFailures.set('chat/backup-1', ['Error (exit 1): pg_dump: connection refused']);
    expect(await drive(clock, run(record))).toEqual({ status: 'failed', text: 'job backup-1 failed: Error (exit 1): pg_dump: connection refused' });
    expect(gateway.objects.get('chat/mattermost')?.spec.replicas).toBe(2);
  });

  it('fails a Job whose pod cannot pull its image for 30 s, naming the image fix and the Job to delete, before the next write', async () => {
    const { clock, gateway, record, progress, run } = setup();
    gateway.jobs.set('chat', [job({})]);
    gateway.jobWaiting.set('chat/backup-1', [{ pod: 'backup-1-x', reason: 'ImagePullBackOff', message: 'Back-off pulling image "matterops:0.1.0"' }]);
    const outcome = run(record);
    await clock.advance(20_000);
    expect(progress).toContain('job backup-1 waiting to start: ImagePullBackOff: Back-off pulling image "matterops:0.1.0"');
    const ended = await drive(clock, outcome);
    expect(ended.status).toBe('failed');
    expect(ended.text).toMatch(/^job backup-1 cannot start: ImagePullBackOff: Back-off pulling image "matterops:0\.1\.0" \(for 3\d s\)\. /);
    expect(ended.text).toContain('set MATTEROPS_RUNNER_IMAGE to an image the cluster can pull');
    expect(ended.text).toContain('kubectl -n chat delete job backup-1');
    expect(gateway.objects.get('chat/mattermost')?.spec.replicas).toBe(2);
  });

  it('a pod that waits for a missing Secret only a while, then runs, does not fail the Job', async () => {
    const { clock, gateway, record, run } = setup();
    gateway.jobs.set('chat', [job({})]);
    gateway.jobWaiting.set('chat/backup-1', [
      { pod: 'backup-1-x', reason: 'CreateContainerConfigError', message: 'secret "matterops-backup-store" not found' },
    ]);
    const outcome = run(record);
    await clock.advance(20_000);
    gateway.jobWaiting.delete('chat/backup-1'); // the Secret came: the node started it
    await clock.advance(5_000);
    gateway.jobWaiting.set('chat/backup-1', [
      { pod: 'backup-1-x', reason: 'CreateContainerConfigError', message: 'secret "matterops-backup-store" not found' },
    ]);
    await clock.advance(20_000); // waiting again, but not for 30 s in a row
    gateway.jobWaiting.delete('chat/backup-1');
    gateway.jobs.set('chat', [job({ active: 0, succeeded: 1 })]);
    expect((await drive(clock, outcome)).status).toBe('succeeded');
  });

  it('a wait that never ends times out at the deadline, saying where it stood', async () => {
    const { clock, gateway, record, run } = setup();
    gateway.jobs.set('chat', [job({})]);
    expect(await drive(clock, run(record))).toEqual({ status: 'timed-out', text: 'job backup-1 running' });
  });

  it('replicas-gone waits until no pod of the installation is left', async () => {
    const { clock, gateway, record, run } = setup();
    const outcome = run({ ...record, steps: [{ kind: 'wait', until: 'replicas-gone', namespace: 'chat', name: 'mattermost' }] });
    await clock.advance(5_000);
    gateway.pods.set('chat/mattermost', []);
    expect(await drive(clock, outcome)).toEqual({ status: 'succeeded', text: 'no pod left' });
  });

  it('a resumed change continues at the wait its record names, and writes nothing before it again', async () => {
    const { clock, gateway, record } = setup();
    const { locks, audit, deps } = orphaned(clock);
    await locks.acquire(target, { operationId: 'op1', verb: 'backup', requester: '@alice', startedAt: clock.now(), record: { ...record, step: 3 } });
    await clock.advance(31_000); // its matterops died: the lock expired
    const reports = await drive(
      clock,
      resumeInFlight(deps, { cluster: 'c', gateway, waitMs: 0 }, () => undefined),
    );
    expect(reports.map((r) => [r.record.operationId, r.reply.tone])).toEqual([['op1', 'good']]);
    expect(gateway.others.has('v1/configmaps/chat/backup-1-note')).toBe(false); // step 1 was not made again
    expect(audit.entries.map((e) => e.phase)).toEqual(['succeeded']);
    expect(await locks.list()).toEqual([]);
  });

  it('a resumed change stops before a write its record names, and says where it stands', async () => {
    const { clock, gateway, record } = setup();
    const { locks, audit, deps } = orphaned(clock);
    await locks.acquire(target, { operationId: 'op1', verb: 'backup', requester: '@alice', startedAt: clock.now(), record: { ...record, step: 2 } });
    await clock.advance(31_000);
    const reports = await drive(
      clock,
      resumeInFlight(deps, { cluster: 'c', gateway, waitMs: 0 }, () => undefined),
    );
    expect(reports.map((r) => r.reply.tone)).toEqual(['danger']);
    expect(JSON.stringify(reports[0]?.reply)).toContain('restarted before step 3 of 4 (patch Mattermost chat/mattermost)');
    expect(gateway.objects.get('chat/mattermost')?.spec.replicas).toBe(2); // not written after the restart
    expect(audit.entries.map((e) => e.phase)).toEqual(['failed']);
    expect(await locks.list()).toEqual([]); // reported, and the lock given back
  });
});
