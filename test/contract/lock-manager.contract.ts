/** The LockManager contract, run by the fake (unit) and the Lease adapter (cluster). */
import { beforeEach, describe, expect, it } from 'vitest';
import type { LockHolder, LockManager } from '../../src/core/ports/lock-manager.ts';

export interface LockSubject {
  locks: LockManager;
  namespace: string;
  cluster: string;
  /** Moves the lock manager's clock forward (the holder stops renewing). */
  advance(seconds: number): void;
}

// The record names the cluster it was written in, as the pipeline's do (a Lease adapter resumes only those).
let cluster = 'c';
const holder = (operationId: string, requester: string, namespace: string, name: string): LockHolder => ({
  operationId,
  verb: 'scale',
  requester,
  startedAt: new Date('2026-11-27T09:00:00Z'),
  record: {
    operationId,
    verb: 'scale',
    requester,
    via: 'terminal',
    cluster,
    namespace,
    name,
    steps: [{ kind: 'wait' as const, until: 'stable' as const, namespace: namespace, name: name, generation: 3 }],
    step: 0,
    summary: 'replicas 2 -> 5',
    startedAt: '2026-11-27T09:00:00.000Z',
    deadline: '2026-11-27T09:10:00.000Z',
  },
});

export function lockManagerContract(label: string, subject: () => LockSubject): void {
  describe(`LockManager contract: ${label}`, () => {
    beforeEach(() => {
      cluster = subject().cluster;
    });
    it('gives the lock to one operation and tells the next who holds it', async () => {
      const { locks, namespace, cluster } = subject();
      const target = { cluster, namespace, name: 'one' };
      const first = await locks.acquire(target, holder('op1', '@alice', namespace, 'one'));
      expect(first.ok).toBe(true);
      const second = await locks.acquire(target, holder('op2', '@bob', namespace, 'one'));
      expect(second).toMatchObject({ ok: false, holder: { operationId: 'op1', requester: '@alice', verb: 'scale' } });
      if (first.ok) await locks.release(first.lock);
      const third = await locks.acquire(target, holder('op3', '@bob', namespace, 'one'));
      expect(third.ok).toBe(true);
      // Leave nothing behind: a lock left here would be resumed by any matterops in the cluster.
      if (third.ok) await locks.release(third.lock);
    });

    it('lists held locks with their in-flight record, and lets an expired one be taken over', async () => {
      const { locks, namespace, cluster } = subject();
      const advance = (seconds: number): void => subject().advance(seconds);
      const target = { cluster, namespace, name: 'two' };
      const first = await locks.acquire(target, holder('op4', '@alice', namespace, 'two'));
      expect(first.ok).toBe(true);
      const listed = (await locks.list()).find((l) => l.target.namespace === namespace && l.target.name === 'two');
      expect(listed).toMatchObject({
        expired: false,
        holder: { operationId: 'op4', record: { summary: 'replicas 2 -> 5', step: 0, steps: [{ until: 'stable', generation: 3 }] } },
      });
      // A renewal may carry a new record (the step the change reached): list shows it from then on.
      if (first.ok) await locks.renew(first.lock, { record: { ...first.lock.holder.record, summary: 'at the wait' } });
      expect((await locks.list()).find((l) => l.target.namespace === namespace && l.target.name === 'two')).toMatchObject({
        holder: { record: { summary: 'at the wait' } },
      });
      advance(120);
      expect((await locks.list()).find((l) => l.target.namespace === namespace && l.target.name === 'two')?.expired).toBe(true);
      const next = await locks.acquire(target, holder('op5', '@bob', namespace, 'two'));
      if (!next.ok) throw new Error('the expired lock was not taken over');
      // The old holder can no longer renew, and releasing it does not free the new holder's lock.
      if (first.ok) {
        await expect(locks.renew(first.lock)).rejects.toMatchObject({ code: 'conflict' });
        await locks.release(first.lock);
      }
      expect(await locks.acquire(target, holder('op6', '@carol', namespace, 'two'))).toMatchObject({ ok: false, holder: { operationId: 'op5' } });
      await locks.release(next.lock);
      expect((await locks.list()).some((l) => l.target.namespace === namespace)).toBe(false);
    });

    // Resume takes a lock over for the very operation that held it: the original process may only
    // have been cut off, and must find out it lost the lock when it comes back.
    it("a taken-over lock: the old holder's renew fails as taken over and its release leaves the new holder's lock alone", async () => {
      const { locks, namespace, cluster } = subject();
      const target = { cluster, namespace, name: 'three' };
      const original = holder('op7', '@alice', namespace, 'three');
      const first = await locks.acquire(target, original);
      if (!first.ok) throw new Error('the first acquire failed');
      subject().advance(120);
      expect((await locks.list()).find((l) => l.target.namespace === namespace && l.target.name === 'three')?.expired).toBe(true);
      const resumed = await locks.acquire(target, original); // the same operation, by whoever resumes it
      if (!resumed.ok) throw new Error('the expired lock was not taken over');
      await expect(locks.renew(first.lock)).rejects.toMatchObject({ code: 'conflict' });
      await locks.release(first.lock);
      expect(await locks.acquire(target, holder('op8', '@carol', namespace, 'three'))).toMatchObject({ ok: false, holder: { operationId: 'op7' } });
      await locks.renew(resumed.lock);
      expect((await locks.list()).find((l) => l.target.namespace === namespace && l.target.name === 'three')).toMatchObject({
        expired: false,
        holder: { operationId: 'op7', record: { operationId: 'op7' } },
      });
      await locks.release(resumed.lock);
      expect((await locks.list()).some((l) => l.target.namespace === namespace && l.target.name === 'three')).toBe(false);
    });
  });
}
