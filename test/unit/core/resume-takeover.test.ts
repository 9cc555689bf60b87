/**
 * Resume takes a lock over for the operation that held it (issue 9, item 15, after review). The
 * matterops that started it may only have been cut off from the apiserver: when it comes back, its
 * renewal must be refused as taken over and its release must leave the resumer's lock alone, or both
 * would follow and report the same change and a third operation could take the installation meanwhile.
 */
import { describe, expect, it } from 'vitest';
import type { InFlightRecord } from '../../../src/core/model/in-flight-record.ts';
import { resumeInFlight } from '../../../src/core/change/resume.ts';
import type { LockHolder } from '../../../src/core/ports/lock-manager.ts';
import { FakeClusterGateway } from '../../fakes/fake-cluster-gateway.ts';
import { handMovedClock } from '../../support/hand-moved-clock.ts';
import { FakeLockManager } from '../../fakes/fake-lock-manager.ts';
import { coreOnFakes, fixedNow } from '../../support/core-harness.ts';

const waitFor = async (what: string, ok: () => boolean | Promise<boolean>): Promise<void> => {
  for (let i = 0; i < 500; i++) {
    if (await ok()) return;
    await new Promise((r) => setTimeout(r, 5));
  }
  throw new Error(`timed out waiting for ${what}`);
};

describe('a resumed change owns its lock alone', () => {
  it("the cut-off original's renewal is refused as taken over and its release leaves the resumer's lock", async () => {
    const clock = handMovedClock(fixedNow);
    const now = fixedNow.getTime();
    const locks = new FakeLockManager(clock, 30);
    const gateway = new FakeClusterGateway('c');
    gateway.seed('chat', 'mattermost', { replicas: 3, state: 'reconciling' });
    const target = { cluster: 'c', namespace: 'chat', name: 'mattermost' };
    const record: InFlightRecord = {
      operationId: 'op1',
      verb: 'scale',
      requester: '@alice',
      via: 'mattermost',
      cluster: 'c',
      namespace: 'chat',
      name: 'mattermost',
      steps: [{ kind: 'wait' as const, until: 'stable' as const, namespace: 'chat', name: 'mattermost', generation: 2 }],
      step: 0,
      summary: 'replicas 2 -> 3',
      startedAt: clock.now().toISOString(),
      deadline: new Date(now + 3_600_000).toISOString(),
    };
    const holder: LockHolder = { operationId: 'op1', verb: 'scale', requester: '@alice', startedAt: clock.now(), record };
    const original = await locks.acquire(target, holder);
    if (!original.ok) throw new Error('the original did not get its lock');
    clock.advance(31_000); // the original stopped renewing: cut off, or dead

    const { changeDeps } = coreOnFakes({ locks: () => locks, clock }, { followTimeoutMs: 60_000 });
    const resuming = resumeInFlight(changeDeps, { cluster: 'c', gateway, waitMs: 0 }, () => undefined);
    await waitFor('the resumer to take the lock over', async () => (await locks.list()).some((l) => !l.expired));

    // The original comes back.
    await expect(locks.renew(original.lock)).rejects.toMatchObject({ code: 'conflict' });
    await locks.release(original.lock);
    expect(await locks.list()).toMatchObject([{ expired: false, holder: { operationId: 'op1' } }]);
    expect(await locks.acquire(target, { ...holder, operationId: 'op2', record: { ...record, operationId: 'op2' } })).toMatchObject({
      ok: false,
      holder: { operationId: 'op1' },
    });

    gateway.settle('chat', 'mattermost');
    const reports = await resuming;
    expect(reports.map((r) => [r.record.operationId, r.reply.tone])).toEqual([['op1', 'good']]);
    expect(await locks.list()).toEqual([]); // the resumer released its own lock
  });
});
