/**
 * The shape three rules share (crash loop, image pull, config error): pods whose containers wait
 * for one of some reasons, grouped per installation (or per container), with the image, the
 * waiting message and the pods' warning events as evidence.
 */
import { count, type Finding } from '../finding.ts';
import type { Severity } from '../incident.ts';
import type { ContainerSnapshot, InstallationSnapshot, PodSnapshot } from '../snapshot.ts';
import { distinct, eventLines, livePods, names, podObjects } from './evidence.ts';

export interface Waiting {
  pod: PodSnapshot;
  container: ContainerSnapshot;
}

/** Every live container waiting for one of `reasons`. */
export function waitingFor(s: InstallationSnapshot, reasons: ReadonlySet<string>): Waiting[] {
  return livePods(s).flatMap((pod) => pod.containers.filter((c) => reasons.has(c.waiting?.reason ?? '')).map((container) => ({ pod, container })));
}

export interface GroupFinding {
  rule: string;
  part: string;
  severity: Severity;
  /** What is wrong, after "N pods": the count is added here. */
  what: (pods: number) => string;
  openAfterMs: number;
  facts: Finding['evidence']['facts'];
}

/** One finding for a group of waiting containers (never called with an empty group). */
export function groupFinding(s: InstallationSnapshot, group: Waiting[], g: GroupFinding): Finding {
  const pods = [...new Map(group.map((w) => [w.pod.name, w.pod])).values()];
  return {
    rule: g.rule,
    part: g.part,
    severity: g.severity,
    title: `${g.what(pods.length)} (${count(pods.length, 'pod')})`,
    openAfterMs: g.openAfterMs,
    affected: names(pods),
    evidence: {
      facts: [
        ...g.facts,
        { label: 'image', value: distinct(group.map((w) => w.container.image)).join(', ') || '-' },
        ...distinct(group.map((w) => w.container.waiting?.message)).map((m) => ({ label: 'message', value: m })),
      ],
      lines: eventLines(s, podObjects(pods)),
    },
  };
}

/** Groups waiting containers by container name (a crash loop of `mattermost` and of a sidecar are two incidents). */
export function byContainer(waiting: Waiting[]): Map<string, Waiting[]> {
  const groups = new Map<string, Waiting[]>();
  for (const w of waiting) groups.set(w.container.name, [...(groups.get(w.container.name) ?? []), w]);
  return groups;
}
