/**
 * Concurrent reads of one installation served by one request (issue 16, item 4): 50 people asking
 * `status mattermost` at once make four apiserver reads, not 200. A read joins one of the same
 * kind, arguments and identity that is still under way; nothing is kept once it has answered, so
 * no answer is older than a read that started when the caller asked. A write through this gateway
 * lets the reads under way finish for those already waiting but starts the next one afresh, so a
 * change never reads back what it wrote from a request sent before it wrote. Each joiner gets its
 * own copy of a list (callers sort them in place). Impersonated gateways are kept per identity, so
 * reads are shared only by callers the apiserver would answer alike.
 */
import { seenSince } from '../../core/model/workload.ts';
import type { ClusterGateway } from '../../core/ports/cluster-gateway.ts';

/** Impersonated gateways kept: more identities than this at once start over (they are cheap). */
const keptIdentities = 256;

type Reads = Pick<ClusterGateway, 'listInstallations' | 'getInstallation' | 'listPods' | 'listEvents' | 'listWarnings' | 'listJobs'>;

/** Every warning the apiserver still has: one read that callers asking from different instants can share. */
const allTime = new Date(0);

/** `family`: the flights of every identity on this cluster; a write by any of them clears them all. */
export function singleFlight(gateway: ClusterGateway, family = new Set<Map<string, Promise<unknown>>>()): ClusterGateway {
  const flights = new Map<string, Promise<unknown>>();
  family.add(flights);
  const shared = <T>(key: string, read: () => Promise<T>): Promise<T> => {
    let flight = flights.get(key) as Promise<T> | undefined;
    if (!flight) {
      flight = read();
      flights.set(key, flight);
      const done = (): void => {
        if (flights.get(key) === flight) flights.delete(key);
      };
      flight.then(done, done);
    }
    return flight.then((value) => (Array.isArray(value) ? ([...value] as T) : value));
  };
  const reads: Reads = {
    listInstallations: (namespace) => shared(`installations\0${namespace ?? ''}`, () => gateway.listInstallations(namespace)),
    getInstallation: (namespace, name) => shared(`installation\0${namespace}\0${name}`, () => gateway.getInstallation(namespace, name)),
    listPods: (namespace, installation) => shared(`pods\0${namespace}\0${installation}`, () => gateway.listPods(namespace, installation)),
    listEvents: (namespace, installation) => shared(`events\0${namespace}\0${installation}`, () => gateway.listEvents(namespace, installation)),
    // Each caller asks from its own instant (now minus a window): one read of every warning, each caller's own cut.
    listWarnings: (namespace, installation, since) =>
      shared(`warnings\0${namespace}\0${installation}`, () => gateway.listWarnings(namespace, installation, allTime)).then((found) =>
        found.filter(seenSince(since)),
      ),
    listJobs: (namespace) => shared(`jobs\0${namespace}`, () => gateway.listJobs(namespace)),
  };
  const impersonated = new Map<string, ClusterGateway>();
  // Everything else is the gateway's own (a prototype, so members added to the port later pass through).
  const own: Pick<ClusterGateway, 'write' | 'impersonate'> & Reads = {
    ...reads,
    write: (request, options) => {
      for (const f of family) f.clear();
      return gateway.write(request, options);
    },
    impersonate: (user, groups) => {
      const key = JSON.stringify([user, [...groups].sort()]);
      let as = impersonated.get(key);
      if (!as) {
        if (impersonated.size >= keptIdentities) {
          // Start over: the identities' flights leave the family with them.
          impersonated.clear();
          family.clear();
          family.add(flights);
        }
        as = singleFlight(gateway.impersonate(user, groups), family);
        impersonated.set(key, as);
      }
      return as;
    },
  };
  return Object.assign(Object.create(gateway) as ClusterGateway, own);
}
