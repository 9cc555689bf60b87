/** What several rules put in evidence: the warning events of the objects affected, and pod facts. */
import type { ContainerSnapshot, EventSnapshot, InstallationSnapshot, PodSnapshot } from '../snapshot.ts';

/** At most this many event lines in a root post: the newest, which say what is happening now. */
const eventLinesShown = 5;

const time = (d: Date | undefined): string => (d ? `${d.toISOString().slice(11, 19)}Z` : '-');

const eventLine = (e: EventSnapshot): string => `${time(e.lastSeen)} ${e.reason}${e.count > 1 ? ` x${e.count}` : ''} on ${e.object}: ${e.message}`;

/** The newest warning events about the objects named (`Pod/<name>` or `Deployment/<name>`...). */
export function eventLines(s: InstallationSnapshot, objects: readonly string[]): string[] {
  const wanted = new Set(objects);
  return s.events
    .filter((e) => wanted.has(e.object))
    .sort((a, b) => (b.lastSeen?.getTime() ?? 0) - (a.lastSeen?.getTime() ?? 0))
    .slice(0, eventLinesShown)
    .map(eventLine);
}

export const podObjects = (pods: readonly PodSnapshot[]): string[] => pods.map((p) => `Pod/${p.name}`);

/** Live pods: the ones being deleted no longer say anything about the installation. */
export const livePods = (s: InstallationSnapshot): PodSnapshot[] => s.pods.filter((p) => !p.deleting);

/** The earliest of some dates, or undefined when none is known. */
export function earliest(dates: readonly (Date | undefined)[]): Date | undefined {
  const known = dates.filter((d): d is Date => d !== undefined);
  return known.length ? new Date(Math.min(...known.map((d) => d.getTime()))) : undefined;
}

export const names = (pods: readonly PodSnapshot[]): string[] => pods.map((p) => p.name).sort();

export const distinct = (values: readonly (string | undefined)[]): string[] => [...new Set(values.filter((v): v is string => !!v))].sort();

/**
 * Where the previous log of the newest of some ended containers is: the pod whose container
 * ended last says most about the crash happening now.
 */
export function newestEnded(ended: readonly { pod: PodSnapshot; container: ContainerSnapshot }[]): { pod: string; container: string } | undefined {
  const newest = [...ended].sort(
    (a, b) =>
      (b.container.lastTerminated?.finishedAt?.getTime() ?? 0) - (a.container.lastTerminated?.finishedAt?.getTime() ?? 0) ||
      a.pod.name.localeCompare(b.pod.name),
  )[0];
  return newest && { pod: newest.pod.name, container: newest.container.name };
}
