/**
 * List and watch any resource kind over client-node, raw JSON in and out, so a listed object and
 * a watched one look the same (the typed clients turn timestamps into Dates; watch events do not).
 * Lists go through client-node's own HTTP library and the kubeconfig's authentication (so a
 * KeepAliveKubeConfig's kept connections and call deadline apply); watches through its Watch.
 * Objects come without `metadata.managedFields` (withoutManagedFields), as client-go's informers
 * are commonly told to keep them.
 */
import { HttpMethod, IsomorphicFetchHttpLibrary, RequestContext, Watch, type KubeConfig } from '@kubernetes/client-node';
import { groupVersionOf } from '../../core/model/resource.ts';
import type { WatchSpec, WatchedObject } from '../../core/ports/cluster-watch.ts';
import type { ListedObjects, ListWatchSource, StreamEvent, StreamHandlers, WatchStream } from './cluster-watch-source.ts';

/** Page size of a list: big namespaces come in several requests, one consistent snapshot. */
const pageSize = 500;
/** A list's deadline when the kubeconfig sets none (a KeepAliveKubeConfig does). */
const listTimeoutMs = 60_000;

/** `/api/v1/namespaces/chat/configmaps`, `/apis/installation.mattermost.com/v1beta1/mattermosts`... */
export function resourcePath(spec: WatchSpec): string {
  const { group, version } = groupVersionOf(spec.resource);
  const base = group === '' ? `/api/${version}` : `/apis/${group}/${version}`;
  const namespace = spec.namespace === undefined ? '' : `/namespaces/${encodeURIComponent(spec.namespace)}`;
  return `${base}${namespace}/${spec.resource.plural}`;
}

const selectors = (spec: WatchSpec): Record<string, string> => ({
  ...(spec.labelSelector ? { labelSelector: spec.labelSelector } : {}),
  ...(spec.fieldSelector ? { fieldSelector: spec.fieldSelector } : {}),
});

interface ListPage {
  apiVersion?: string;
  kind?: string;
  metadata?: { resourceVersion?: string; continue?: string };
  items?: WatchedObject[];
}

/** An error carrying the HTTP status, as client-node's Watch makes them (`statusCode`). */
function httpError(path: string, status: number, body: string): Error {
  let message = body.slice(0, 200);
  try {
    message = (JSON.parse(body) as { message?: string }).message ?? message;
  } catch {
    // not a Status object: keep the text
  }
  return Object.assign(new Error(`list ${path}: ${status} ${message}`), { statusCode: status });
}

async function listPage(kc: KubeConfig, url: URL, signal: AbortSignal): Promise<ListPage> {
  const context = new RequestContext(url.toString(), HttpMethod.GET);
  context.setHeaderParam('Accept', 'application/json');
  await kc.applySecurityAuthentication(context);
  const deadline = context.getSignal() ?? AbortSignal.timeout(listTimeoutMs);
  context.setSignal(AbortSignal.any([deadline, signal]));
  const response = await new IsomorphicFetchHttpLibrary().send(context).toPromise();
  const body = await response.body.text();
  if (response.httpStatusCode !== 200) throw httpError(url.pathname, response.httpStatusCode, body);
  return JSON.parse(body) as ListPage;
}

async function list(kc: KubeConfig, spec: WatchSpec, signal: AbortSignal): Promise<ListedObjects> {
  const server = kc.getCurrentCluster()?.server;
  if (!server) throw new Error('the kubeconfig has no current cluster');
  const path = resourcePath(spec);
  const items: WatchedObject[] = [];
  let resourceVersion = '';
  let next: string | undefined;
  do {
    const url = new URL(server + path);
    for (const [key, value] of Object.entries({ ...selectors(spec), limit: String(pageSize), ...(next ? { continue: next } : {}) }))
      url.searchParams.set(key, value);
    const page = await listPage(kc, url, signal);
    items.push(...itemsOf(page));
    resourceVersion = page.metadata?.resourceVersion ?? resourceVersion;
    next = page.metadata?.continue || undefined;
  } while (next);
  return { items, resourceVersion };
}

/**
 * The object without `metadata.managedFields`: the apiserver's field-ownership record, which no
 * reader of a watch uses (the bot writes with patches and replaces that omit it, which keeps it)
 * and which is about 40% of a pod's JSON; an informer keeps every object it watches, so this is
 * memory held for each one (issue 12, RSS; BENCHMARKS.md (c)).
 */
export function withoutManagedFields<T extends WatchedObject>(object: T): T {
  if (object.metadata?.managedFields === undefined) return object;
  const metadata = { ...object.metadata };
  delete metadata.managedFields;
  return { ...object, metadata };
}

/** Items of a list carry no kind; watch events do. Give them the same shape. */
function itemsOf(page: ListPage): WatchedObject[] {
  const kind = page.kind?.replace(/List$/, '');
  return (page.items ?? []).map((item) => withoutManagedFields({ apiVersion: page.apiVersion, kind, ...item }));
}

const streamTypes = new Set(['ADDED', 'MODIFIED', 'DELETED', 'BOOKMARK']);

function toStreamEvent(type: string, object: unknown): StreamEvent | undefined {
  if (type === 'ERROR') {
    const status = object as { code?: number; message?: string } | undefined;
    return { type: 'ERROR', code: status?.code, message: status?.message ?? 'watch error' };
  }
  if (!streamTypes.has(type)) return undefined;
  return { type: type as 'ADDED' | 'MODIFIED' | 'DELETED' | 'BOOKMARK', object: withoutManagedFields(object as WatchedObject) };
}

function watch(kc: KubeConfig, spec: WatchSpec, resourceVersion: string, handlers: StreamHandlers): WatchStream {
  let controller: AbortController | undefined;
  let closed = false;
  const params = { resourceVersion, allowWatchBookmarks: true, ...selectors(spec) };
  new Watch(kc)
    .watch(
      resourcePath(spec),
      params,
      (type: string, object: unknown) => {
        const event = toStreamEvent(type, object);
        if (event) handlers.event(event);
      },
      (error: unknown) => handlers.done(error ?? undefined),
    )
    .then(
      (c) => {
        controller = c;
        // Closed while the watch was being opened: close it now, or its connection lingers.
        if (closed) c.abort();
      },
      (error: unknown) => handlers.done(error),
    );
  return {
    close() {
      closed = true;
      controller?.abort();
    },
  };
}

export function createKubeListWatchSource(kc: KubeConfig): ListWatchSource {
  return {
    list: (spec, signal) => list(kc, spec, signal),
    watch: (spec, resourceVersion, handlers) => watch(kc, spec, resourceVersion, handlers),
  };
}
