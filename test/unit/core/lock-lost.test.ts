/**
 * A change whose lock cannot be renewed stops and says so (issue 9, item 12): a renewal that hangs
 * is abandoned, and before the Lease could expire the change is told its lock is lost, so it
 * neither follows on as if it held the installation nor writes again.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { whileHolding } from '../../../src/core/change/hold-lock.ts';
import { systemClock } from '../../../src/core/ports/clock.ts';
import type { HeldLock, LockManager } from '../../../src/core/ports/lock-manager.ts';
import { coreOnFakes, createHarness } from '../../support/core-harness.ts';

describe('a lost lock stops the change', () => {
  it('a renewal that hangs ends the follow with "lost its lock" well before the follow deadline', async () => {
    const h = createHarness({ lockRenewMs: 20, followTimeoutMs: 60_000 });
    h.gateway.seed('chat', 'mattermost', { replicas: 2 });
    h.gateway.autoSettle = false; // the operator never reports stable: only the lost lock can end this
    h.locks.renew = () => new Promise(() => undefined);
    const ticking = setInterval(() => h.clock.advance(25), 10);
    try {
      const started = Date.now();
      const { text, reply } = await h.run('scale mattermost 3');
      expect(Date.now() - started).toBeLessThan(5_000);
      expect(reply.error).toBe('unavailable');
      expect(text).toContain('matterops lost its lock on chat/mattermost (it could not be renewed in time)');
      expect(h.audit.entries.map((e) => e.phase)).toEqual(['requested', 'applied', 'failed']);
    } finally {
      clearInterval(ticking);
    }
  });

  it('a lock taken over by another holder is lost at the next renewal', async () => {
    const h = createHarness({ lockRenewMs: 20, followTimeoutMs: 60_000 });
    h.gateway.seed('chat', 'mattermost', { replicas: 2 });
    h.gateway.autoSettle = false;
    const running = h.run('scale mattermost 3');
    await new Promise((r) => setTimeout(r, 30));
    for (const entry of h.locks.entries.values()) entry.token = 'someone-else.1';
    const { text } = await running;
    expect(text).toContain('matterops lost its lock on chat/mattermost (another holder took it over)');
  });
});

/**
 * The watchdog (issue 9, item 12, after review): the Lease lasts three renewal periods, and another
 * matterops may take it over as soon as it has stood still that long. The change must have stopped
 * before then, so it gives up once no renewal has succeeded for two thirds of the Lease, whatever a
 * hung renewal is doing. Timed on vitest's fake clock: the assertions are exact, not loaded-CI guesses.
 */
const period = 100; // lockRenewMs: the Lease lasts 3 periods
const leaseMs = 3 * period;

function holding(renew: LockManager['renew']) {
  const locks: LockManager = {
    acquire: () => Promise.reject(new Error('not used')),
    renew,
    release: () => Promise.resolve(),
    list: () => Promise.resolve([]),
  };
  const deps = coreOnFakes({ locks: () => locks, clock: systemClock }, { lockRenewMs: period }).changeDeps;
  const lock = { target: { cluster: 'c', namespace: 'chat', name: 'mattermost' }, token: 'op1.t', holder: { operationId: 'op1' } } as unknown as HeldLock;
  const start = Date.now();
  let lostAt: number | undefined;
  let reason = '';
  let finish = (): void => undefined;
  const done = whileHolding(
    deps,
    lock,
    ({ lost }) =>
      new Promise<void>((resolve) => {
        finish = resolve;
        lost.addEventListener('abort', () => {
          lostAt = Date.now() - start;
          reason = String((lost.reason as Error).message);
          resolve();
        });
      }),
  );
  return { done, lostAt: () => lostAt, reason: () => reason, finish: () => finish(), start };
}

describe('the lock watchdog stops a change before its Lease could be taken over', () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('renewals that hang from the start lose the lock before the Lease written at acquire expires', async () => {
    const h = holding(() => new Promise(() => undefined));
    await vi.advanceTimersByTimeAsync(leaseMs);
    expect(h.lostAt()).toBeDefined();
    expect(h.lostAt()).toBeLessThan(leaseMs);
    expect(h.lostAt()).toBeGreaterThanOrEqual((2 * leaseMs) / 3);
    expect(h.reason()).toContain('it could not be renewed in time');
    await h.done;
  });

  it('renewals that hang after one succeeded lose the lock before the Lease it wrote expires', async () => {
    let renewedAt: number | undefined;
    const h = holding(() => {
      if (renewedAt !== undefined) return new Promise(() => undefined);
      renewedAt = Date.now() - h.start;
      return Promise.resolve();
    });
    await vi.advanceTimersByTimeAsync(5 * leaseMs);
    expect(renewedAt).toBe(period);
    expect(h.lostAt()).toBeDefined();
    expect(h.lostAt()).toBeLessThan(period + leaseMs);
    expect(h.lostAt()).toBeGreaterThanOrEqual(period + (2 * leaseMs) / 3);
    await h.done;
  });

  it('a renewal is given a deadline shorter than one period: its calls are told to stop', async () => {
    const signals: { at: number; signal: AbortSignal | undefined; abortedAt?: number }[] = [];
    const h = holding((_lock, options) => {
      const entry: (typeof signals)[number] = { at: Date.now() - h.start, signal: options?.signal };
      entry.signal?.addEventListener('abort', () => {
        entry.abortedAt = Date.now() - h.start;
      });
      signals.push(entry);
      return new Promise(() => undefined);
    });
    await vi.advanceTimersByTimeAsync(2 * period);
    const first = signals[0];
    expect(first?.signal).toBeDefined();
    expect(first?.abortedAt).toBeDefined();
    expect((first?.abortedAt ?? Infinity) - first!.at).toBeLessThan(period);
    h.finish();
    await vi.advanceTimersByTimeAsync(period);
    await h.done;
  });

  it('a renewal that hangs once and then answers keeps the lock', async () => {
    let calls = 0;
    const h = holding(() => (++calls === 1 ? new Promise(() => undefined) : Promise.resolve()));
    await vi.advanceTimersByTimeAsync(10 * leaseMs);
    expect(h.lostAt()).toBeUndefined();
    expect(calls).toBeGreaterThan(10);
    h.finish();
    await vi.advanceTimersByTimeAsync(period);
    await h.done;
  });
});
