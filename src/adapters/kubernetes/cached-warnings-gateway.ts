/**
 * A gateway whose `listWarnings` is answered from a WarningEventsCache when the cache can tell,
 * else by the gateway it wraps (the apiserver): before the first list, while a watch fails, for a
 * namespace not watched, or further back than the cache keeps. Everything else, `impersonate`
 * included, is the wrapped gateway's: the cache holds what the bot's own identity may see, so an
 * impersonated gateway lists with its own rights.
 */
import type { Clock } from '../../core/ports/clock.ts';
import type { ClusterGateway } from '../../core/ports/cluster-gateway.ts';
import type { ClusterWatch } from '../../core/ports/cluster-watch.ts';
import { startWarningEventsCache, type WarningEventsCache } from './warning-events-cache.ts';

export function withCachedWarnings(gateway: ClusterGateway, cache: WarningEventsCache): ClusterGateway {
  const own: Pick<ClusterGateway, 'listWarnings' | 'impersonate'> = {
    listWarnings: async (namespace, installation, since) =>
      cache.warnings(namespace, installation, since) ?? gateway.listWarnings(namespace, installation, since),
    // The wrapped gateway's own view, uncached: not one that would inherit this listWarnings.
    impersonate: (user, groups) => gateway.impersonate(user, groups),
  };
  return Object.assign(Object.create(gateway) as ClusterGateway, own);
}

export interface CachedWarningsOptions {
  /** The namespaces to watch (the incident watch's, `incidents.namespaces`); undefined: every one. */
  namespaces: readonly string[] | undefined;
  clock: Clock;
}

/** What `serve` gives its directory: every context's gateway with a cache of its own, and the end of them all. */
export interface CachedWarnings {
  decorate: (context: string, gateway: ClusterGateway, watch: ClusterWatch) => ClusterGateway;
  stop: () => Promise<void>;
}

export function cachedWarnings(options: CachedWarningsOptions): CachedWarnings {
  const caches: WarningEventsCache[] = [];
  return {
    decorate: (_context, gateway, watch) => {
      const cache = startWarningEventsCache({ watch, namespaces: options.namespaces, clock: options.clock });
      caches.push(cache);
      return withCachedWarnings(gateway, cache);
    },
    stop: async () => {
      await Promise.all(caches.splice(0).map((c) => c.stop()));
    },
  };
}
