/**
 * The informer's cache: objects by namespace and name, and the one place that decides which change
 * a watch event or a fresh list means. Both return only real differences, so a handler is never
 * told twice about one version of one object (docs/watching.md).
 */
import type { WatchCache, WatchEvent, WatchedObject } from '../../core/ports/cluster-watch.ts';

const keyOf = (o: WatchedObject): string => `${o.metadata.namespace ?? ''}/${o.metadata.name}`;

/** A different uid under the same name is another object: the old one went, a new one came. */
const sameObject = (a: WatchedObject, b: WatchedObject): boolean =>
  a.metadata.uid === undefined || b.metadata.uid === undefined || a.metadata.uid === b.metadata.uid;

export class ObjectCache<T extends WatchedObject> implements WatchCache<T> {
  private readonly objects = new Map<string, T>();

  get(namespace: string, name: string): T | undefined {
    return this.objects.get(`${namespace}/${name}`);
  }

  list(namespace?: string): T[] {
    const all = [...this.objects.values()];
    return namespace === undefined ? all : all.filter((o) => (o.metadata.namespace ?? '') === namespace);
  }

  /** An object as it is now (a watch's ADDED or MODIFIED): what changed, if anything. */
  upsert(object: T): WatchEvent<T>[] {
    const key = keyOf(object);
    const previous = this.objects.get(key);
    if (previous?.metadata.resourceVersion === object.metadata.resourceVersion) return [];
    this.objects.set(key, object);
    if (!previous) return [{ type: 'added', object }];
    if (!sameObject(previous, object))
      return [
        { type: 'deleted', object: previous },
        { type: 'added', object },
      ];
    return [{ type: 'updated', object, previous }];
  }

  /** An object that went (a watch's DELETED): nothing when the cache never held it. */
  remove(object: T): WatchEvent<T>[] {
    const key = keyOf(object);
    if (!this.objects.has(key)) return [];
    this.objects.delete(key);
    return [{ type: 'deleted', object }];
  }

  /**
   * A fresh list replaces the cache (after a start or a 410 Gone): deletions of what vanished,
   * with the last version seen, then additions and updates in list order.
   */
  replace(items: readonly T[]): WatchEvent<T>[] {
    const listed = new Set(items.map(keyOf));
    const gone = [...this.objects.entries()].filter(([key]) => !listed.has(key));
    const events: WatchEvent<T>[] = [];
    for (const [key, object] of gone) {
      this.objects.delete(key);
      events.push({ type: 'deleted', object });
    }
    for (const item of items) events.push(...this.upsert(item));
    return events;
  }
}
