/**
 * The status reply as a card (card.ts, issue 15): the same facts `status` words in its fields and
 * tables, as data for the companion plugin's status card (state pill, replicas bar, pods, warnings).
 */
import type { CardPod, CardWarning, StatusCard } from '../card.ts';
import type { Installation } from '../model/installation.ts';
import type { Verdict } from '../model/verdict.ts';
import type { EventInfo, PodInfo } from '../model/workload.ts';
import { ageSince } from '../text/duration.ts';

export interface StatusFacts {
  installation: Installation;
  verdict: Verdict;
  /** What the `version` field says (`9.9.0`, `9.8.1 -> 9.9.0 (wanted)`). */
  version: string;
  /** Sorted by name, as the table shows them. */
  pods: PodInfo[];
  /** The newest ones the reply shows, newest first. */
  warnings: EventInfo[];
  /** What the `last backup` field says; absent when backups are off. */
  lastBackup: string | undefined;
  now: Date;
}

const podOf = (p: PodInfo, now: Date): CardPod => ({
  name: p.name,
  phase: p.terminating ? 'Terminating' : (p.waitingReason ?? p.phase),
  ready: p.ready,
  restarts: p.restarts,
  age: ageSince(p.createdAt, now),
  node: p.node ?? '-',
  lastTermination: p.lastTerminationReason ?? '-',
});

const warningOf = (e: EventInfo, now: Date): CardWarning => ({
  age: ageSince(e.lastSeen, now),
  object: `${e.objectKind}/${e.objectName}`,
  reason: e.reason,
  message: e.message,
});

export function statusCard(f: StatusFacts): StatusCard {
  const i = f.installation;
  return {
    kind: 'status',
    tone: f.verdict.tone,
    installation: `${i.namespace}/${i.name}`,
    state: i.status.state ?? 'not reconciled yet',
    verdict: f.verdict.text,
    version: f.version,
    replicas: {
      desired: i.spec.replicas ?? 0,
      ready: f.pods.filter((p) => p.ready && !p.terminating).length,
      updated: i.status.updatedReplicas ?? 0,
    },
    pods: f.pods.map((p) => podOf(p, f.now)),
    warnings: f.warnings.map((e) => warningOf(e, f.now)),
    ...(f.lastBackup !== undefined ? { lastBackup: f.lastBackup } : {}),
    endpoint: i.status.endpoint ?? i.spec.ingressHost ?? '-',
  };
}
