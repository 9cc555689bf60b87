/**
 * Watching a kind of Kubernetes object as an informer does (issue 10, item 4): list, then watch from
 * the list's resourceVersion, keep a local cache, and hand every change to one handler in order.
 * What it guarantees (resume, re-list on 410 Gone, backoff, cache) is in docs/watching.md; the
 * client-node adapter and the fake in test/fakes pass test/contract/cluster-watch.contract.ts.
 * A kind is named as a change names it (model/resource.ts: `kinds`).
 */
import type { ResourceKind } from '../model/resource.ts';

/** What to watch: one kind, in one namespace or all of them, narrowed by Kubernetes selectors. */
export interface WatchSpec {
  resource: ResourceKind;
  /** One namespace; undefined watches every namespace (or a cluster-scoped kind). */
  namespace?: string;
  /** A Kubernetes label selector (`app=mattermost,tier!=db`). */
  labelSelector?: string;
  /** A Kubernetes field selector (`metadata.name=chat`). */
  fieldSelector?: string;
  /** Told when the watch lists, opens or fails (logs, metrics, tests). */
  onLifecycle?: (note: WatchLifecycle) => void;
}

/** The part of every Kubernetes object a watch relies on; the rest is passed through as served. */
export interface WatchedObject {
  apiVersion?: string;
  kind?: string;
  metadata: {
    name: string;
    namespace?: string;
    uid?: string;
    resourceVersion: string;
    labels?: Record<string, string>;
    [field: string]: unknown;
  };
  [field: string]: unknown;
}

/** One change, as the cache saw it happen. `previous` is the version the cache held before. */
export type WatchEvent<T extends WatchedObject = WatchedObject> =
  | { type: 'added'; object: T }
  | { type: 'updated'; object: T; previous: T }
  | { type: 'deleted'; object: T };

/** Called once per change, in order, never twice for one version of one object. */
export type WatchHandler<T extends WatchedObject = WatchedObject> = (event: WatchEvent<T>) => void;

/** How the watch is doing: why it (re)listed, when a watch opened, and each failure with its wait. */
export type WatchLifecycle =
  | { kind: 'listed'; cause: 'start' | 'gone'; resourceVersion: string; objects: number }
  | { kind: 'watching'; resourceVersion: string }
  | { kind: 'failed'; during: 'list' | 'watch'; message: string; retryInMs: number };

/** The local cache: what the handler has been told, so reads need not go to the apiserver. */
export interface WatchCache<T extends WatchedObject = WatchedObject> {
  /** `namespace` is '' for a cluster-scoped object. */
  get(namespace: string, name: string): T | undefined;
  /** Every cached object, or those of one namespace. */
  list(namespace?: string): T[];
}

/** A running watch. */
export interface Watching<T extends WatchedObject = WatchedObject> extends WatchCache<T> {
  /** Resolves once the first list has been handed to the handler; rejects if stopped before. */
  readonly synced: Promise<void>;
  isSynced(): boolean;
  /** Closes the watch and every timer; resolves when nothing of it is left running. */
  stop(): Promise<void>;
}

export interface ClusterWatch {
  watch<T extends WatchedObject = WatchedObject>(spec: WatchSpec, handler: WatchHandler<T>): Watching<T>;
}
