/**
 * ClusterWatch in memory, driven by a test. It keeps objects and their history the way the
 * apiserver does (one resourceVersion counter, watches that replay what came after a version,
 * selectors, a DELETED for an object that stops matching) and runs the adapter's own informer
 * (src/adapters/kubernetes/cluster-watch-informer.ts) over that, so resume, re-list and backoff
 * behave as they do against a real apiserver. A test can compact the history (the next resume
 * from an older version gets 410 Gone), take the "apiserver" down and up, end every watch quietly
 * (a server timeout), refuse watches (a 403), and send bookmarks. Passes
 * test/contract/cluster-watch.contract.ts, as the client-node adapter does.
 */
import { randomUUID } from 'node:crypto';
import { startInformer } from '../../src/adapters/kubernetes/cluster-watch-informer.ts';
import type { Backoff } from '../../src/adapters/kubernetes/cluster-watch-backoff.ts';
import type { ListedObjects, ListWatchSource, StreamEvent, StreamHandlers, WatchStream } from '../../src/adapters/kubernetes/cluster-watch-source.ts';
import type { Clock } from '../../src/core/ports/clock.ts';
import type { ResourceKind } from '../../src/core/model/resource.ts';
import type { ClusterWatch, WatchHandler, WatchSpec, WatchedObject, Watching } from '../../src/core/ports/cluster-watch.ts';
import { FakeClock } from './fake-clock.ts';
import { matchesSelectors } from './fake-selectors.ts';

interface Change {
  revision: number;
  resource: string;
  type: 'ADDED' | 'MODIFIED' | 'DELETED';
  object: WatchedObject;
  before?: WatchedObject;
}

/** What a test writes: an object without the fields the server fills in. */
export interface FakeObject {
  metadata: { name: string; namespace?: string; labels?: Record<string, string> };
  [field: string]: unknown;
}

export interface FakeClusterWatchOptions {
  clock?: Clock;
  backoff?: Backoff;
  random?: () => number;
}

const resourceKey = (r: ResourceKind): string => `${r.apiVersion}/${r.plural}`;
const objectKey = (resource: string, namespace: string, name: string): string => `${resource}|${namespace}|${name}`;

class OpenStream {
  opened = false;
  closed = false;
  private readonly queue: ({ event: StreamEvent } | { done: unknown })[] = [];
  private flushing = false;

  readonly spec: WatchSpec;
  private readonly handlers: StreamHandlers;

  constructor(spec: WatchSpec, handlers: StreamHandlers) {
    this.spec = spec;
    this.handlers = handlers;
  }

  matches(object: WatchedObject | undefined): boolean {
    if (!object) return false;
    if (this.spec.namespace !== undefined && (object.metadata.namespace ?? '') !== this.spec.namespace) return false;
    return matchesSelectors(object, this.spec.labelSelector, this.spec.fieldSelector);
  }

  /** The event this stream sees for a change: with selectors, a change can enter or leave them. */
  offer(change: Change): void {
    const was = change.type !== 'ADDED' && this.matches(change.before);
    const now = change.type !== 'DELETED' && this.matches(change.object);
    const type = was && now ? 'MODIFIED' : now ? 'ADDED' : was ? 'DELETED' : undefined;
    if (type) this.push({ event: { type, object: structuredClone(change.object) } });
  }

  push(item: { event: StreamEvent } | { done: unknown }): void {
    if (this.closed) return;
    if ('done' in item) this.closed = true;
    this.queue.push(item);
    if (!this.flushing) {
      this.flushing = true;
      queueMicrotask(() => this.flush());
    }
  }

  private flush(): void {
    this.flushing = false;
    for (let item = this.queue.shift(); item; item = this.queue.shift()) {
      if ('done' in item) this.handlers.done(item.done);
      else this.handlers.event(item.event);
    }
  }
}

const refused = (): Error => Object.assign(new TypeError('fetch failed'), { cause: { code: 'ECONNREFUSED' } });

export class FakeClusterWatch implements ClusterWatch {
  readonly clock: Clock;
  /** Lists and watches served, so a test can tell a resume from a re-list. */
  lists = 0;
  watches = 0;
  private revision = 1000;
  private compactedAt = 0;
  private readonly objects = new Map<string, WatchedObject>();
  private readonly changes: Change[] = [];
  private readonly streams = new Set<OpenStream>();
  private outage = false;
  private refusal: Error | undefined;
  private readonly options: FakeClusterWatchOptions;
  private readonly source: ListWatchSource = {
    list: (spec, signal) => this.list(spec, signal),
    watch: (spec, resourceVersion, handlers) => this.open(spec, resourceVersion, handlers),
  };

  constructor(options: FakeClusterWatchOptions = {}) {
    this.options = options;
    this.clock = options.clock ?? new FakeClock();
  }

  watch<T extends WatchedObject = WatchedObject>(spec: WatchSpec, handler: WatchHandler<T>): Watching<T> {
    return startInformer(this.source, spec, handler, {
      clock: this.clock,
      ...(this.options.backoff ? { backoff: this.options.backoff } : {}),
      ...(this.options.random ? { random: this.options.random } : {}),
    });
  }

  /** Creates or replaces an object; returns it as stored, with its new resourceVersion. */
  put(resource: ResourceKind, object: FakeObject): WatchedObject {
    const key = resourceKey(resource);
    const namespace = object.metadata.namespace ?? '';
    const before = this.objects.get(objectKey(key, namespace, object.metadata.name));
    const stored: WatchedObject = structuredClone({
      ...object,
      metadata: { ...object.metadata, namespace, uid: before?.metadata.uid ?? randomUUID(), resourceVersion: String(++this.revision) },
    });
    this.objects.set(objectKey(key, namespace, object.metadata.name), stored);
    this.record({ revision: this.revision, resource: key, type: before ? 'MODIFIED' : 'ADDED', object: stored, ...(before ? { before } : {}) });
    return structuredClone(stored);
  }

  remove(resource: ResourceKind, namespace: string, name: string): void {
    const key = resourceKey(resource);
    const before = this.objects.get(objectKey(key, namespace, name));
    if (!before) throw new Error(`no ${resource.plural} ${namespace}/${name} to delete`);
    this.objects.delete(objectKey(key, namespace, name));
    const gone = { ...before, metadata: { ...before.metadata, resourceVersion: String(++this.revision) } };
    this.record({ revision: this.revision, resource: key, type: 'DELETED', object: gone, before });
  }

  /** What is stored now (the cluster's truth, for comparing a cache with). */
  stored(resource: ResourceKind, namespace?: string): WatchedObject[] {
    return [...this.objects.entries()]
      .filter(([k]) => k.startsWith(`${resourceKey(resource)}|${namespace === undefined ? '' : `${namespace}|`}`))
      .map(([, o]) => structuredClone(o));
  }

  /** Forgets the history up to now, as an etcd compaction does: resuming from before gets 410 Gone. */
  compact(): void {
    this.compactedAt = this.revision;
    this.changes.splice(0, this.changes.length);
  }

  /** The apiserver goes away: open watches break, lists and watches are refused until `up()`. */
  down(): void {
    this.outage = true;
    for (const stream of this.streams) this.end(stream, refused());
  }

  up(): void {
    this.outage = false;
  }

  /** Every open watch ends without an error, as at the server's timeout. */
  endStreams(): void {
    for (const stream of this.streams) this.end(stream, undefined);
  }

  /** Watches are refused with this HTTP status (a 403 while RBAC lacks `watch`), or no longer. */
  refuseWatches(status: number | undefined): void {
    this.refusal = status === undefined ? undefined : Object.assign(new Error(status === 403 ? 'Forbidden' : 'refused'), { statusCode: status });
  }

  /** Every open watch gets a bookmark at the current resourceVersion. */
  bookmark(): void {
    for (const stream of this.streams) {
      if (stream.opened) stream.push({ event: { type: 'BOOKMARK', object: { metadata: { name: '', resourceVersion: String(this.revision) } } } });
    }
  }

  get openStreams(): number {
    return this.streams.size;
  }

  private record(change: Change): void {
    this.changes.push(change);
    for (const stream of this.streams) if (stream.opened && resourceKey(stream.spec.resource) === change.resource) stream.offer(change);
  }

  private async list(spec: WatchSpec, signal: AbortSignal): Promise<ListedObjects> {
    await Promise.resolve();
    if (signal.aborted) throw signal.reason;
    if (this.outage) throw refused();
    this.lists++;
    const probe = new OpenStream(spec, { event: () => undefined, done: () => undefined });
    const items = this.stored(spec.resource).filter((o) => probe.matches(o));
    return { items, resourceVersion: String(this.revision) };
  }

  private open(spec: WatchSpec, resourceVersion: string, handlers: StreamHandlers): WatchStream {
    const stream = new OpenStream(spec, handlers);
    this.streams.add(stream);
    queueMicrotask(() => {
      if (stream.closed) return;
      if (this.outage) return this.end(stream, refused());
      if (this.refusal) return this.end(stream, this.refusal);
      this.watches++;
      const from = Number(resourceVersion);
      if (from < this.compactedAt) {
        stream.push({ event: { type: 'ERROR', code: 410, message: `too old resource version: ${from} (${this.compactedAt})` } });
        return this.end(stream, undefined);
      }
      stream.opened = true;
      const key = resourceKey(spec.resource);
      for (const change of this.changes) if (change.revision > from && change.resource === key) stream.offer(change);
    });
    return { close: () => this.end(stream, new DOMException('This operation was aborted', 'AbortError')) };
  }

  private end(stream: OpenStream, error: unknown): void {
    this.streams.delete(stream);
    stream.push({ done: error });
  }
}
