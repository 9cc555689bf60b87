/**
 * What every ClusterWatch promises (src/core/ports/cluster-watch.ts), run against the client-node
 * adapter on the real apiserver (test/cluster/cluster-watch.test.ts) and against the fake
 * (test/unit/fake-cluster-watch.test.ts). Each test labels its objects with a value of its own and
 * watches by that label, so tests sharing a namespace never see each other's objects.
 */
import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { ResourceKind } from '../../src/core/model/resource.ts';
import type { ClusterWatch, WatchEvent, WatchSpec, WatchedObject } from '../../src/core/ports/cluster-watch.ts';

export interface WatchSubject {
  watch: ClusterWatch;
  /** A namespaced kind the subject can write (ConfigMaps). */
  resource: ResourceKind;
  namespace: string;
  otherNamespace: string;
  /** Creates or replaces an object with these labels; returns its resourceVersion. */
  put(namespace: string, name: string, labels: Record<string, string>): Promise<string>;
  remove(namespace: string, name: string): Promise<void>;
  /** What the cluster holds for a label selector, as name in namespace -> resourceVersion. */
  truth(labelSelector: string): Promise<Map<string, string>>;
  /** Lets time pass (really, or on a fake clock) until `done()` holds; fails with `what` if it never does. */
  eventually(done: () => boolean, what: string): Promise<void>;
  /** Lets a while pass in which a change, if one were coming, would have arrived. */
  pause(): Promise<void>;
}

const summary = (e: WatchEvent): string => `${e.type} ${e.object.metadata.name}`;

/** Records every event a watch hands its handler. */
function recorder(): { events: WatchEvent[]; handler: (e: WatchEvent) => void; names: () => string[] } {
  const events: WatchEvent[] = [];
  return { events, handler: (e) => events.push(e), names: () => events.map(summary) };
}

export function clusterWatchContract(name: string, make: () => WatchSubject): void {
  describe(`ClusterWatch contract: ${name}`, () => {
    const label = (): Record<string, string> => ({ 'matterops.io/contract': randomBytes(4).toString('hex') });
    const selector = (l: Record<string, string>): string =>
      Object.entries(l)
        .map(([k, v]) => `${k}=${v}`)
        .join(',');
    const spec = (s: WatchSubject, l: Record<string, string>, extra: Partial<WatchSpec> = {}): WatchSpec => ({
      resource: s.resource,
      namespace: s.namespace,
      labelSelector: selector(l),
      ...extra,
    });

    it('hands the first list to the handler as adds, then is synced, with the cache holding the same', async () => {
      const s = make();
      const l = label();
      const rvA = await s.put(s.namespace, 'first-a', l);
      const rvB = await s.put(s.namespace, 'first-b', l);
      const seen = recorder();
      const watching = s.watch.watch(spec(s, l), seen.handler);
      try {
        expect(watching.isSynced()).toBe(false);
        await watching.synced;
        expect(watching.isSynced()).toBe(true);
        expect(seen.names().sort()).toEqual(['added first-a', 'added first-b']);
        expect(watching.get(s.namespace, 'first-a')?.metadata.resourceVersion).toBe(rvA);
        expect(
          watching
            .list(s.namespace)
            .map((o) => `${o.metadata.name}@${o.metadata.resourceVersion}`)
            .sort(),
        ).toEqual([`first-a@${rvA}`, `first-b@${rvB}`]);
      } finally {
        await watching.stop();
      }
    });

    it('hands over adds, updates and deletes one by one, in the order they happened', async () => {
      const s = make();
      const l = label();
      const seen = recorder();
      const watching = s.watch.watch(spec(s, l), seen.handler);
      try {
        await watching.synced;
        expect(seen.events).toEqual([]);
        const rv1 = await s.put(s.namespace, 'order-a', l);
        const rv2 = await s.put(s.namespace, 'order-a', { ...l, round: 'two' });
        const rv3 = await s.put(s.namespace, 'order-b', l);
        await s.remove(s.namespace, 'order-a');
        const rv5 = await s.put(s.namespace, 'order-b', { ...l, round: 'two' });
        await s.eventually(() => seen.events.length >= 5, 'five changes');
        await s.pause();
        expect(seen.names()).toEqual(['added order-a', 'updated order-a', 'added order-b', 'deleted order-a', 'updated order-b']);
        const [added, updated, , deleted, last] = seen.events;
        expect(added?.object.metadata.resourceVersion).toBe(rv1);
        expect(updated?.type === 'updated' && [updated.previous.metadata.resourceVersion, updated.object.metadata.resourceVersion]).toEqual([rv1, rv2]);
        expect(seen.events[2]?.object.metadata.resourceVersion).toBe(rv3);
        expect(deleted?.object.metadata.labels?.round).toBe('two');
        expect(last?.object.metadata.resourceVersion).toBe(rv5);
        expect(watching.list(s.namespace).map((o) => o.metadata.name)).toEqual(['order-b']);
      } finally {
        await watching.stop();
      }
    });

    it('sees only what its label and field selectors select; an object that stops matching leaves as a delete', async () => {
      const s = make();
      const l = label();
      const byLabel = recorder();
      const byName = recorder();
      const labelled = s.watch.watch(spec(s, l, { labelSelector: `${selector(l)},colour=blue` }), byLabel.handler);
      const named = s.watch.watch(spec(s, l, { fieldSelector: 'metadata.name=select-c' }), byName.handler);
      try {
        await Promise.all([labelled.synced, named.synced]);
        await s.put(s.namespace, 'select-a', { ...l, colour: 'blue' });
        await s.put(s.namespace, 'select-b', { ...l, colour: 'red' });
        await s.put(s.namespace, 'select-c', { ...l, colour: 'blue' });
        await s.put(s.namespace, 'select-a', { ...l, colour: 'red' });
        await s.eventually(() => byLabel.events.length >= 3 && byName.events.length >= 1, 'the selected changes');
        await s.pause();
        expect(byLabel.names()).toEqual(['added select-a', 'added select-c', 'deleted select-a']);
        expect(byName.names()).toEqual(['added select-c']);
        expect(labelled.list().map((o) => o.metadata.name)).toEqual(['select-c']);
        expect(named.get(s.namespace, 'select-b')).toBeUndefined();
      } finally {
        await Promise.all([labelled.stop(), named.stop()]);
      }
    });

    it('watches every namespace when given none, and its cache answers per namespace', async () => {
      const s = make();
      const l = label();
      const seen = recorder();
      const watching = s.watch.watch({ resource: s.resource, labelSelector: selector(l) }, seen.handler);
      try {
        await watching.synced;
        await s.put(s.namespace, 'everywhere', l);
        await s.put(s.otherNamespace, 'everywhere', l);
        await s.eventually(() => seen.events.length >= 2, 'a change in each namespace');
        expect(seen.events.map((e) => `${e.type} ${e.object.metadata.namespace}`).sort()).toEqual([`added ${s.namespace}`, `added ${s.otherNamespace}`].sort());
        expect(watching.list(s.otherNamespace).map((o) => o.metadata.namespace)).toEqual([s.otherNamespace]);
        expect(watching.get(s.namespace, 'everywhere')).toBeDefined();
        expect(watching.list()).toHaveLength(2);
      } finally {
        await watching.stop();
      }
    });

    it('keeps a cache equal to the cluster through a burst of writes', async () => {
      const s = make();
      const l = label();
      await s.put(s.namespace, 'burst-0', l);
      const watching = s.watch.watch(spec(s, l), () => undefined);
      try {
        await watching.synced;
        for (let i = 0; i < 12; i++) await s.put(s.namespace, `burst-${i % 5}`, { ...l, round: String(i) });
        await s.remove(s.namespace, 'burst-2');
        const truth = await s.truth(selector(l));
        const cached = (): Map<string, string> =>
          new Map(watching.list().map((o) => [`${o.metadata.namespace}/${o.metadata.name}`, o.metadata.resourceVersion]));
        await s.eventually(() => JSON.stringify([...cached()].sort()) === JSON.stringify([...truth].sort()), 'the cache to match the cluster');
        expect(truth.size).toBe(4);
      } finally {
        await watching.stop();
      }
    });

    it('stops: no change reaches the handler after stop, and a watch stopped before its first list never syncs', async () => {
      const s = make();
      const l = label();
      const seen = recorder();
      const watching = s.watch.watch(spec(s, l), seen.handler);
      await watching.synced;
      await watching.stop();
      await s.put(s.namespace, 'after-stop', l);
      await s.pause();
      expect(seen.events).toEqual([]);
      const early = s.watch.watch(spec(s, l), seen.handler);
      const stopping = early.stop();
      await expect(early.synced).rejects.toThrow('stopped before its first list');
      await stopping;
      expect(early.isSynced()).toBe(false);
      expect(seen.events).toEqual([]);
    });
  });
}

/** name in namespace -> resourceVersion, for comparing a cache with the cluster. */
export function versions(objects: readonly WatchedObject[]): Map<string, string> {
  return new Map(objects.map((o) => [`${o.metadata.namespace ?? ''}/${o.metadata.name}`, o.metadata.resourceVersion]));
}
