/**
 * What the events cache of `serve` promises (src/adapters/kubernetes/warning-events-cache.ts), run
 * over the client-node ClusterWatch on the real apiserver (test/cluster/warning-events-cache.test.ts)
 * and over the fake one (test/unit/adapters/warning-events-cache.test.ts). Each test names an
 * installation of its own, so tests sharing a namespace never see each other's events.
 */
import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { startWarningEventsCache, type WarningEventsCache } from '../../src/adapters/kubernetes/warning-events-cache.ts';
import type { Clock } from '../../src/core/ports/clock.ts';
import type { ClusterWatch } from '../../src/core/ports/cluster-watch.ts';
import type { RecordedEvent } from '../support/record-event.ts';

export interface WarningCacheSubject {
  watch: ClusterWatch;
  clock: Clock;
  /** The namespace the cache watches, and one it does not. */
  namespace: string;
  unwatched: string;
  /** Records an Event as a kubelet would; returns its name. */
  record(event: RecordedEvent): Promise<string>;
  /** Replaces what the Event says (same name), as the recorder does when it happens again. */
  rewrite(name: string, event: RecordedEvent): Promise<void>;
  remove(namespace: string, name: string): Promise<void>;
  /** Lets time pass (really, or on a fake clock) until `done()` holds; fails with `what` if it never does. */
  eventually(done: () => boolean, what: string): Promise<void>;
}

export function warningEventsCacheContract(name: string, make: () => WarningCacheSubject): void {
  describe(`events cache contract: ${name}`, () => {
    const installation = (): string => `mm${randomBytes(3).toString('hex')}`;
    /** A whole second, as the apiserver keeps an Event's timestamps. */
    const ago = (s: WarningCacheSubject, minutes: number): Date => new Date(Math.floor((s.clock.now().getTime() - minutes * 60_000) / 1000) * 1000);
    const event = (s: WarningCacheSubject, over: Partial<RecordedEvent> & Pick<RecordedEvent, 'objectName' | 'reason'>): RecordedEvent => ({
      namespace: s.namespace,
      type: 'Warning',
      objectKind: 'Pod',
      message: 'probe failed',
      lastSeen: ago(s, 1),
      ...over,
    });
    const reasons = (cache: WarningEventsCache, s: WarningCacheSubject, mm: string): string[] | undefined =>
      cache
        .warnings(s.namespace, mm, ago(s, 60))
        ?.map((e) => e.reason)
        .sort();
    const start = (s: WarningCacheSubject): WarningEventsCache => startWarningEventsCache({ watch: s.watch, namespaces: [s.namespace], clock: s.clock });

    it("says nothing before its first list, then the installation's warnings: not Normal events, not another installation's", async () => {
      const s = make();
      const mm = installation();
      const seen = ago(s, 1);
      await s.record(event(s, { objectName: `${mm}-pod-a`, reason: 'BackOff', lastSeen: seen }));
      await s.record(event(s, { objectName: mm, objectKind: 'Mattermost', reason: 'ReconcileFailed' }));
      await s.record(event(s, { objectName: `${mm}-pod-a`, reason: 'Pulled', type: 'Normal' }));
      await s.record(event(s, { objectName: `other${mm}-pod`, reason: 'NotOurs' }));
      const cache = start(s);
      try {
        expect(cache.warnings(s.namespace, mm, ago(s, 60))).toBeUndefined();
        await s.eventually(() => reasons(cache, s, mm) !== undefined, 'the first list');
        expect(reasons(cache, s, mm)).toEqual(['BackOff', 'ReconcileFailed']);
        const [backOff] = cache.warnings(s.namespace, mm, ago(s, 60))?.filter((e) => e.reason === 'BackOff') ?? [];
        expect(backOff).toEqual({
          type: 'Warning',
          reason: 'BackOff',
          message: 'probe failed',
          objectKind: 'Pod',
          objectName: `${mm}-pod-a`,
          count: 1,
          lastSeen: seen,
        });
        expect(cache.warnings(s.unwatched, mm, ago(s, 60))).toBeUndefined();
      } finally {
        await cache.stop();
      }
    });

    it('follows warnings as they are added, updated and deleted', async () => {
      const s = make();
      const mm = installation();
      const cache = start(s);
      try {
        await s.eventually(() => reasons(cache, s, mm) !== undefined, 'the first list');
        expect(reasons(cache, s, mm)).toEqual([]);
        const first = event(s, { objectName: `${mm}-pod-a`, reason: 'BackOff' });
        const name = await s.record(first);
        await s.eventually(() => reasons(cache, s, mm)?.join() === 'BackOff', 'the new warning');
        await s.rewrite(name, { ...first, reason: 'Unhealthy', message: 'readiness probe failed again' });
        await s.eventually(() => reasons(cache, s, mm)?.join() === 'Unhealthy', 'the rewritten warning');
        expect(cache.warnings(s.namespace, mm, ago(s, 60))?.[0]?.message).toBe('readiness probe failed again');
        await s.remove(s.namespace, name);
        await s.eventually(() => reasons(cache, s, mm)?.length === 0, 'the warning gone');
      } finally {
        await cache.stop();
      }
    });

    it('cuts at the instant asked, and says nothing of further back than it keeps', async () => {
      const s = make();
      const mm = installation();
      await s.record(event(s, { objectName: `${mm}-pod-a`, reason: 'Recent', lastSeen: ago(s, 2) }));
      await s.record(event(s, { objectName: `${mm}-pod-b`, reason: 'HalfAnHourAgo', lastSeen: ago(s, 30) }));
      await s.record(event(s, { objectName: `${mm}-pod-c`, reason: 'TwoHoursAgo', lastSeen: ago(s, 120) }));
      const cache = start(s);
      try {
        await s.eventually(() => reasons(cache, s, mm) !== undefined, 'the first list');
        expect(reasons(cache, s, mm)).toEqual(['HalfAnHourAgo', 'Recent']);
        expect(cache.warnings(s.namespace, mm, ago(s, 10))?.map((e) => e.reason)).toEqual(['Recent']);
        expect(cache.warnings(s.namespace, mm, ago(s, 180))).toBeUndefined();
      } finally {
        await cache.stop();
      }
    });
  });
}
