/**
 * follow() on the fake gateway: a delete is done only once the object was seen gone, evaluations
 * never overlap (a slow read must not stack up more reads), and an abort signal ends it at once.
 */
import { systemClock } from '../../../src/core/ports/clock.ts';
import { describe, expect, it } from 'vitest';
import { follow, type FollowOutcome, type FollowRequest } from '../../../src/core/change/follow.ts';
import type { Installation } from '../../../src/core/model/installation.ts';
import type { ClusterGateway, Subscription } from '../../../src/core/ports/cluster-gateway.ts';
import type { JobInfo } from '../../../src/core/model/workload.ts';
import { FakeClusterGateway } from '../../fakes/fake-cluster-gateway.ts';

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** The fake, with a watch that starts delivering only after `delayMs` (a slow first watch event). */
function lateWatch(fake: FakeClusterGateway, delayMs: number): ClusterGateway {
  const view = Object.create(fake) as FakeClusterGateway;
  view.watchInstallation = (namespace: string, name: string, onChange: (i: Installation | undefined) => void): Subscription => {
    let inner: Subscription | undefined;
    let stopped = false;
    const timer = setTimeout(() => {
      if (!stopped) inner = fake.watchInstallation(namespace, name, onChange);
    }, delayMs);
    return {
      stop: () => {
        stopped = true;
        clearTimeout(timer);
        inner?.stop();
      },
    };
  };
  return view;
}

function request(gateway: ClusterGateway, over: Partial<FollowRequest> = {}): FollowRequest {
  return {
    gateway,
    namespace: 'chat',
    name: 'mattermost',
    until: 'stable',
    generation: 2,
    deadline: new Date(Date.now() + 5_000),
    clock: systemClock,
    onProgress: () => undefined,
    pollMs: 5,
    ...over,
  };
}

/** Settles to the outcome, or to 'pending' when it has not finished by now. */
async function state(outcome: Promise<FollowOutcome>): Promise<FollowOutcome | 'pending'> {
  return await Promise.race([outcome, sleep(0).then(() => 'pending' as const)]);
}

describe('follow: a delete is done only once the object was seen gone', () => {
  it('does not say deleted while the first watch event is late and the object still exists', async () => {
    const fake = new FakeClusterGateway();
    fake.seed('chat', 'mattermost');
    const outcome = follow(request(lateWatch(fake, 80), { until: 'deleted' }));
    await sleep(40); // several poll ticks, no watch event yet
    expect(await state(outcome)).toBe('pending');
    await sleep(80); // the watch has now delivered: the object is still there
    expect(await state(outcome)).toBe('pending');
    await fake.deleteInstallation('chat', 'mattermost', {});
    expect(await outcome).toEqual({ status: 'succeeded', text: 'deleted' });
  });

  it('says deleted once the watch reports the object absent', async () => {
    const fake = new FakeClusterGateway();
    expect(await follow(request(fake, { until: 'deleted' }))).toEqual({ status: 'succeeded', text: 'deleted' });
  });
});

describe('follow: one evaluation at a time', () => {
  function slowJobs(fake: FakeClusterGateway, ms: number): { gateway: ClusterGateway; maxConcurrent: () => number; calls: () => number } {
    let running = 0;
    let max = 0;
    let calls = 0;
    const view = Object.create(fake) as FakeClusterGateway;
    view.listJobs = async (): Promise<JobInfo[]> => {
      calls++;
      max = Math.max(max, ++running);
      await sleep(ms);
      running--;
      return [];
    };
    return { gateway: view, maxConcurrent: () => max, calls: () => calls };
  }

  it('a slow job read does not stack up further reads (regression: setInterval overlapped)', async () => {
    const fake = new FakeClusterGateway();
    fake.seed('chat', 'mattermost', { state: 'reconciling' });
    const slow = slowJobs(fake, 60);
    const outcome = follow(request(slow.gateway, { deadline: new Date(Date.now() + 300) }));
    await sleep(250); // 50 poll ticks of 5 ms while each read takes 60 ms
    const [concurrent, calls] = [slow.maxConcurrent(), slow.calls()];
    expect((await outcome).status).toBe('timed-out');
    expect(concurrent).toBe(1);
    expect(calls).toBeLessThanOrEqual(6);
  });

  it('a change seen while a read runs is evaluated right after it, not lost', async () => {
    const fake = new FakeClusterGateway();
    fake.autoSettle = false;
    fake.seed('chat', 'mattermost', { state: 'reconciling' });
    const slow = slowJobs(fake, 60);
    const outcome = follow(request(slow.gateway, { pollMs: 60_000 }));
    await sleep(20); // the first evaluation is reading jobs
    fake.settle('chat', 'mattermost');
    const started = Date.now();
    expect(await outcome).toEqual({ status: 'succeeded', text: 'stable 2/2' });
    expect(Date.now() - started).toBeLessThan(500);
  });
});

describe('follow: an abort signal ends it at once', () => {
  it('finishes as failed with the reason when the signal aborts', async () => {
    const fake = new FakeClusterGateway();
    fake.autoSettle = false;
    fake.seed('chat', 'mattermost', { state: 'reconciling' });
    const lockLost = new AbortController();
    const outcome = follow(request(fake, { signal: lockLost.signal, deadline: new Date(Date.now() + 60_000) }));
    await sleep(20);
    expect(await state(outcome)).toBe('pending');
    lockLost.abort(new Error('the lock on chat/mattermost was lost'));
    expect(await outcome).toEqual({ status: 'failed', text: 'the lock on chat/mattermost was lost' });
  });

  it('finishes at once when the signal was aborted before it started', async () => {
    const fake = new FakeClusterGateway();
    fake.seed('chat', 'mattermost', { state: 'reconciling' });
    const outcome = await follow(request(fake, { signal: AbortSignal.abort(new Error('lock lost')) }));
    expect(outcome).toEqual({ status: 'failed', text: 'lock lost' });
  });
});
