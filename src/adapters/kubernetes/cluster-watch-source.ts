/**
 * What an informer needs from an apiserver: a list, and a watch from a resourceVersion. The
 * client-node implementation is cluster-watch-kube-source.ts; test/fakes/fake-cluster-watch.ts keeps
 * one in memory. The informer (cluster-watch-informer.ts) does the rest the same way over both.
 */
import type { WatchedObject, WatchSpec } from '../../core/ports/cluster-watch.ts';

export interface ListedObjects {
  items: WatchedObject[];
  /** The resourceVersion the list was read at: the watch starts from here. */
  resourceVersion: string;
}

/** One line of a watch stream. A bookmark's object carries only `metadata.resourceVersion`. */
export type StreamEvent =
  | { type: 'ADDED' | 'MODIFIED' | 'DELETED' | 'BOOKMARK'; object: WatchedObject }
  | { type: 'ERROR'; code: number | undefined; message: string };

export interface StreamHandlers {
  event(event: StreamEvent): void;
  /** Called once, when the stream ends for any reason; `error` says why, if it was not a close. */
  done(error?: unknown): void;
}

export interface WatchStream {
  close(): void;
}

export interface ListWatchSource {
  list(spec: WatchSpec, signal: AbortSignal): Promise<ListedObjects>;
  /** Opens a watch that reports what changed after `resourceVersion`, bookmarks included. */
  watch(spec: WatchSpec, resourceVersion: string, handlers: StreamHandlers): WatchStream;
}

/**
 * 410 Gone: the resourceVersion is older than what the apiserver (or etcd, after a compaction)
 * still holds. Sources say it as an ERROR event with code 410 or as an error with status 410.
 */
export function isGone(error: unknown): boolean {
  const e = error as { statusCode?: unknown; code?: unknown } | undefined;
  return e?.statusCode === 410 || e?.code === 410;
}
