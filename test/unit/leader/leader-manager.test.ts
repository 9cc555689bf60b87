/**
 * The leader manager (issue 10, item 2) on the fake clock: every runnable starts when this replica
 * leads and none before; losing the lead stops them all, and the stop resolves only once each has
 * cleaned up; a runnable that fails is started again with a doubling backoff while leading, and
 * not after; a new term begins only once the previous one has stopped.
 */
import { describe, expect, it } from 'vitest';
import type { Logger } from '../../../src/core/ports/logger.ts';
import { createLeaderManager } from '../../../src/leader/leader-manager.ts';
import { aborted, type Runnable } from '../../../src/leader/runnable.ts';
import { FakeClock } from '../../fakes/fake-clock.ts';

/** Lets promise chains settle without moving the clock. */
const settle = (): Promise<void> => new FakeClock().advance(0);

interface Probe extends Runnable {
  /** What happened to it, in order: "start", "stopped", "failed". */
  events: string[];
  running: boolean;
}

/**
 * A runnable that runs until aborted, then takes `cleanupMs` of clock time to clean up; the first
 * `failures` starts fail at once.
 */
function probe(clock: FakeClock, o: { name?: string; cleanupMs?: number; failures?: number } = {}): Probe {
  let failuresLeft = o.failures ?? 0;
  const p: Probe = {
    name: o.name ?? 'probe',
    events: [],
    running: false,
    ready: () => p.running,
    async start(signal) {
      p.events.push('start');
      if (failuresLeft > 0) {
        failuresLeft--;
        p.events.push('failed');
        throw new Error('cannot reach its peer');
      }
      p.running = true;
      await aborted(signal);
      if (o.cleanupMs) await clock.sleep(o.cleanupMs);
      p.running = false;
      p.events.push('stopped');
    },
  };
  return p;
}

function recordingLogger(): Logger & { lines: { fields: Record<string, unknown>; message: string }[] } {
  const lines: { fields: Record<string, unknown>; message: string }[] = [];
  const record = (fields: Record<string, unknown>, message: string): void => {
    lines.push({ fields, message });
  };
  return { lines, info: record, warn: record, error: record };
}

describe('leader manager', () => {
  it('starts every runnable when leading begins, and none before', async () => {
    const clock = new FakeClock();
    const [a, b] = [probe(clock, { name: 'a' }), probe(clock, { name: 'b' })];
    const manager = createLeaderManager({ runnables: [a, b], clock, logger: recordingLogger() });
    await settle();
    expect([a.running, b.running, manager.ready]).toEqual([false, false, false]);
    manager.lead();
    await settle();
    expect([a.running, b.running, manager.ready]).toEqual([true, true, true]);
  });

  it('stops them all when leading ends, and the stop waits until each has cleaned up', async () => {
    const clock = new FakeClock();
    const [quick, slow] = [probe(clock, { name: 'quick' }), probe(clock, { name: 'slow', cleanupMs: 3_000 })];
    const manager = createLeaderManager({ runnables: [quick, slow], clock, logger: recordingLogger() });
    manager.lead();
    await settle();
    let stopped = false;
    void manager.stop().then(() => {
      stopped = true;
    });
    await clock.advance(2_999);
    expect(manager.ready).toBe(false);
    expect(quick.events).toEqual(['start', 'stopped']);
    expect(slow.running).toBe(true); // still cleaning up
    expect(stopped).toBe(false);
    await clock.advance(1);
    expect(slow.events).toEqual(['start', 'stopped']);
    expect(stopped).toBe(true);
    expect(clock.pending).toBe(0);
  });

  it('starts a failed runnable again with a doubling backoff while leading, leaving the others alone', async () => {
    const clock = new FakeClock();
    const logger = recordingLogger();
    const flaky = probe(clock, { name: 'flaky', failures: 2 });
    const steady = probe(clock, { name: 'steady' });
    const manager = createLeaderManager({ runnables: [flaky, steady], clock, logger, backoffMs: 1_000, maxBackoffMs: 10_000 });
    manager.lead();
    await settle();
    expect(flaky.events).toEqual(['start', 'failed']);
    expect(logger.lines).toContainEqual({
      fields: { runnable: 'flaky', err: 'cannot reach its peer', retryInMs: 1_000 },
      message: 'a leader runnable failed; starting it again',
    });
    expect(manager.ready).toBe(false);
    await clock.advance(999);
    expect(flaky.events).toEqual(['start', 'failed']);
    await clock.advance(1);
    expect(flaky.events).toEqual(['start', 'failed', 'start', 'failed']); // second failure: the wait doubles
    await clock.advance(1_999);
    expect(flaky.events).toHaveLength(4);
    await clock.advance(1);
    expect(flaky.events).toEqual(['start', 'failed', 'start', 'failed', 'start']);
    expect([flaky.running, manager.ready]).toEqual([true, true]);
    expect(steady.events).toEqual(['start']); // never restarted
  });

  it('a runnable that ends by itself while leading counts as failed and starts again', async () => {
    const clock = new FakeClock();
    const logger = recordingLogger();
    let starts = 0;
    const quitter: Runnable = {
      name: 'quitter',
      start: () => {
        starts++;
        return Promise.resolve();
      },
    };
    const manager = createLeaderManager({ runnables: [quitter], clock, logger, backoffMs: 500 });
    manager.lead();
    await clock.advance(500);
    expect(starts).toBe(2);
    expect(logger.lines[0]?.fields).toEqual({ runnable: 'quitter', err: 'it ended while still leading', retryInMs: 500 });
    await manager.stop();
  });

  it('no restart after leading ends: the backoff wait is cut short and nothing is left scheduled', async () => {
    const clock = new FakeClock();
    const broken = probe(clock, { failures: 100 });
    const manager = createLeaderManager({ runnables: [broken], clock, logger: recordingLogger(), backoffMs: 1_000 });
    manager.lead();
    await settle();
    await manager.stop(); // resolves during the backoff wait, without the clock moving
    expect(clock.pending).toBe(0);
    await clock.advance(60_000);
    expect(broken.events).toEqual(['start', 'failed']);
  });

  it('a new term starts its runnables only once the previous term has stopped', async () => {
    const clock = new FakeClock();
    const slow = probe(clock, { cleanupMs: 2_000 });
    const manager = createLeaderManager({ runnables: [slow], clock, logger: recordingLogger() });
    manager.lead();
    await settle();
    void manager.stop();
    manager.lead(); // leading again while the last term still saves what it handled
    await clock.advance(1_999);
    expect(slow.events).toEqual(['start']);
    await clock.advance(1);
    expect(slow.events).toEqual(['start', 'stopped', 'start']);
    expect(manager.ready).toBe(true);
  });

  it('a term that ends before the previous one has stopped never starts its runnables', async () => {
    const clock = new FakeClock();
    const slow = probe(clock, { cleanupMs: 2_000 });
    const manager = createLeaderManager({ runnables: [slow], clock, logger: recordingLogger() });
    manager.lead();
    await settle();
    void manager.stop();
    manager.lead();
    const last = manager.stop();
    await clock.advance(2_000);
    await last;
    expect(slow.events).toEqual(['start', 'stopped']);
  });
});
