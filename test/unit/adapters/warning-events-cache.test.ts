/**
 * The events cache of `serve` over the fake ClusterWatch on the fake clock: the contract the real
 * apiserver also runs (test/cluster/warning-events-cache.test.ts), then what needs time to pass or an
 * apiserver to fail on cue: the age cap and its sweep, a failing watch, every namespace, the stop.
 */
import { describe, expect, it } from 'vitest';
import { startWarningEventsCache } from '../../../src/adapters/kubernetes/warning-events-cache.ts';
import { kinds } from '../../../src/core/model/resource.ts';
import type { ClusterWatch } from '../../../src/core/ports/cluster-watch.ts';
import { warningEventsCacheContract } from '../../contract/warning-events-cache.contract.ts';
import { FakeClock } from '../../fakes/fake-clock.ts';
import { FakeClusterWatch } from '../../fakes/fake-cluster-watch.ts';
import type { RecordedEvent } from '../../support/record-event.ts';

/** An Event as the apiserver serves it in JSON (timestamps as strings). */
const served = (name: string, e: RecordedEvent) => ({
  metadata: { name, namespace: e.namespace },
  type: e.type,
  reason: e.reason,
  message: e.message,
  involvedObject: { kind: e.objectKind, name: e.objectName, namespace: e.namespace },
  count: 1,
  lastTimestamp: e.lastSeen.toISOString().replace('.000Z', 'Z'),
});

function rig(): { clock: FakeClock; fake: FakeClusterWatch; record: (e: RecordedEvent) => string } {
  const clock = new FakeClock();
  const fake = new FakeClusterWatch({ clock, random: () => 0 });
  let n = 0;
  const record = (e: RecordedEvent): string => {
    const name = `${e.objectName}.${(n++).toString(36)}`;
    fake.put(kinds.event, served(name, e));
    return name;
  };
  return { clock, fake, record };
}

warningEventsCacheContract('fake ClusterWatch', () => {
  const { clock, fake, record } = rig();
  return {
    watch: fake,
    clock,
    namespace: 'chat',
    unwatched: 'staging',
    record: (e) => Promise.resolve(record(e)),
    rewrite: (name, e) => Promise.resolve(void fake.put(kinds.event, served(name, e))),
    remove: (namespace, name) => Promise.resolve(fake.remove(kinds.event, namespace, name)),
    eventually: async (done, what) => {
      expect(await clock.advanceUntil(done, 10_000, 50), what).toBe(true);
    },
  };
});

const minutes = (clock: FakeClock, m: number): Date => new Date(clock.now().getTime() - m * 60_000);
const warning = (clock: FakeClock, objectName: string, reason: string, minutesAgo: number, namespace = 'chat'): RecordedEvent => ({
  namespace,
  type: 'Warning',
  objectKind: 'Pod',
  objectName,
  reason,
  message: 'm',
  lastSeen: minutes(clock, minutesAgo),
});

describe('events cache', () => {
  it('keeps a warning for status’s hour and one sweep, then drops it, and then says nothing of before', async () => {
    const { clock, fake, record } = rig();
    const seenAt = clock.now();
    record(warning(clock, 'mattermost-a', 'BackOff', 0));
    const cache = startWarningEventsCache({ watch: fake, namespaces: ['chat'], clock, sweepMs: 60_000 });
    await clock.advanceUntil(() => cache.warnings('chat', 'mattermost', minutes(clock, 60)) !== undefined, 1_000, 10);
    const reasonsSince = (since: Date): string[] | undefined => cache.warnings('chat', 'mattermost', since)?.map((e) => e.reason);
    await clock.advance(30 * 60_000);
    expect(reasonsSince(minutes(clock, 60))).toEqual(['BackOff']);
    // Past status's hour it is still held (the window and one sweep), for a caller asking from then.
    await clock.advance(30.5 * 60_000);
    expect(reasonsSince(minutes(clock, 60))).toEqual([]);
    expect(reasonsSince(seenAt)).toEqual(['BackOff']);
    // Swept: and what the cache no longer holds, it does not claim to know.
    await clock.advance(2 * 60_000);
    expect(reasonsSince(minutes(clock, 60))).toEqual([]);
    expect(reasonsSince(seenAt)).toBeUndefined();
    await cache.stop();
  });

  it('does not keep a warning already older than its window when it arrives', async () => {
    const { clock, fake, record } = rig();
    const cache = startWarningEventsCache({ watch: fake, namespaces: ['chat'], clock });
    await clock.advanceUntil(() => cache.warnings('chat', 'mattermost', minutes(clock, 60)) !== undefined, 1_000, 10);
    record(warning(clock, 'mattermost-a', 'Stale', 62));
    record(warning(clock, 'mattermost-a', 'Fresh', 1));
    await clock.advanceUntil(() => (cache.warnings('chat', 'mattermost', minutes(clock, 60))?.length ?? 0) > 0, 1_000, 10);
    expect(cache.warnings('chat', 'mattermost', minutes(clock, 60))?.map((e) => e.reason)).toEqual(['Fresh']);
    expect(cache.warnings('chat', 'mattermost', minutes(clock, 120))).toBeUndefined();
    await cache.stop();
  });

  it('says nothing while its watch fails, and answers again once it watches', async () => {
    const { clock, fake, record } = rig();
    record(warning(clock, 'mattermost-a', 'BackOff', 1));
    const cache = startWarningEventsCache({ watch: fake, namespaces: ['chat'], clock });
    await clock.advanceUntil(() => cache.warnings('chat', 'mattermost', minutes(clock, 60)) !== undefined, 1_000, 10);
    fake.down();
    await clock.advance(10);
    expect(cache.warnings('chat', 'mattermost', minutes(clock, 60))).toBeUndefined();
    fake.up();
    record(warning(clock, 'mattermost-b', 'Missed', 0));
    expect(await clock.advanceUntil(() => cache.warnings('chat', 'mattermost', minutes(clock, 60))?.length === 2, 60_000, 100)).toBe(true);
    await cache.stop();
  });

  it('watches every namespace when none are named, and leaves nothing running once stopped', async () => {
    const { clock, fake, record } = rig();
    record(warning(clock, 'mattermost-staging-a', 'BackOff', 1, 'staging'));
    const cache = startWarningEventsCache({ watch: fake, namespaces: undefined, clock });
    await clock.advanceUntil(() => cache.warnings('staging', 'mattermost-staging', minutes(clock, 60)) !== undefined, 1_000, 10);
    expect(cache.warnings('staging', 'mattermost-staging', minutes(clock, 60))?.map((e) => e.reason)).toEqual(['BackOff']);
    expect(cache.warnings('anywhere', 'mattermost', minutes(clock, 60))).toEqual([]);
    await cache.stop();
    expect(fake.openStreams).toBe(0);
    expect(clock.pending).toBe(0);
  });

  it('asks the apiserver for Warning events only', async () => {
    const { clock, fake } = rig();
    const specs: string[] = [];
    const spying: ClusterWatch = {
      watch: (spec, handler) => {
        specs.push(spec.fieldSelector ?? '');
        return fake.watch(spec, handler);
      },
    };
    const cache = startWarningEventsCache({ watch: spying, namespaces: ['chat', 'staging'], clock });
    expect(specs).toEqual(['type=Warning', 'type=Warning']);
    await cache.stop();
  });
});
