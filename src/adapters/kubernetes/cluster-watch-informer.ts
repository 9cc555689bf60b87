/**
 * The list-then-watch loop behind ClusterWatch (docs/watching.md). It replaces client-node's
 * ListWatch, which stops for good on any error but a 410 or a client timeout (cache.js,
 * `doneHandler`: a refused connection while the apiserver restarts, a 403, a 500, a failed list)
 * and never asks for bookmarks. Here every ending leads to another try:
 * - a watch that ends quietly (server timeout, client-node's inactivity timer) resumes at once from
 *   the last resourceVersion seen; bookmarks keep that fresh;
 * - 410 Gone re-lists and hands the handler only what differs from the cache;
 * - any other error waits (capped exponential backoff with jitter, on the Clock) and resumes.
 */
import type { Clock } from '../../core/ports/clock.ts';
import type { WatchEvent, WatchHandler, WatchLifecycle, WatchSpec, WatchedObject, Watching } from '../../core/ports/cluster-watch.ts';
import type { Logger } from '../../core/ports/logger.ts';
import { backoffDelay, defaultBackoff, type Backoff } from './cluster-watch-backoff.ts';
import { ObjectCache } from './cluster-watch-cache.ts';
import { isGone, type ListWatchSource, type StreamEvent, type WatchStream } from './cluster-watch-source.ts';

export interface InformerOptions {
  clock: Clock;
  backoff?: Backoff;
  /** [0, 1), for the jitter; tests pass a fixed one. */
  random?: () => number;
  logger?: Logger;
}

/** A watch that delivered something, or stayed open this long, was healthy: its end is no failure. */
const healthyAfterMs = 1_000;

type Ending = { kind: 'gone'; healthy: boolean } | { kind: 'failed'; error: unknown; healthy: boolean } | { kind: 'closed'; healthy: boolean };

/** client-node's Watch ends a silent watch with a TimeoutError: a quiet stream, not a failure. */
const isQuietEnd = (error: unknown): boolean => (error as { name?: unknown } | undefined)?.name === 'TimeoutError';

/**
 * Whether an ending must wait before the next try: a healthy quiet end resumes at once, so does a
 * first 410 (it re-lists); a second 410 in a row (the fresh list already too old?) waits like an error.
 */
function failureOf(ending: Ending, goneInARow: number): unknown {
  if (ending.kind === 'failed') return ending.error;
  if (ending.kind === 'gone') return goneInARow > 1 ? new Error('410 Gone right after a list') : undefined;
  return ending.healthy ? undefined : new Error('the watch closed at once');
}

const messageOf = (error: unknown): string => (error instanceof Error ? error.message : String(error));

class Informer<T extends WatchedObject> implements Watching<T> {
  readonly synced: Promise<void>;
  private readonly cache = new ObjectCache<T>();
  private readonly stopping = new AbortController();
  private readonly loop: Promise<void>;
  private readonly backoff: Backoff;
  private readonly random: () => number;
  private resolveSynced: () => void = () => undefined;
  private rejectSynced: (error: Error) => void = () => undefined;
  private hasSynced = false;
  private resourceVersion = '';
  private attempt = 0;
  private stream: WatchStream | undefined;
  private endWatch: ((ending: Ending) => void) | undefined;

  private readonly source: ListWatchSource;
  private readonly spec: WatchSpec;
  private readonly handler: WatchHandler<T>;
  private readonly options: InformerOptions;

  constructor(source: ListWatchSource, spec: WatchSpec, handler: WatchHandler<T>, options: InformerOptions) {
    this.source = source;
    this.spec = spec;
    this.handler = handler;
    this.options = options;
    this.backoff = options.backoff ?? defaultBackoff;
    this.random = options.random ?? Math.random;
    this.synced = new Promise<void>((resolve, reject) => {
      this.resolveSynced = resolve;
      this.rejectSynced = reject;
    });
    this.synced.catch(() => undefined); // a caller that never awaits it must not see an unhandled rejection
    this.loop = this.run();
  }

  get(namespace: string, name: string): T | undefined {
    return this.cache.get(namespace, name);
  }
  list(namespace?: string): T[] {
    return this.cache.list(namespace);
  }
  isSynced(): boolean {
    return this.hasSynced;
  }

  async stop(): Promise<void> {
    if (!this.stopping.signal.aborted) {
      this.stopping.abort(new Error('watch stopped'));
      this.stream?.close();
      this.endWatch?.({ kind: 'closed', healthy: true });
      if (!this.hasSynced) this.rejectSynced(new Error('the watch was stopped before its first list'));
    }
    await this.loop;
  }

  private get stopped(): boolean {
    return this.stopping.signal.aborted;
  }

  private async run(): Promise<void> {
    let needList = true;
    let goneInARow = 0;
    while (!this.stopped) {
      if (needList && !(await this.relist())) continue;
      if (this.stopped) break;
      const ending = await this.watchOnce();
      if (this.stopped) break;
      if (ending.healthy) this.attempt = 0;
      goneInARow = ending.kind === 'gone' ? goneInARow + 1 : 0;
      needList = ending.kind === 'gone';
      const failure = failureOf(ending, goneInARow);
      if (failure) await this.pause('watch', failure);
    }
  }

  private async relist(): Promise<boolean> {
    let listed;
    try {
      listed = await this.source.list(this.spec, this.stopping.signal);
    } catch (error) {
      if (!this.stopped) await this.pause('list', error);
      return false;
    }
    if (this.stopped) return false;
    this.deliver(this.cache.replace(listed.items as T[]));
    this.resourceVersion = listed.resourceVersion;
    this.note({ kind: 'listed', cause: this.hasSynced ? 'gone' : 'start', resourceVersion: listed.resourceVersion, objects: listed.items.length });
    if (!this.hasSynced) {
      this.hasSynced = true;
      this.resolveSynced();
    }
    return true;
  }

  private watchOnce(): Promise<Ending> {
    return new Promise<Ending>((resolve) => {
      const openedAt = this.options.clock.now().getTime();
      let delivered = false;
      let gone = false;
      let streamError: Error | undefined;
      const healthy = (): boolean => delivered || this.options.clock.now().getTime() - openedAt >= healthyAfterMs;
      const end = (ending: Ending): void => {
        this.endWatch = undefined;
        this.stream = undefined;
        resolve(ending);
      };
      this.endWatch = end;
      this.note({ kind: 'watching', resourceVersion: this.resourceVersion });
      const onEvent = (event: StreamEvent): void => {
        if (this.stopped || this.endWatch !== end) return;
        if (event.type === 'ERROR') {
          if (event.code === 410) gone = true;
          else streamError = Object.assign(new Error(event.message), { code: event.code });
          return;
        }
        delivered = true;
        this.apply(event);
      };
      const onDone = (error?: unknown): void => {
        if (this.endWatch !== end) return;
        const failure = streamError ?? (error === undefined || error === null || isQuietEnd(error) ? undefined : error);
        if (gone || isGone(error)) end({ kind: 'gone', healthy: healthy() });
        else if (failure !== undefined) end({ kind: 'failed', error: failure, healthy: healthy() });
        else end({ kind: 'closed', healthy: healthy() });
      };
      try {
        const stream = this.source.watch(this.spec, this.resourceVersion, { event: onEvent, done: onDone });
        if (this.endWatch === end) this.stream = stream;
      } catch (error) {
        onDone(error);
      }
    });
  }

  private apply(event: Exclude<StreamEvent, { type: 'ERROR' }>): void {
    const object = event.object as T;
    if (event.type === 'ADDED' || event.type === 'MODIFIED') this.deliver(this.cache.upsert(object));
    else if (event.type === 'DELETED') this.deliver(this.cache.remove(object));
    if (object.metadata.resourceVersion) this.resourceVersion = object.metadata.resourceVersion;
  }

  private deliver(events: WatchEvent<T>[]): void {
    for (const event of events) {
      try {
        this.handler(event);
      } catch (error) {
        // The handler's own failure is not the watch's: log it and go on with the next change.
        this.options.logger?.error({ resource: this.spec.resource.plural, error: messageOf(error) }, 'a watch handler failed');
      }
    }
  }

  private async pause(during: 'list' | 'watch', error: unknown): Promise<void> {
    const retryInMs = backoffDelay(this.attempt++, this.backoff, this.random);
    this.note({ kind: 'failed', during, message: messageOf(error), retryInMs });
    this.options.logger?.warn(
      { resource: this.spec.resource.plural, namespace: this.spec.namespace ?? '*', during, error: messageOf(error), retryInMs },
      'watch failed; trying again',
    );
    await this.options.clock.sleep(retryInMs, this.stopping.signal).catch(() => undefined);
  }

  private note(lifecycle: WatchLifecycle): void {
    try {
      this.spec.onLifecycle?.(lifecycle);
    } catch {
      // An observer's failure must not stop the watch.
    }
  }
}

/** Starts list-then-watch of `spec` over `source`; `stop()` ends it. */
export function startInformer<T extends WatchedObject>(
  source: ListWatchSource,
  spec: WatchSpec,
  handler: WatchHandler<T>,
  options: InformerOptions,
): Watching<T> {
  return new Informer<T>(source, spec, handler, options);
}
