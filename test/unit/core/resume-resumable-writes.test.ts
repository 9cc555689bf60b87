/**
 * After a restart, a resumed change makes the writes its record keeps in full (resumable: nothing
 * secret, harmless twice, such as a restore's) and stops before any other write (issue 11: a bot
 * killed mid-restore resumes at the right step). A create whose object the dead matterops already
 * made counts as done.
 */
import { describe, expect, it } from 'vitest';
import { resumeInFlight } from '../../../src/core/change/resume.ts';
import type { InFlightRecord } from '../../../src/core/model/in-flight-record.ts';
import { kinds } from '../../../src/core/model/resource.ts';
import { recorded, type Step } from '../../../src/core/model/step.ts';
import { FakeAuditLog } from '../../fakes/fake-audit-log.ts';
import { FakeClusterGateway } from '../../fakes/fake-cluster-gateway.ts';
import { FakeLockManager } from '../../fakes/fake-lock-manager.ts';
import { coreOnFakes, fixedNow } from '../../support/core-harness.ts';
import { handMovedClock } from '../../support/hand-moved-clock.ts';

const job = { apiVersion: 'batch/v1', kind: 'Job', metadata: { name: 'matterops-restore-x', namespace: 'chat' }, spec: {} };

async function resumeWith(steps: Step[], step: number, prepare: (g: FakeClusterGateway) => void = () => undefined, gone = 31_000) {
  const clock = handMovedClock(fixedNow);
  const locks = new FakeLockManager(clock, 30);
  const audit = new FakeAuditLog();
  const gateway = new FakeClusterGateway('c');
  gateway.seed('chat', 'mattermost', { replicas: 2 });
  gateway.jobRunner = () => ({ succeeded: true, message: '' });
  prepare(gateway);
  const record: InFlightRecord = {
    operationId: 'op1',
    verb: 'restore',
    requester: 'alice',
    via: 'terminal',
    cluster: 'c',
    namespace: 'chat',
    name: 'mattermost',
    steps: steps.map(recorded),
    step,
    summary: 'restore chat/mattermost',
    startedAt: fixedNow.toISOString(),
    deadline: new Date(fixedNow.getTime() + 3_600_000).toISOString(),
  };
  await locks.acquire(
    { cluster: 'c', namespace: 'chat', name: 'mattermost' },
    { operationId: 'op1', verb: 'restore', requester: 'alice', startedAt: fixedNow, record },
  );
  clock.advance(gone); // the holder died
  const { changeDeps } = coreOnFakes({ locks: () => locks, audit: () => audit, clock }, { followTimeoutMs: 60_000 });
  const reports = await resumeInFlight(changeDeps, { cluster: 'c', gateway, waitMs: 0 }, () => undefined);
  return { reports, gateway, audit };
}

const createJob: Step = {
  kind: 'write',
  resource: kinds.job,
  namespace: 'chat',
  name: 'matterops-restore-x',
  action: { kind: 'create', body: job },
  resumable: true,
};
const waitJob: Step = { kind: 'wait', until: 'job-complete', namespace: 'chat', name: 'matterops-restore-x' };
const scaleTo = (replicas: number, resumable: boolean): Step => ({
  kind: 'write',
  resource: kinds.mattermost,
  namespace: 'chat',
  name: 'mattermost',
  action: { kind: 'patch', patch: { spec: { replicas } } },
  ...(resumable ? { resumable: true as const } : {}),
});
const stable: Step = { kind: 'wait', until: 'stable', namespace: 'chat', name: 'mattermost' };

describe('resumable writes after a restart', () => {
  it('makes the resumable writes from the step reached on, and reports once', async () => {
    const { reports, gateway, audit } = await resumeWith([createJob, waitJob, scaleTo(4, true), stable], 0);
    expect(reports).toHaveLength(1);
    expect(reports[0]!.reply.tone).toBe('good');
    expect(gateway.others.has('batch/v1/jobs/chat/matterops-restore-x')).toBe(true);
    expect(gateway.objects.get('chat/mattermost')?.spec.replicas).toBe(4);
    expect(audit.entries.filter((e) => e.phase === 'applied').map((e) => e.detail)).toEqual([
      'create Job chat/matterops-restore-x (after a matterops restart)',
      'patch Mattermost chat/mattermost (after a matterops restart)',
    ]);
  });

  it('a create the dead matterops already made counts as made', async () => {
    const { reports } = await resumeWith([createJob, waitJob], 0, (g) => {
      void g.write({ resource: kinds.job, namespace: 'chat', name: 'matterops-restore-x', action: { kind: 'create', body: job } }, {});
    });
    expect(reports[0]!.reply.tone).toBe('good');
  });

  it('stops before a write that is not resumable, saying where it stands', async () => {
    const { reports, gateway } = await resumeWith([scaleTo(4, false), stable], 0);
    expect(reports[0]!.reply.tone).toBe('danger');
    expect(JSON.stringify(reports[0]!.reply)).toContain('does not make this write');
    expect(gateway.objects.get('chat/mattermost')?.spec.replicas).toBe(2);
  });

  it('a record past its deadline makes no write: the installation has moved on since', async () => {
    const { reports, gateway } = await resumeWith([scaleTo(4, true), stable], 0, () => undefined, 2 * 3_600_000);
    expect(reports[0]!.reply.tone).toBe('danger');
    expect(JSON.stringify(reports[0]!.reply)).toContain('past the deadline of the change');
    expect(gateway.objects.get('chat/mattermost')?.spec.replicas).toBe(2);
  });
});
