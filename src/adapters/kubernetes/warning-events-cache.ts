/**
 * The Warning Events of the watched namespaces, kept in memory by every `serve` replica so that
 * `status` reads an installation's recent warnings without listing its namespace (issue 10;
 * docs/watching.md). One ClusterWatch of `type=Warning` Events per watched namespace (or one of
 * every namespace), so the apiserver sends no Normal event; each is kept as the few fields `status`
 * shows (EventInfo), and only while it was seen within `keepMs`: older ones are dropped when they
 * arrive and by a sweep, so a namespace full of old warnings costs nothing for long.
 */
import type { EventInfo } from '../../core/model/workload.ts';
import { concernsInstallation, recentWarningsMs, seenSince } from '../../core/model/workload.ts';
import type { Clock, Timer } from '../../core/ports/clock.ts';
import { kinds } from '../../core/model/resource.ts';
import type { ClusterWatch, WatchEvent, Watching } from '../../core/ports/cluster-watch.ts';
import { toEventInfo, type EventFields } from './kube-mappers.ts';

export interface WarningEventsCache {
  /**
   * The installation's warnings (its objects', as `listEvents` picks them) seen at or after
   * `since`, or undefined when the cache cannot tell: not listed yet, a watch failing, a namespace
   * it does not watch, or `since` older than what it keeps. The caller then asks the apiserver.
   */
  warnings(namespace: string, installation: string, since: Date): EventInfo[] | undefined;
  /** Ends the watches and the sweep. */
  stop(): Promise<void>;
}

export interface WarningEventsCacheOptions {
  watch: ClusterWatch;
  /** The namespaces to watch; undefined: every namespace. */
  namespaces: readonly string[] | undefined;
  clock: Clock;
  /** How long after it was last seen a warning is kept (default: status's window and one sweep). */
  keepMs?: number;
  /** How often warnings older than `keepMs` are dropped (default 1 minute). */
  sweepMs?: number;
}

const defaultSweepMs = 60_000;

export function startWarningEventsCache(options: WarningEventsCacheOptions): WarningEventsCache {
  const { clock, namespaces } = options;
  const sweepMs = options.sweepMs ?? defaultSweepMs;
  // One sweep more than status's window, so what status asks for is never swept between its clock read and ours.
  const keepMs = options.keepMs ?? recentWarningsMs + sweepMs;
  const byNamespace = new Map<string, Map<string, EventInfo>>();
  /** Everything seen at or after this instant is held: the latest cut-off anything was dropped at. */
  let keptFrom = new Date(0);
  const failing = new Set<Watching>();

  const drop = (kept: Map<string, EventInfo>, name: string, namespace: string): void => {
    kept.delete(name);
    if (!kept.size) byNamespace.delete(namespace);
  };
  const cutOff = (): Date => {
    const cut = new Date(clock.now().getTime() - keepMs);
    if (cut > keptFrom) keptFrom = cut;
    return cut;
  };
  const onChange = (change: WatchEvent): void => {
    const { name, namespace = '' } = change.object.metadata;
    const kept = byNamespace.get(namespace) ?? byNamespace.set(namespace, new Map()).get(namespace)!;
    const info = toEventInfo(change.object as EventFields);
    if (change.type === 'deleted' || !seenSince(cutOff())(info)) drop(kept, name, namespace);
    else kept.set(name, info);
  };
  const sweep = (): void => {
    const fresh = seenSince(cutOff());
    for (const [namespace, kept] of byNamespace) for (const [name, info] of kept) if (!fresh(info)) drop(kept, name, namespace);
  };

  const watches: Watching[] = (namespaces ?? [undefined]).map((namespace) => {
    const watching: Watching = options.watch.watch(
      {
        resource: kinds.event,
        ...(namespace === undefined ? {} : { namespace }),
        fieldSelector: 'type=Warning',
        // Between a failure and the next watch it opens, what it holds may be missing changes.
        onLifecycle: (note) => (note.kind === 'failed' ? failing.add(watching) : failing.delete(watching)),
      },
      onChange,
    );
    return watching;
  });
  const sweeper: Timer = clock.every(sweepMs, sweep, { background: true });

  /** The watch that holds a namespace's warnings, if any does. */
  const watchOf = (namespace: string): Watching | undefined => (namespaces === undefined ? watches[0] : watches[namespaces.indexOf(namespace)]);
  return {
    warnings(namespace, installation, since) {
      const watching = watchOf(namespace);
      if (!watching?.isSynced() || failing.has(watching) || since < keptFrom) return undefined;
      const fresh = seenSince(since);
      return [...(byNamespace.get(namespace)?.values() ?? [])].filter((e) => fresh(e) && concernsInstallation(installation, e.objectName));
    },
    async stop() {
      sweeper.cancel();
      await Promise.all(watches.map((w) => w.stop()));
    },
  };
}
