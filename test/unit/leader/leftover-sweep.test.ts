/**
 * The leader's leftover sweep: what a dead replica left in flight is resumed as soon as leading
 * begins, one left later is picked up by the next sweep two lock durations on, each outcome is
 * posted in the thread the change was asked in, and no sweep runs once leading has stopped. The
 * sweep's schedule and the locks' expiry run on the fake clock.
 */
import { expect, it, vi } from 'vitest';
import { createHmacSigner } from '../../../src/adapters/crypto/hmac-signer.ts';
import type { ChangeDeps } from '../../../src/core/change/change-deps.ts';
import { PendingConfirmations } from '../../../src/core/change/confirmations.ts';
import type { InFlightRecord } from '../../../src/core/model/in-flight-record.ts';
import { silentLogger } from '../../../src/core/ports/logger.ts';
import { MemoryPendingStore } from '../../../src/core/ports/pending-store.ts';
import { leftoverSweep } from '../../../src/leader/leftover-sweep.ts';
import { FakeAuditLog } from '../../fakes/fake-audit-log.ts';
import { FakeClock } from '../../fakes/fake-clock.ts';
import { FakeClusterGateway, fakeDirectory } from '../../fakes/fake-cluster-gateway.ts';
import { FakeLockManager } from '../../fakes/fake-lock-manager.ts';
import { FakeMetrics } from '../../fakes/fake-metrics.ts';
import { FakeNotifier } from '../../fakes/fake-notifier.ts';
import { openPolicy } from '../../support/core-harness.ts';

const lockSeconds = 30;
/** The fake's locks expire sooner than the sweep's period, so an early sweep would show. */
const fakeLockSeconds = 10;

it('resumes leftovers when leading begins and every two lock durations after, posting each outcome in its thread, and none once stopped', async () => {
  const clock = new FakeClock();
  const locks = new FakeLockManager(clock, fakeLockSeconds);
  const gateway = new FakeClusterGateway('c');
  const notifier = new FakeNotifier(['ops-channel']);
  const posted = notifier.posts;
  const heading = (i: number): string | undefined => posted[i]?.reply.blocks.find((b) => b.kind === 'heading')?.text;
  const signer = createHmacSigner('unit-test-signing-key');
  // Typed in full (no cast): a field ChangeDeps gains is a compile error here, not a silent failure.
  const deps: ChangeDeps = {
    policy: openPolicy,
    locks: () => locks,
    audit: () => new FakeAuditLog(),
    signer,
    clock,
    logger: silentLogger,
    metrics: new FakeMetrics(),
    pending: new PendingConfirmations(signer, new MemoryPendingStore()),
    followTimeoutMs: 60_000,
    confirmTtlMs: 60_000,
    lockRenewMs: 10_000,
  };
  /** What a replica that dies mid-change leaves: its lock, never renewed again. */
  const leave = async (name: string, replyTo: string): Promise<void> => {
    gateway.seed('chat', name, { replicas: 3 });
    const record: InFlightRecord = {
      operationId: `op-${name}`,
      verb: 'scale',
      requester: '@alice',
      via: 'mattermost',
      cluster: 'c',
      namespace: 'chat',
      name,
      steps: [{ kind: 'wait', until: 'stable', namespace: 'chat', name, generation: 2 }],
      step: 0,
      summary: 'replicas 2 -> 3',
      startedAt: clock.now().toISOString(),
      deadline: new Date(clock.now().getTime() + 3_600_000).toISOString(),
      replyTo,
    };
    await locks.acquire(
      { cluster: 'c', namespace: 'chat', name },
      { operationId: record.operationId, verb: 'scale', requester: '@alice', startedAt: clock.now(), record },
    );
  };

  await leave('first', 'ops-channel:first-root');
  await clock.advance((fakeLockSeconds + 1) * 1000); // its holder is dead by now
  const sweep = leftoverSweep({ changeDeps: deps, clusters: fakeDirectory(gateway), notifier, clock, logger: silentLogger, lockSeconds });
  const leading = new AbortController();
  const running = sweep.start(leading.signal);
  await vi.waitFor(() => expect(posted).toHaveLength(1), { timeout: 5_000 });
  expect(posted[0]).toMatchObject({ channel: 'ops-channel', root: 'first-root' });
  expect(heading(0)).toBe('scale chat/first (op op-first, asked by @alice): done after a matterops restart');

  await leave('second', 'ops-channel:second-root'); // a replica that dies now
  await clock.advance(2 * lockSeconds * 1000 - 1);
  await new Promise((r) => setTimeout(r, 50));
  expect(posted).toHaveLength(1); // long expired, but the next sweep is due two lock durations after the start
  await clock.advance(1);
  await vi.waitFor(() => expect(posted).toHaveLength(2), { timeout: 5_000 });
  expect(posted[1]).toMatchObject({ channel: 'ops-channel', root: 'second-root' });

  leading.abort();
  await running;
  await leave('third', 'ops-channel:third-root');
  await clock.advance(10 * lockSeconds * 1000);
  await new Promise((r) => setTimeout(r, 50));
  expect(posted).toHaveLength(2); // not leading: nobody sweeps here
  expect(clock.pending).toBe(0);
});
