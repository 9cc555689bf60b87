/**
 * The fake ClusterWatch keeps the contract the client-node adapter keeps, and, on a fake clock,
 * the informer's promises that need an apiserver to misbehave on cue: resume after a quiet end,
 * 410 after a compaction, bookmarks, backoff, restarts after errors client-node's ListWatch stops on.
 */
import { describe, expect, it } from 'vitest';
import { backoffDelay } from '../../src/adapters/kubernetes/cluster-watch-backoff.ts';
import { kinds } from '../../src/core/model/resource.ts';
import { type WatchEvent, type WatchLifecycle, type WatchSpec } from '../../src/core/ports/cluster-watch.ts';
import { clusterWatchContract, versions } from '../contract/cluster-watch.contract.ts';
import { FakeClock } from '../fakes/fake-clock.ts';
import { FakeClusterWatch, type FakeObject } from '../fakes/fake-cluster-watch.ts';

const configMap = kinds.configMap;
const object = (namespace: string, name: string, labels: Record<string, string> = {}, data: Record<string, string> = {}): FakeObject => ({
  metadata: { name, namespace, labels },
  data,
});

clusterWatchContract('fake', () => {
  const clock = new FakeClock();
  const fake = new FakeClusterWatch({ clock });
  return {
    watch: fake,
    resource: configMap,
    namespace: 'one',
    otherNamespace: 'two',
    put: (namespace, name, labels) => Promise.resolve(fake.put(configMap, object(namespace, name, labels)).metadata.resourceVersion),
    remove: (namespace, name) => Promise.resolve(fake.remove(configMap, namespace, name)),
    truth: (labelSelector) => {
      const [key = '', value] = labelSelector.split('=');
      return Promise.resolve(versions(fake.stored(configMap).filter((o) => o.metadata.labels?.[key] === value)));
    },
    eventually: async (done, what) => {
      expect(await clock.advanceUntil(done, 10_000, 50), what).toBe(true);
    },
    pause: () => clock.advance(1_000),
  };
});

interface Rig {
  clock: FakeClock;
  fake: FakeClusterWatch;
  events: string[];
  notes: WatchLifecycle[];
  spec: WatchSpec;
}

function rig(random = (): number => 0.5): Rig {
  const clock = new FakeClock();
  const fake = new FakeClusterWatch({ clock, random, backoff: { initialMs: 500, maxMs: 8_000 } });
  const notes: WatchLifecycle[] = [];
  return { clock, fake, events: [], notes, spec: { resource: configMap, namespace: 'chat', onLifecycle: (n) => notes.push(n) } };
}

const describeEvent = (e: WatchEvent): string => `${e.type} ${e.object.metadata.name}@${e.object.metadata.resourceVersion}`;

async function started(r: Rig): Promise<ReturnType<FakeClusterWatch['watch']>> {
  const watching = r.fake.watch(r.spec, (e) => r.events.push(describeEvent(e)));
  await watching.synced;
  await r.clock.advance(10);
  return watching;
}

describe('the informer over the fake apiserver', () => {
  it('resumes after a quiet end (a server timeout) from the last resourceVersion, at once and without a re-list', async () => {
    const r = rig();
    const watching = await started(r);
    const a = r.fake.put(configMap, object('chat', 'a'));
    await r.clock.advance(1_500);
    r.fake.endStreams();
    const b = r.fake.put(configMap, object('chat', 'b'));
    await r.clock.advance(0);
    expect(r.events).toEqual([`added a@${a.metadata.resourceVersion}`, `added b@${b.metadata.resourceVersion}`]);
    expect(r.fake.lists).toBe(1);
    expect(r.notes.filter((n) => n.kind === 'failed')).toEqual([]);
    await watching.stop();
  });

  it('after a compaction, re-lists on 410 and hands over exactly the differences: nothing lost, nothing twice', async () => {
    const r = rig();
    const kept = r.fake.put(configMap, object('chat', 'kept'));
    r.fake.put(configMap, object('chat', 'changed'));
    const removed = r.fake.put(configMap, object('chat', 'removed'));
    const watching = await started(r);
    r.events.length = 0;
    r.fake.down();
    r.fake.put(configMap, object('chat', 'changed', {}, { v: '2' }));
    const changed = r.fake.put(configMap, object('chat', 'changed', {}, { v: '3' }));
    r.fake.remove(configMap, 'chat', 'removed');
    const created = r.fake.put(configMap, object('chat', 'created'));
    r.fake.compact();
    await r.clock.advance(2_000);
    r.fake.up();
    await r.clock.advance(10_000);
    // The re-list cannot know the versions in between: the last one, once. A delete carries the
    // last version the cache held.
    expect(r.events).toEqual([
      `deleted removed@${removed.metadata.resourceVersion}`,
      `updated changed@${changed.metadata.resourceVersion}`,
      `added created@${created.metadata.resourceVersion}`,
    ]);
    expect(r.notes.some((n) => n.kind === 'listed' && n.cause === 'gone')).toBe(true);
    expect(versions(watching.list())).toEqual(versions(r.fake.stored(configMap, 'chat')));
    expect(watching.get('chat', 'kept')?.metadata.resourceVersion).toBe(kept.metadata.resourceVersion);
    await watching.stop();
  });

  it('without a compaction resumes from its resourceVersion after an outage and sees every version in between', async () => {
    const r = rig();
    const watching = await started(r);
    r.fake.down();
    const v1 = r.fake.put(configMap, object('chat', 'a', {}, { v: '1' }));
    const v2 = r.fake.put(configMap, object('chat', 'a', {}, { v: '2' }));
    r.fake.up();
    await r.clock.advance(10_000);
    expect(r.events).toEqual([`added a@${v1.metadata.resourceVersion}`, `updated a@${v2.metadata.resourceVersion}`]);
    expect(r.fake.lists).toBe(1);
    await watching.stop();
  });

  it('bookmarks keep the resume point fresh: a compaction behind the last bookmark needs no re-list', async () => {
    const r = rig();
    const watching = await started(r);
    // Writes to another namespace move the resourceVersion without an event for this watch.
    r.fake.put(configMap, object('elsewhere', 'x'));
    r.fake.bookmark();
    await r.clock.advance(10);
    r.fake.compact();
    r.fake.endStreams();
    await r.clock.advance(1_000);
    expect(r.fake.lists).toBe(1);
    expect(r.notes.some((n) => n.kind === 'listed' && n.cause === 'gone')).toBe(false);
    await watching.stop();
  });

  it('restarts with capped, jittered, doubling waits while the apiserver is down, on the clock', async () => {
    const r = rig();
    const watching = await started(r);
    r.fake.down();
    await r.clock.advance(60_000);
    const waits = r.notes.flatMap((n) => (n.kind === 'failed' ? [n.retryInMs] : []));
    expect(waits.slice(0, 6)).toEqual([375, 750, 1500, 3000, 6000, 6000]);
    r.fake.up();
    const a = r.fake.put(configMap, object('chat', 'a'));
    await r.clock.advance(8_000);
    expect(r.events).toEqual([`added a@${a.metadata.resourceVersion}`]);
    await watching.stop();
  });

  it('draws each wait between half and all of its ceiling', () => {
    const backoff = { initialMs: 1_000, maxMs: 30_000 };
    expect([0, 0.999].map((x) => backoffDelay(0, backoff, () => x))).toEqual([500, 1000]);
    expect([0, 0.999].map((x) => backoffDelay(10, backoff, () => x))).toEqual([15_000, 29_985]);
  });

  it("keeps trying after errors client-node's ListWatch stops on: a refused watch (403) and a failed list", async () => {
    const r = rig();
    r.fake.refuseWatches(403);
    r.fake.down();
    const watching = r.fake.watch(r.spec, (e) => r.events.push(describeEvent(e)));
    await r.clock.advance(3_000);
    expect(watching.isSynced()).toBe(false);
    r.fake.up();
    await r.clock.advance(3_000);
    expect(watching.isSynced()).toBe(true);
    const failures = r.notes.filter((n) => n.kind === 'failed');
    expect(failures.some((n) => n.kind === 'failed' && n.during === 'list')).toBe(true);
    expect(failures.some((n) => n.kind === 'failed' && n.during === 'watch' && n.message === 'Forbidden')).toBe(true);
    r.fake.refuseWatches(undefined);
    const a = r.fake.put(configMap, object('chat', 'a'));
    await r.clock.advance(10_000);
    expect(r.events).toEqual([`added a@${a.metadata.resourceVersion}`]);
    await watching.stop();
  });

  it('goes on after a handler throws', async () => {
    const r = rig();
    const seen: string[] = [];
    const watching = r.fake.watch(r.spec, (e) => {
      seen.push(e.object.metadata.name);
      if (e.object.metadata.name === 'bad') throw new Error('handler bug');
    });
    await watching.synced;
    r.fake.put(configMap, object('chat', 'bad'));
    r.fake.put(configMap, object('chat', 'good'));
    await r.clock.advance(100);
    expect(seen).toEqual(['bad', 'good']);
    await watching.stop();
  });

  it('leaves no timer and no open watch once stopped, even in the middle of a backoff', async () => {
    const r = rig();
    const watching = await started(r);
    r.fake.down();
    await r.clock.advance(100);
    expect(r.clock.pending).toBe(1);
    await watching.stop();
    expect(r.clock.pending).toBe(0);
    expect(r.fake.openStreams).toBe(0);
  });
});
